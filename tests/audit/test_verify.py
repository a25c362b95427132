"""Verification finds each kind of tampering and names the first bad event.

An attacker is simulated with raw SQL, which bypasses the models' refusals. Every test
runs twice: leaves recomputed in this process, and spread over two processes in chunks
of three leaves (``fame audit verify`` on a large log), which must find the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.db import connection

import fame.audit.verify as verify
from fame.audit import AuditEvent, TreeHead, record_event, verify_audit_log
from fame.audit._merkle import EMPTY_ROOT, CompactTree
from fame.audit.models import LogState
from fame.audit.sequencer import integrate
from fame.audit.signing import clear_key_cache, key_path

from .conftest import sql

pytestmark = pytest.mark.django_db


@pytest.fixture(
    autouse=True,
    params=[
        "one process",
        pytest.param(
            "two processes", marks=pytest.mark.django_db(transaction=True, reset_sequences=True)
        ),
    ],
)
def processes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """In two processes: committed rows (the processes have their own connections) and
    chunks of three leaves. The pools made, to see that they were."""
    pools: list[Any] = []
    if request.param == "one process":
        return pools
    monkeypatch.setattr(verify, "CHUNK", 3)
    monkeypatch.setitem(verify_audit_log.__kwdefaults__, "workers", 2)
    fork = verify.multiprocessing.get_context("fork")
    making = fork.Pool

    def counted_pool(*args: Any, **kwargs: Any) -> Any:
        pools.append(args)
        return making(*args, **kwargs)

    monkeypatch.setattr(fork, "Pool", counted_pool)
    return pools


def forge_leaf_hash(seq: int, **changes: Any) -> None:
    """Change an event and store the leaf hash its new contents would have."""
    event = AuditEvent.objects.get(seq=seq)
    for field, value in changes.items():
        setattr(event, field, value)
    if changes:
        assignments = ", ".join(f"{field} = %s" for field in changes)
        sql(
            "UPDATE {events} SET " + assignments + " WHERE seq = %s",  # noqa: S608
            [*changes.values(), seq],
        )
    sql("UPDATE {leaves} SET leaf_hash = %s WHERE seq = %s", [event.computed_leaf_hash(), seq])


def swap_events(a: int, b: int) -> None:
    sql("UPDATE {events} SET seq = 999999 WHERE seq = %s", [a])
    sql("UPDATE {events} SET seq = %s WHERE seq = %s", [a, b])
    sql("UPDATE {events} SET seq = %s WHERE seq = 999999", [b])


@pytest.fixture
def ten_events() -> list[AuditEvent]:
    """Ten events recorded far enough apart for the sequencer to sign a head for each."""
    events = []
    for n in range(1, 11):
        events.append(record_event("auth.login", target=f"user:{n}", details={"n": n}))
        integrate()
    return events


def test_verify_empty_log_is_intact_with_empty_root() -> None:
    result = verify_audit_log()

    assert result.intact
    assert (result.events, result.tree_heads, result.root) == (0, 0, EMPTY_ROOT.hex())


def test_verify_untouched_log_is_intact(ten_events: list[AuditEvent], processes: list[Any]) -> None:
    result = verify_audit_log()

    assert len(processes) == (0 if connection.in_atomic_block else 1)

    assert result.intact, result.problem
    assert (result.events, result.tree_heads) == (10, 10)
    assert result.root == TreeHead.objects.get(tree_size=10).root_hash
    assert (result.problem, result.first_bad_event) == (None, None)


def test_verify_edited_event_names_it(ten_events: list[AuditEvent], processes: list[Any]) -> None:
    sql("UPDATE {events} SET target = 'user:999' WHERE seq = 4")

    result = verify_audit_log()

    assert not result.intact
    assert result.problem == "event 4 was altered: its contents do not match its leaf hash"
    assert result.first_bad_event == 4
    # In two processes (outside a transaction), they were used.
    assert len(processes) == (0 if connection.in_atomic_block else 1)


def test_verify_edited_event_time_names_it(ten_events: list[AuditEvent]) -> None:
    sql("UPDATE {events} SET time = %s WHERE seq = 8", ["2001-01-01 00:00:00"])

    result = verify_audit_log()

    assert result.problem == "event 8 was altered: its contents do not match its leaf hash"


def test_verify_several_edits_names_the_earliest(ten_events: list[AuditEvent]) -> None:
    forge_leaf_hash(7, outcome="failure")
    sql("UPDATE {events} SET details = %s WHERE seq = 2", ['{"n": 99}'])
    sql("DELETE FROM {events} WHERE seq = 9")

    result = verify_audit_log()

    assert result.first_bad_event == 2


def test_verify_edited_event_with_recomputed_leaf_hash_is_caught_by_tree_head(
    ten_events: list[AuditEvent],
) -> None:
    forge_leaf_hash(4, target="user:999")

    result = verify_audit_log()

    assert not result.intact
    assert result.problem == (
        "event 4 was altered, replaced or reordered: "
        "it does not match the signed tree head for size 4"
    )
    assert result.first_bad_event == 4


def test_verify_deleted_middle_event_names_it(ten_events: list[AuditEvent]) -> None:
    sql("DELETE FROM {events} WHERE seq = 5")

    result = verify_audit_log()

    assert result.problem == (
        "event 5 is missing: the log holds its leaf but the event was deleted"
    )
    assert result.first_bad_event == 5


def test_verify_deleted_middle_event_with_its_leaf_names_it(ten_events: list[AuditEvent]) -> None:
    sql("DELETE FROM {events} WHERE seq = 5")
    sql("DELETE FROM {leaves} WHERE position = 5")

    result = verify_audit_log()

    assert result.problem == "leaf 5 of the log is missing (positions jump from 4 to 6)"
    assert result.first_bad_event == 5


@pytest.mark.parametrize(
    ("deleted", "problem"),
    [
        ([6], "leaf 6 of the log is missing (positions jump from 5 to 7)"),
        ([4, 5, 6], "leaves 4 to 6 of the log are missing (positions jump from 3 to 7)"),
        ([6, 7], "leaves 6 to 7 of the log are missing (positions jump from 5 to 8)"),
    ],
    ids=["last of a chunk", "a whole chunk", "across two chunks"],
)
def test_verify_deleted_leaves_at_the_edge_of_a_chunk_are_named(
    ten_events: list[AuditEvent], deleted: list[int], problem: str
) -> None:
    """In two processes a chunk is leaves 1-3, 4-6, 7-9, 10: a leaf missing at a chunk's
    end is named where it is missing, not found later as a changed tree."""
    for position in deleted:
        sql("DELETE FROM {events} WHERE seq = %s", [position])
        sql("DELETE FROM {leaves} WHERE position = %s", [position])

    result = verify_audit_log()

    assert result.problem == problem
    assert result.first_bad_event == deleted[0]


def test_verify_deleted_run_of_events_names_the_first(ten_events: list[AuditEvent]) -> None:
    sql("DELETE FROM {events} WHERE seq IN (5, 6, 7)")
    sql("DELETE FROM {leaves} WHERE seq IN (5, 6, 7)")

    result = verify_audit_log()

    assert result.problem == "leaves 5 to 7 of the log are missing (positions jump from 4 to 8)"
    assert result.first_bad_event == 5


def test_verify_deleted_first_event_names_it(ten_events: list[AuditEvent]) -> None:
    sql("DELETE FROM {events} WHERE seq = 1")

    result = verify_audit_log()

    assert result.first_bad_event == 1
    assert result.problem == (
        "event 1 is missing: the log holds its leaf but the event was deleted"
    )


def test_verify_deleted_last_event_with_its_tree_head_kept_names_it(
    ten_events: list[AuditEvent],
) -> None:
    sql("DELETE FROM {events} WHERE seq = 10")
    sql("DELETE FROM {leaves} WHERE position = 10")

    result = verify_audit_log()

    assert not result.intact
    assert result.first_bad_event == 10
    assert result.problem is not None
    assert result.problem.startswith(
        "event 10 is missing: the signed tree head for size 10 vouches"
    )


def test_verify_deleted_last_event_and_tree_head_is_caught_by_log_state(
    ten_events: list[AuditEvent],
) -> None:
    sql("DELETE FROM {events} WHERE seq = 10")
    sql("DELETE FROM {leaves} WHERE position = 10")
    sql("DELETE FROM {heads} WHERE tree_size = 10")

    result = verify_audit_log()

    assert result.first_bad_event == 10
    assert result.problem is not None
    assert "the log's running state counts events up to 10" in result.problem


def test_verify_cannot_see_truncation_that_also_rewinds_the_state(
    ten_events: list[AuditEvent],
) -> None:
    # The known limit of a log checked only against itself: removing the newest
    # event, its tree head and the running state together leaves a consistent
    # shorter log. Witnesses that hold earlier tree heads close this gap.
    nine = ten_events[:9]
    frontier = LogState.objects.get().frontier
    sql("DELETE FROM {events} WHERE seq = 10")
    sql("DELETE FROM {leaves} WHERE position = 10")
    sql("DELETE FROM {heads} WHERE tree_size = 10")
    head = TreeHead.objects.get(tree_size=9)
    tree = CompactTree()
    for event in nine:
        tree.append(bytes.fromhex(event.computed_leaf_hash()))
    assert frontier != tree.frontier_hex()
    sql(
        "UPDATE {state} SET tree_size = 9, frontier = %s, root_hash = %s",
        [json.dumps(tree.frontier_hex()), head.root_hash],
    )

    result = verify_audit_log()

    assert result.intact
    assert result.root == head.root_hash


def test_verify_swapped_events_names_the_earlier(ten_events: list[AuditEvent]) -> None:
    swap_events(3, 6)

    result = verify_audit_log()

    assert result.problem == "event 3 was altered: its contents do not match its leaf hash"
    assert result.first_bad_event == 3


def test_verify_swapped_events_with_recomputed_leaf_hashes_is_caught_by_tree_head(
    ten_events: list[AuditEvent],
) -> None:
    swap_events(3, 6)
    forge_leaf_hash(3)
    forge_leaf_hash(6)

    result = verify_audit_log()

    assert result.problem == (
        "event 3 was altered, replaced or reordered: "
        "it does not match the signed tree head for size 3"
    )
    assert result.first_bad_event == 3


def test_verify_edited_tree_head_root_names_it(ten_events: list[AuditEvent]) -> None:
    sql("UPDATE {heads} SET root_hash = %s WHERE tree_size = 7", ["ab" * 32])

    result = verify_audit_log()

    assert result.problem == "tree head for size 7 was altered: its signature does not verify"
    assert result.first_bad_event == 7


def test_verify_edited_tree_head_signature_names_it(ten_events: list[AuditEvent]) -> None:
    signature = TreeHead.objects.get(tree_size=7).signature
    forged = ("0" if signature[0] != "0" else "1") + signature[1:]
    sql("UPDATE {heads} SET signature = %s WHERE tree_size = 7", [forged])

    result = verify_audit_log()

    assert result.problem == "tree head for size 7 was altered: its signature does not verify"
    assert result.first_bad_event == 7


def test_verify_tree_head_with_unknown_key_names_it(ten_events: list[AuditEvent]) -> None:
    sql("UPDATE {heads} SET key_id = 'ffffffffffffffff' WHERE tree_size = 2")

    result = verify_audit_log()

    assert result.first_bad_event == 2
    assert result.problem is not None
    assert "tree head for size 2 is signed by key 'ffffffffffffffff'" in result.problem


def test_verify_deleted_tree_head_names_its_event(ten_events: list[AuditEvent]) -> None:
    sql("DELETE FROM {heads} WHERE tree_size = 5")

    result = verify_audit_log()

    assert result.first_bad_event == 5
    assert result.problem is not None
    assert result.problem.startswith("the signed tree head for size 5 is missing")


def test_verify_forged_event_appended_without_signature_names_it(
    ten_events: list[AuditEvent],
) -> None:
    sql(
        "INSERT INTO {events} (seq, time, actor_id, actor_username, organisation, action, "
        "target, outcome, details) "
        "VALUES (11, '2030-01-01 00:00:00', NULL, '', '', 'auth.login', '', 'success', '{{}}')"
    )
    sql("INSERT INTO {leaves} (position, seq, leaf_hash) VALUES (11, 11, '')")
    forge_leaf_hash(11)

    result = verify_audit_log()

    assert result.first_bad_event == 11
    assert result.problem is not None
    assert result.problem.startswith("the signed tree head for size 11 is missing")


def test_verify_without_the_signing_key_reports_unknown_key(
    ten_events: list[AuditEvent],
) -> None:
    key_path("audit").unlink()
    clear_key_cache()

    result = verify_audit_log()

    assert result.first_bad_event == 1
    assert result.problem is not None
    assert "which this node does not hold" in result.problem
    assert not key_path("audit").exists()


def test_verify_ignores_events_recorded_while_it_runs(ten_events: list[AuditEvent]) -> None:
    def append_once_checking_starts(events: Iterable[Any], total: int) -> Iterator[Any]:
        record_event("auth.login", target="user:late")
        yield from events

    during = verify_audit_log(progress=append_once_checking_starts)
    after = verify_audit_log()

    assert during.intact, during.problem
    assert (during.events, during.tree_heads) == (10, 10)
    assert after.intact, after.problem
    assert after.events == 11


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite stores mistyped values")
@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("UPDATE {events} SET time = 'last Tuesday' WHERE seq = 6", "event 6 was altered so"),
        ("UPDATE {events} SET actor_id = 'mallory' WHERE seq = 6", "event 6 was altered"),
        (
            "UPDATE {heads} SET timestamp = 'soon' WHERE tree_size = 6",
            "tree head for size 6 was altered",
        ),
        ("UPDATE {heads} SET tree_size = 'six' WHERE tree_size = 6", "can no longer be read"),
        ("UPDATE {state} SET tree_size = 'ten'", "can no longer be read"),
    ],
)
def test_verify_value_of_wrong_type_is_reported_not_crashed(
    ten_events: list[AuditEvent], statement: str, expected: str
) -> None:
    sql(statement)

    result = verify_audit_log()

    assert not result.intact
    assert result.problem is not None
    assert expected in result.problem
