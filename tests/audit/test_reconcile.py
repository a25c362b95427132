"""`fame audit reconcile`: a hub whose log went back in time (a restore, here a truncation as a
restore leaves it) records the loss; the node checks and records it; verify acknowledges it,
and nothing else (ADR 0045).

The real drill, with `fame backup` and `fame restore` between real processes, is
tests/deploy/test_restore_drill.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from fame.audit.models import AuditEvent, WitnessedRestore, WitnessedTreeHead
from fame.audit.publish import publish_tree_head
from fame.audit.queries import latest_tree_head
from fame.audit.signing import signing_key
from fame.audit.witness import RestoreStatement
from fame.federation import federation_client

from .conftest import NODE, ORIGIN, add_events, run_audit, sql, truncate_log

pytestmark = pytest.mark.django_db

RESTORES_PATH = "/federation/v1/node/audit/restores"


def witnessed_latest(epoch: int = 0) -> int:
    heads = WitnessedTreeHead.objects.filter(status="accepted", epoch=epoch)
    return max(heads.values_list("tree_size", flat=True), default=0)


@pytest.fixture
def restored(witnessing_node) -> tuple[int, int]:
    """The node witnessed the log at two sizes; then the log went back to the first, as a
    restore from a backup made then leaves it. (kept size, lost size)"""
    add_events(4)
    publish_tree_head()
    kept = witnessed_latest()
    add_events(3)
    publish_tree_head()
    lost = witnessed_latest()
    assert kept < lost
    truncate_log(kept)
    return kept, lost


def test_verify_names_the_head_a_restored_log_is_behind(restored: tuple[int, int]) -> None:
    _, lost = restored

    code, _, err = run_audit("verify", "--witnesses")

    assert code == 1
    assert f"node {NODE} witnessed a head for size {lost} (signed " in err
    assert "the log is behind what the node witnessed" in err


def test_reconcile_records_the_loss_and_verify_then_acknowledges_it(
    restored: tuple[int, int],
) -> None:
    kept, lost = restored
    add_events(2)  # the restored hub went on recording before anyone reconciled
    assert publish_tree_head()[0].status == "inconsistent"  # the node refuses its heads

    code, out, err = run_audit("reconcile", "--json")

    assert code == 0, err
    report = json.loads(out)
    [node] = report["nodes"]
    assert (node["node"], node["status"], node["epoch"]) == (NODE, "recorded", 1)
    assert (node["kept_size"], node["lost_size"]) == (kept, lost)
    event = AuditEvent.objects.get(seq=report["event"])
    assert event.action == "audit.restore_reconciled"
    assert event.details["nodes"][0]["lost_size"] == lost
    restore = WitnessedRestore.objects.get()
    assert (restore.kept_size, restore.lost_size, restore.epoch) == (kept, lost, 1)
    assert witnessed_latest(epoch=1) >= report["restored_size"]  # published and accepted

    code, out, err = run_audit("verify", "--witnesses")

    assert code == 0, err
    assert f"Witness {NODE} agrees since the restore it recorded" in out
    assert (
        f"Acknowledged: node {NODE} witnessed events up to {lost} (signed " in out
        and f"events {kept + 1} to {lost} of that history were lost in a restore, recorded "
        f"as event {report['event']} and by the node"
        in out
    )
    assert err == ""


def test_the_node_goes_on_witnessing_after_the_restore(restored: tuple[int, int]) -> None:
    run_audit("reconcile")
    first = witnessed_latest(epoch=1)
    add_events(3)

    [published] = publish_tree_head()

    assert published.status == "accepted"
    assert witnessed_latest(epoch=1) > first
    assert run_audit("verify", "--witnesses")[0] == 0


def test_a_truncation_after_a_reconcile_is_still_caught(restored: tuple[int, int]) -> None:
    run_audit("reconcile")
    add_events(3)
    publish_tree_head()
    newest = witnessed_latest(epoch=1)
    truncate_log(newest - 2)

    code, _, err = run_audit("verify", "--witnesses")

    assert code == 1
    assert f"node {NODE} witnessed a head for size {newest} (signed " in err


def test_a_rewrite_of_what_the_restore_kept_is_still_caught(restored: tuple[int, int]) -> None:
    run_audit("reconcile")
    sql("UPDATE {events} SET target = 'search:rewritten' WHERE seq = 2")

    code, _, err = run_audit("verify", "--witnesses")

    assert code == 1
    assert "Audit log check failed: event 2 was altered" in err


def test_reconcile_with_nothing_lost_records_nothing(witnessing_node) -> None:
    add_events(3)
    publish_tree_head()
    events = AuditEvent.objects.count()

    code, out, _ = run_audit("reconcile")

    assert code == 0
    assert out.startswith("Nothing to reconcile: every node that answered agrees")
    assert AuditEvent.objects.count() == events
    assert not WitnessedRestore.objects.exists()


def test_reconcile_run_again_records_nothing_more(restored: tuple[int, int]) -> None:
    """Run twice (an operator unsure the first went through): the second finds every node
    agreeing since the restore and changes nothing."""
    assert run_audit("reconcile")[0] == 0
    events = AuditEvent.objects.count()
    heads = WitnessedTreeHead.objects.count()

    code, out, err = run_audit("reconcile")

    assert code == 0, err
    assert out.startswith("Nothing to reconcile: every node that answered agrees")
    assert AuditEvent.objects.count() == events
    assert WitnessedTreeHead.objects.count() == heads
    assert WitnessedRestore.objects.count() == 1
    assert run_audit("verify", "--witnesses")[0] == 0


def test_a_second_restore_is_reconciled_as_the_next_epoch(restored: tuple[int, int]) -> None:
    first_kept, first_lost = restored
    run_audit("reconcile")
    add_events(3)
    publish_tree_head()
    kept = witnessed_latest(epoch=1)
    add_events(3)
    publish_tree_head()
    lost = witnessed_latest(epoch=1)
    truncate_log(kept)  # restored again, from a backup made after the first reconcile

    code, out, err = run_audit("reconcile", "--json")

    assert code == 0, err
    [node] = json.loads(out)["nodes"]
    assert (node["status"], node["epoch"]) == ("recorded", 2)
    assert (node["kept_size"], node["lost_size"]) == (kept, lost)
    restores = list(WitnessedRestore.objects.values_list("epoch", "kept_size", "lost_size"))
    assert restores == [(1, first_kept, first_lost), (2, kept, lost)]
    code, out, err = run_audit("verify", "--witnesses")
    assert code == 0, err
    assert out.count("were lost in a restore") == 2


def test_reconcile_refuses_a_log_that_fails_its_own_check(restored: tuple[int, int]) -> None:
    sql("UPDATE {events} SET outcome = 'refused' WHERE seq = 1")
    events = AuditEvent.objects.count()

    with pytest.raises(
        CommandError,
        match="Nothing was reconciled: the audit log fails its own "
        r"check \(event 1 was altered",
    ):
        call_command("audit", "reconcile")

    assert AuditEvent.objects.count() == events
    assert not WitnessedRestore.objects.exists()


def test_reconcile_is_refused_on_a_node(settings) -> None:
    settings.FAME_ROLE = "node"

    with pytest.raises(CommandError, match="reconcile runs on the hub"):
        call_command("audit", "reconcile")


# The node's side: a restore statement is recorded only once checked ---------------------


def statement(kept: int, lost: int, **changes: Any) -> dict[str, Any]:
    """A restore statement signed with the hub's audit key, for the log as it is now."""
    head = latest_tree_head()
    assert head is not None
    lost_head = WitnessedTreeHead.objects.get(tree_size=lost, status="accepted")
    fields: dict[str, Any] = {
        "epoch": 1,
        "kept_size": kept,
        "lost_size": lost,
        "lost_root": lost_head.root_hash,
        "restored_size": head.tree_size,
        "restored_root": head.root_hash,
        "timestamp": datetime.now(UTC),
        "signature": "0" * 128,
        "key_id": signing_key("audit").key_id,
    }
    fields.update(changes)
    unsigned = RestoreStatement(**fields)
    signature = signing_key("audit").sign(unsigned.message()).hex()
    return {**RestoreStatement(**{**fields, "signature": signature}).as_json()}


def send(payload: dict[str, Any]) -> Any:
    return federation_client().post(ORIGIN, RESTORES_PATH, payload, key_id="hub", peer=NODE)


def test_node_records_a_checked_statement_once(restored: tuple[int, int]) -> None:
    kept, lost = restored
    payload = statement(kept, lost)

    first, again = send(payload), send(payload)

    assert first.status == 200, first.data
    assert first.data["status"] == "accepted"
    assert again.data["status"] == "already witnessed"
    assert WitnessedRestore.objects.count() == 1
    assert AuditEvent.objects.filter(action="audit.witness_restore_recorded").count() == 1


def test_node_refuses_a_statement_that_does_not_name_its_latest_head(
    restored: tuple[int, int],
) -> None:
    kept, _ = restored

    answer = send(statement(kept - 1, kept))

    assert answer.status == 409
    assert f"this node's latest is size {restored[1]}" in answer.data["reason"]
    assert not WitnessedRestore.objects.exists()
    assert AuditEvent.objects.filter(action="audit.witness_restore_refused").exists()


def test_node_refuses_a_statement_with_a_forged_signature(restored: tuple[int, int]) -> None:
    kept, lost = restored
    payload = statement(kept, lost)
    payload["lost_size"] = lost + 1  # changed after signing

    answer = send(payload)

    assert answer.status == 403
    assert "signature does not verify" in answer.data["reason"]
    assert not WitnessedRestore.objects.exists()


def test_node_refuses_a_restored_head_that_does_not_extend_the_kept_one(
    restored: tuple[int, int],
) -> None:
    kept, lost = restored
    add_events(1)

    answer = send(statement(kept, lost, restored_root="ab" * 32))

    assert answer.status == 409
    assert f"does not show the restored head extends size {kept}" in answer.data["reason"]
    assert not WitnessedRestore.objects.exists()
