"""The outbox reaches the hub at least once and takes effect exactly once, whatever fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fame.federation import FederationClient
from fame.federation._breaker import CircuitBreaker
from fame.federation.models import FederationNode, HubReceipt
from fame.federation.transports import UnreachableTransport
from fame.index.models import Person, SourceRecord
from fame.node.actions import save_records, set_caf
from fame.node.models import Outbox
from fame.node.outbox import backoff, deliver_once

from ..index.conftest import record

pytestmark = pytest.mark.django_db


def down_client() -> FederationClient:
    return FederationClient(transport=UnreachableTransport(), breaker=CircuitBreaker())


def test_delivery_applies_updates_at_the_hub(embedded_node):
    save_records([record(), record(local_id="UPN-1002", given_name="Ollie")], by="t", source="t")
    report = deliver_once()
    assert (report.sent, report.delivered, report.error) == (2, 2, "")
    assert SourceRecord.objects.count() == 2
    assert not Outbox.objects.filter(delivered_at__isnull=True).exists()
    node = FederationNode.objects.get()
    assert node.last_contact is not None
    assert node.outbox_backlog == 0


def test_delivering_twice_takes_effect_once(embedded_node):
    save_records([record()], by="t", source="t")
    deliver_once()
    Outbox.objects.update(delivered_at=None)  # as if the hub's answer had been lost
    report = deliver_once()
    assert (report.delivered, report.duplicates) == (1, 1)
    assert SourceRecord.objects.count() == 1
    assert HubReceipt.objects.count() == 1


def test_hub_down_keeps_updates_and_backs_off(embedded_node, settings):
    settings.FAME_OUTBOX_MAX_BACKOFF = 30
    save_records([record()], by="t", source="t")
    before = timezone.now()
    report = deliver_once(client=down_client())
    assert "the hub did not respond" in report.error
    row = Outbox.objects.get()
    assert row.delivered_at is None
    assert row.attempts == 1
    assert row.next_attempt_at >= before + timedelta(seconds=0.4)
    assert "could not connect" in row.last_error
    assert not SourceRecord.objects.exists()


def test_updates_wait_for_their_next_attempt(embedded_node):
    save_records([record()], by="t", source="t")
    Outbox.objects.update(next_attempt_at=timezone.now() + timedelta(minutes=1))
    assert deliver_once().sent == 0


def test_hub_back_again_catches_up(embedded_node):
    save_records([record()], by="t", source="t")
    deliver_once(client=down_client())
    Outbox.objects.update(next_attempt_at=timezone.now())
    assert deliver_once().delivered == 1
    assert SourceRecord.objects.count() == 1


def test_backoff_grows_and_is_capped(settings):
    settings.FAME_OUTBOX_MAX_BACKOFF = 30
    waits = [backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)]
    assert 0.4 <= waits[0] <= 0.6
    assert waits[1] > waits[0] and waits[2] > waits[1]
    assert waits[-1] <= 36


def test_caf_update_sets_the_index_flag(embedded_node):
    save_records([record()], by="t", source="t")
    set_caf(agency_id="sch-001", local_id="UPN-1001", status="exists", by="t")
    assert deliver_once().delivered == 2
    person = Person.objects.get()
    assert (person.caf_status, person.caf_holder.agency_id) == ("open", "sch-001")


def test_caf_update_before_its_record_is_retried(embedded_node):
    save_records([record()], by="t", source="t")
    set_caf(agency_id="sch-001", local_id="UPN-1001", status="exists", by="t")
    first = Outbox.objects.order_by("id").first()
    first.next_attempt_at = timezone.now() + timedelta(minutes=1)
    first.save()
    report = deliver_once()
    assert report.rejected == 1
    assert "has no record" in Outbox.objects.get(kind="caf_exists").last_error
    Outbox.objects.update(next_attempt_at=timezone.now())
    assert deliver_once().delivered == 2


def test_caf_closed_reaches_the_index(embedded_node):
    save_records([record()], by="t", source="t")
    set_caf(agency_id="sch-001", local_id="UPN-1001", status="exists", by="t")
    set_caf(agency_id="sch-001", local_id="UPN-1001", status="closed", by="t")
    assert deliver_once().delivered == 3
    assert Person.objects.get().caf_status == "closed"


def test_updates_the_hub_had_no_time_for_are_sent_again(embedded_node, monkeypatch):
    monkeypatch.setattr("fame.federation.ingest.TIME_BUDGET", -1.0)
    save_records([record(), record(local_id="UPN-1002", given_name="Ollie")], by="t", source="t")
    first = deliver_once()
    assert (first.delivered, first.deferred) == (1, 1)
    waiting = Outbox.objects.get(delivered_at__isnull=True)
    assert (waiting.attempts, waiting.last_error) == (0, "")
    assert deliver_once().delivered == 1
    assert SourceRecord.objects.count() == 2
