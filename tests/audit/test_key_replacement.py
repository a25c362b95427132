"""A hub audit key lost or that may be stolen (ADR 0046): the hub replaces it with no
hand-over, each node revokes it and trusts the new key by hand; nothing the old key
signs afterwards is witnessed, nor any key it handed over to, and the heads it signed
before still verify."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.audit.models import TreeHead, TrustedLogKey, WitnessedTreeHead
from fame.audit.publish import publish_tree_head
from fame.audit.rotation import handovers, replace_audit_key, rotate_audit_key
from fame.audit.signing import key_path, signing_key
from fame.audit.verify import verify_audit_log
from fame.audit.witness import RevokedKeyError, revoke_log_key, trust_log_key
from fame.audit.witness_check import check_witnesses
from fame.federation.keys import public_pem

from .test_witness import add_events, audited, latest_tree_head, send_to_node, signed_head

pytestmark = pytest.mark.django_db


def test_a_replaced_key_hands_nothing_over_and_its_heads_still_verify(data_dir) -> None:
    add_events(3)
    old = signing_key("audit").key_id
    replaced = replace_audit_key(reason="hub server stolen", by="test")
    add_events(2)
    assert (replaced.old_key_id, signing_key("audit").key_id) == (old, replaced.new_key_id)
    assert handovers() == []
    [event] = audited("audit.key_replaced")
    assert event.details["reason"] == "hub server stolen"
    assert event.details["old_key_id"] == old
    # The head covering the replacement is the new key's, not the old one's.
    covering = TreeHead.objects.filter(tree_size__gte=replaced.handover_seq).first()
    assert covering is not None and covering.key_id == replaced.new_key_id
    result = verify_audit_log()
    assert result.intact, result.problem


def test_a_lost_key_is_replaced_with_its_public_half_from_the_nodes_file(data_dir) -> None:
    add_events(2)
    old = signing_key("audit")
    given_to_nodes = public_pem(old.public_key)
    key_path("audit").unlink()  # lost

    replaced = replace_audit_key(
        reason="disk failed, no backup", old_public_key=old.public_key, by="test"
    )

    assert replaced.old_key_id == old.key_id
    add_events(1)
    result = verify_audit_log()
    assert result.intact, result.problem
    retired = list((Path(data_dir) / "keys" / "retired").glob("audit-*.json"))
    assert len(retired) == 1
    assert json.loads(retired[0].read_text())["public_key"] == given_to_nodes


def test_the_command_refuses_a_lost_key_without_its_public_half(data_dir) -> None:
    add_events(1)
    key_path("audit").unlink()
    with pytest.raises(CommandError, match="--old-public-key-file"):
        call_command("audit", "rotate-key", "--replace", "--reason", "lost")
    with pytest.raises(CommandError, match="restore it from the latest backup"):
        call_command("audit", "rotate-key")
    with pytest.raises(CommandError, match="--reason"):
        call_command("audit", "rotate-key", "--replace")
    assert not key_path("audit").exists()  # nothing made a key behind the refusal
    assert not audited("audit.key_replaced")


def test_a_node_that_revoked_the_stolen_key_witnesses_only_the_new_one(witnessing_node) -> None:
    add_events(3)
    assert publish_tree_head()[0].status == "accepted"
    stolen = signing_key("audit").private_key
    replaced = replace_audit_key(reason="hub server stolen", by="test")

    # Until the node acts, it neither trusts the new key nor has revoked the old.
    assert publish_tree_head()[0].status == "refused"
    revoke_log_key(key_id=replaced.old_key_id, reason="hub server stolen", by="test")
    head = latest_tree_head()
    assert head is not None
    forged = send_to_node(signed_head(head.tree_size + 5, "cd" * 32, key=stolen))
    assert forged.status == 403
    assert "which this node revoked" in forged.data["reason"]
    trust_log_key(public_key=public_pem(signing_key("audit").public_key), by="test")
    add_events(2)

    [result] = publish_tree_head()

    assert result.status == "accepted", result.reason
    latest = WitnessedTreeHead.objects.filter(status="accepted").order_by("-id").first()
    assert latest is not None and latest.key_id == replaced.new_key_id
    # The new key's heads chain on from what the old key's heads showed the node.
    assert latest.checked_against is not None
    report = check_witnesses()
    assert report.agree and report.complete
    [revoked] = audited("audit.log_key_revoked")
    assert revoked.details["key_id"] == replaced.old_key_id


def test_revoking_a_key_revokes_every_key_it_handed_over_to(witnessing_node) -> None:
    add_events(2)
    publish_tree_head()
    first = signing_key("audit").key_id
    rotated = rotate_audit_key(by="test")  # first hands over to second
    add_events(1)
    assert publish_tree_head()[0].status == "accepted"
    assert TrustedLogKey.objects.filter(key_id=rotated.new_key_id).exists()

    revoked = revoke_log_key(key_id=first, reason="first key was copied", by="test")

    assert [entry.key_id for entry in revoked] == [first, rotated.new_key_id]
    second = TrustedLogKey.objects.get(key_id=rotated.new_key_id)
    assert second.revoked_reason == f"handed over by revoked key {first}: first key was copied"
    add_events(1)
    [result] = publish_tree_head()
    assert result.status == "refused" and "which this node revoked" in result.reason
    with pytest.raises(RevokedKeyError, match="never trusted again"):
        trust_log_key(public_key=public_pem(signing_key("audit").public_key), by="test")


def test_revoke_key_command_names_what_it_did_and_refuses_bad_input(
    witnessing_node, tmp_path
) -> None:
    add_events(1)
    key_id = signing_key("audit").key_id
    with pytest.raises(CommandError, match="does not trust an audit key 'ffff'"):
        call_command("audit", "revoke-key", "--key-id", "ffff", "--reason", "x")
    with pytest.raises(CommandError, match="--reason"):
        call_command("audit", "revoke-key", "--key-id", key_id)
    assert not TrustedLogKey.objects.filter(revoked_at__isnull=False).exists()
    out = StringIO()
    call_command("audit", "revoke-key", "--key-id", key_id, "--reason", "stolen", stdout=out)
    assert f"Key {key_id} of hub is revoked" in out.getvalue()
    again = tmp_path / "hub-audit.pub"
    again.write_text(public_pem(signing_key("audit").public_key))
    with pytest.raises(CommandError, match="never trusted again"):
        call_command("audit", "trust", "--public-key-file", str(again))
