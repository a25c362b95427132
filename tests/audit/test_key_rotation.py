"""Rotating the hub's audit key mid-log (ADR 0046): the heads the old key signed still
verify, the nodes trust the new key through the old key's hand-over, and a head signed
by a key never trusted, or a hand-over the old key did not sign, is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from fame.audit.models import TreeHead, TrustedLogKey, WitnessedTreeHead
from fame.audit.publish import publish_tree_head
from fame.audit.rotation import handover_message, handovers, rotate_audit_key
from fame.audit.signing import key_id_for, signing_key
from fame.audit.verify import verify_audit_log
from fame.audit.witness_check import check_witnesses
from fame.federation.keys import public_pem

from .conftest import rewrite_log
from .test_witness import add_events, audited, latest_tree_head, send_to_node, signed_head

pytestmark = pytest.mark.django_db


def test_rotating_mid_log_keeps_every_head_verifiable(data_dir) -> None:
    add_events(3)
    old = signing_key("audit").key_id
    rotated = rotate_audit_key(by="test")
    add_events(2)
    assert rotated.old_key_id == old and signing_key("audit").key_id == rotated.new_key_id
    signers = set(TreeHead.objects.values_list("key_id", flat=True))
    assert signers == {old, rotated.new_key_id}
    # The head that covers the hand-over is the old key's.
    covering = TreeHead.objects.filter(tree_size__gte=rotated.handover_seq).first()
    assert covering is not None and covering.key_id == old
    result = verify_audit_log()
    assert result.intact, result.problem
    [event] = audited("audit.key_rotated")
    assert (event.details["old_key_id"], event.details["new_key_id"]) == (old, rotated.new_key_id)


def test_a_head_of_the_old_key_still_fails_when_altered(data_dir) -> None:
    add_events(3)
    rotate_audit_key(by="test")
    add_events(2)
    rewrite_log(2, target="child:someone-else")
    assert not verify_audit_log().intact


def test_without_the_retired_public_key_old_heads_are_unknown(data_dir) -> None:
    add_events(2)
    rotated = rotate_audit_key(by="test")
    add_events(1)
    for path in (Path(data_dir) / "keys" / "retired").glob("audit-*.json"):
        path.unlink()
    result = verify_audit_log()
    assert not result.intact
    assert f"signed by key {rotated.old_key_id!r}" in (result.problem or "")


def test_nodes_witness_heads_under_the_new_key_through_the_hand_over(witnessing_node) -> None:
    add_events(3)
    assert publish_tree_head()[0].status == "accepted"
    rotated = rotate_audit_key(by="test")
    add_events(2)

    [result] = publish_tree_head()

    assert result.status == "accepted", result.reason
    latest = WitnessedTreeHead.objects.order_by("-id").first()
    assert latest is not None and latest.key_id == rotated.new_key_id
    assert set(TrustedLogKey.objects.values_list("key_id", flat=True)) == {
        rotated.old_key_id,
        rotated.new_key_id,
    }
    trusted = [
        e for e in audited("audit.log_key_trusted") if e.details["key_id"] == rotated.new_key_id
    ]
    assert trusted[0].details["by"] == f"hand-over from {rotated.old_key_id}"
    report = check_witnesses()
    assert report.agree and report.complete


def test_a_head_signed_by_a_key_never_trusted_is_refused(witnessing_node) -> None:
    add_events(2)
    publish_tree_head()
    stranger = Ed25519PrivateKey.generate()
    head = latest_tree_head()
    assert head is not None
    forged = signed_head(head.tree_size + 1, "ab" * 32, key=stranger)
    # A hand-over signed by the stranger itself grants nothing: its old key is not trusted.
    forged["handovers"] = [
        {
            "old_key_id": key_id_for(stranger.public_key()),
            "new_key_id": key_id_for(stranger.public_key()),
            "public_key": public_pem(stranger.public_key()),
            "signature": stranger.sign(
                handover_message(key_id_for(stranger.public_key()), stranger.public_key())
            ).hex(),
        }
    ]
    response = send_to_node(forged)
    assert response.status == 403
    assert "does not trust" in response.data["reason"]
    assert TrustedLogKey.objects.count() == 1


def test_a_hand_over_the_old_key_did_not_sign_is_ignored(witnessing_node) -> None:
    add_events(2)
    publish_tree_head()
    trusted = signing_key("audit")
    stranger = Ed25519PrivateKey.generate()
    head = latest_tree_head()
    assert head is not None
    forged = signed_head(head.tree_size + 1, "ab" * 32, key=stranger)
    forged["handovers"] = [
        {
            "old_key_id": trusted.key_id,  # claims the trusted key handed over...
            "new_key_id": key_id_for(stranger.public_key()),
            "public_key": public_pem(stranger.public_key()),
            # ...but the stranger signed it
            "signature": stranger.sign(
                handover_message(trusted.key_id, stranger.public_key())
            ).hex(),
        }
    ]
    response = send_to_node(forged)
    assert response.status == 403
    assert TrustedLogKey.objects.count() == 1


def test_rotate_key_command(data_dir) -> None:
    from io import StringIO

    add_events(1)
    out = StringIO()
    call_command("audit", "rotate-key", stdout=out)
    assert "is now signed with key" in out.getvalue()
    assert len(handovers()) == 1
    add_events(1)
    assert verify_audit_log().intact
