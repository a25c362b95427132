"""Events recorded from several threads at once, while the sequencer integrates them."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from fame.audit import AuditEvent, TreeHead, record_event, verify_audit_log
from fame.audit.models import AuditLeaf, PendingEvent
from fame.audit.sequencer import Sequencer, integrate

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="in-memory SQLite shares one connection across threads",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_appends_while_sequencing_make_one_consistent_tree() -> None:
    errors: list[BaseException] = []
    appending = threading.Event()
    heads_while_appending: list[int] = []

    def append_many(worker: int) -> None:
        try:
            for number in range(25):
                record_event("auth.login", target=f"worker:{worker}:{number}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def sequence() -> None:
        try:
            while appending.is_set():
                heads_while_appending.extend(h.tree_size for h in integrate(batch=7))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    appending.set()
    sequencer = threading.Thread(target=sequence)
    sequencer.start()
    threads = [threading.Thread(target=append_many, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    appending.clear()
    sequencer.join()
    integrate()

    assert errors == []
    assert heads_while_appending, "the sequencer signed heads while events came in"
    events = set(AuditEvent.objects.values_list("seq", flat=True))
    leaves = list(AuditLeaf.objects.order_by("position").values_list("position", "seq"))
    assert [position for position, _ in leaves] == list(range(1, 101))
    assert {seq for _, seq in leaves} == events and len(events) == 100
    assert not PendingEvent.objects.exists()
    sizes = list(TreeHead.objects.values_list("tree_size", flat=True))
    assert sizes[-1] == 100 and len(sizes) > 1
    assert verify_audit_log().intact


def test_an_event_committed_after_a_later_one_is_integrated_after_it() -> None:
    """PostgreSQL numbers an event as it is stored, but it is visible only once its
    transaction commits: the sequencer must neither skip it nor wait for it."""
    stored, release, done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow_request() -> None:
        try:
            with transaction.atomic():
                record_event("index.search", target="slow")
                stored.set()
                release.wait(10)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()
            done.set()

    slow = threading.Thread(target=slow_request)
    slow.start()
    assert stored.wait(10)
    quick = record_event("index.search", target="quick")
    integrate()
    first = list(AuditLeaf.objects.values_list("position", "seq"))
    release.set()
    slow.join()
    integrate()

    assert errors == []
    slow_seq = AuditEvent.objects.get(target="slow").seq
    assert slow_seq < quick.seq
    assert first == [(1, quick.seq)]
    assert list(AuditLeaf.objects.values_list("position", "seq")) == [(1, quick.seq), (2, slow_seq)]
    assert list(TreeHead.objects.values_list("tree_size", "previous_size")) == [(1, 0), (2, 1)]
    assert verify_audit_log().intact


def test_the_sequencer_thread_signs_a_head_within_a_second_of_an_event() -> None:
    sequencer = Sequencer(every=0.1)
    sequencer.start()
    try:
        event = record_event("index.search", target="served")
        recorded = time.monotonic()
        while time.monotonic() - recorded < 5 and not AuditLeaf.objects.filter(seq=event.seq):
            time.sleep(0.02)
        waited = time.monotonic() - recorded
    finally:
        sequencer.stop()

    assert AuditLeaf.objects.filter(seq=event.seq).exists()
    assert waited < 1.0
    assert TreeHead.objects.get().tree_size == 1
