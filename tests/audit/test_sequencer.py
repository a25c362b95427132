"""The sequencer: recorded events wait, then join the log a batch at a time under one head.

Tampering with what waits, or with a batch, is still found by ``verify``.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from fame.audit import AuditEvent, TreeHead, record_event, verify_audit_log
from fame.audit.models import AuditLeaf, PendingEvent
from fame.audit.queries import latest_tree_head
from fame.audit.sequencer import integrate

from .conftest import sql

pytestmark = pytest.mark.django_db


def record(n: int, start: int = 0) -> list[AuditEvent]:
    return [record_event("index.search", target=f"search:{i}") for i in range(start, start + n)]


def test_events_wait_outside_the_log_until_the_sequencer_adds_them() -> None:
    record(3)

    assert AuditEvent.objects.count() == 3  # pages and the live feed see them at once
    assert PendingEvent.objects.count() == 3
    assert latest_tree_head(integrate=False) is None

    head = latest_tree_head()  # whatever reads the heads integrates first

    assert head is not None and head.tree_size == 3
    assert not PendingEvent.objects.exists()


def test_an_event_altered_under_a_batch_head_names_the_batch() -> None:
    record(2)
    integrate()
    events = record(3, start=2)
    integrate()
    altered = AuditEvent.objects.get(seq=events[1].seq)
    altered.target = "search:forged"
    sql("UPDATE {events} SET target = 'search:forged' WHERE seq = %s", [events[1].seq])
    sql(
        "UPDATE {leaves} SET leaf_hash = %s WHERE seq = %s",
        [altered.computed_leaf_hash(), events[1].seq],
    )

    result = verify_audit_log()

    assert result.problem == (
        "an event among 3 to 5 was altered, replaced or reordered: "
        "they do not match the signed tree head for size 5"
    )
    assert result.first_bad_event == 3


def test_an_event_taken_out_of_the_queue_is_named() -> None:
    events = record(3)
    sql("DELETE FROM {pending} WHERE seq = %s", [events[1].seq])

    result = verify_audit_log()

    assert not result.intact
    assert result.problem is not None
    assert result.problem.startswith(f"event {events[1].seq} is not in the log: it is neither")
    assert result.events == 2


def test_a_waiting_event_deleted_before_it_joined_the_log_is_named() -> None:
    events = record(3)
    sql("DELETE FROM {events} WHERE seq = %s", [events[2].seq])

    result = verify_audit_log()

    assert not result.intact
    assert result.problem == (
        f"event {events[2].seq} is missing: it was recorded and waiting for the sequencer, "
        "but was deleted before it joined the log"
    )


def test_an_event_added_behind_the_logs_back_is_named() -> None:
    record(2)
    integrate()
    sql(
        "INSERT INTO {events} (seq, time, actor_id, actor_username, organisation, action, "
        "target, outcome, details) "
        "VALUES (50, '2030-01-01 00:00:00', NULL, '', '', 'auth.login', '', 'success', '{{}}')"
    )

    result = verify_audit_log()

    assert result.problem is not None
    assert result.problem.startswith("event 50 is not in the log")


def test_a_deleted_batch_head_is_named_by_the_head_after_it() -> None:
    record(2)
    integrate()
    record(2, start=2)
    integrate()
    record(1, start=4)
    integrate()
    sql("DELETE FROM {heads} WHERE tree_size = 4")

    result = verify_audit_log()

    assert result.problem is not None
    assert result.problem.startswith("the signed tree head for size 4 is missing")


def test_sequence_once_integrates_and_says_what_it_did() -> None:
    record(3)
    out = StringIO()

    call_command("audit", "sequence", "--once", "--json", stdout=out)

    assert json.loads(out.getvalue()) == {"events": 3, "tree_heads": [3]}
    out = StringIO()
    call_command("audit", "sequence", "--once", stdout=out)
    assert out.getvalue().strip() == "No events were waiting for the audit log."
    assert TreeHead.objects.count() == 1 and AuditLeaf.objects.count() == 3
