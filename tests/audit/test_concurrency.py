"""Appends from several threads at once stay gapless and verifiable."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from fame.audit import AuditEvent, record_event, verify_audit_log


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="in-memory SQLite shares one connection across threads"
)
@pytest.mark.django_db(transaction=True)
def test_record_event_from_concurrent_threads_stays_gapless_and_intact() -> None:
    errors: list[BaseException] = []

    def append_many(worker: int) -> None:
        try:
            for number in range(25):
                record_event("auth.login", target=f"worker:{worker}:{number}")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append_many, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 101))
    assert verify_audit_log().intact
