"""The hub applies a node's batch together, yet each update on its own terms."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError

from fame.federation import ingest
from fame.federation.ingest import IndexUpdate, apply_batch
from fame.federation.models import HubReceipt
from fame.index.models import Person, SourceRecord
from fame.index.source import as_row

from ..index.conftest import record

pytestmark = pytest.mark.django_db


def demographics(**changes: object) -> IndexUpdate:
    r = record(**changes)
    return IndexUpdate(uuid.uuid4().hex, "demographics", r.agency_id, {"record": as_row(r)})


def caf(local_id: str) -> IndexUpdate:
    return IndexUpdate(uuid.uuid4().hex, "caf_exists", "sch-001", {"local_id": local_id})


def children(n: int) -> list[IndexUpdate]:
    return [
        demographics(local_id=f"UPN-{i}", given_name=name, address_line_1=f"{i} Mill Lane")
        for i, name in enumerate(["Ada", "Ben", "Cal", "Dot", "Eve", "Fay", "Gus"][:n])
    ]


def statuses(results: list[dict[str, str]]) -> list[str]:
    return [r["status"] for r in results]


def test_bad_update_in_the_middle_is_rejected_alone(embedded_node):
    updates = children(5)
    bad = updates[2].payload["record"] | {"date_of_birth": "2017-02-30"}
    updates[2] = IndexUpdate(updates[2].idempotency_key, "demographics", "sch-001", {"record": bad})
    results = apply_batch(updates, node=embedded_node, backlog=None)
    assert statuses(results) == ["applied", "applied", "rejected", "applied", "applied"]
    assert "cannot be read" in results[2]["reason"]
    assert SourceRecord.objects.count() == 4
    assert HubReceipt.objects.count() == 4
    assert not HubReceipt.objects.filter(idempotency_key=updates[2].idempotency_key).exists()


def test_redelivered_batch_changes_nothing(embedded_node):
    updates = children(4)
    apply_batch(updates, node=embedded_node, backlog=None)
    before = (SourceRecord.objects.count(), Person.objects.count(), HubReceipt.objects.count())
    again = apply_batch(updates, node=embedded_node, backlog=None)
    assert statuses(again) == ["duplicate"] * 4
    assert (SourceRecord.objects.count(), Person.objects.count(), HubReceipt.objects.count()) == (
        before
    )


def test_caf_update_sees_records_earlier_in_its_batch_only(embedded_node):
    first, second = children(2)
    updates = [first, caf("UPN-0"), caf("UPN-1"), second]
    results = apply_batch(updates, node=embedded_node, backlog=None)
    assert statuses(results) == ["applied", "applied", "rejected", "applied"]
    assert results[1]["outcome"] == "caf open"
    assert SourceRecord.objects.get(local_id="UPN-0").person.caf_status == "open"
    assert SourceRecord.objects.get(local_id="UPN-1").person.caf_status == ""


def test_same_record_twice_in_a_batch_is_applied_in_order(embedded_node):
    updates = [demographics(), demographics(role="Head teacher")]
    results = apply_batch(updates, node=embedded_node, backlog=None)
    assert [r["outcome"] for r in results] == ["new person", "updated"]
    assert SourceRecord.objects.get().data["role"] == "Head teacher"


def test_conflict_in_a_run_falls_back_to_one_update_at_a_time(embedded_node, monkeypatch):
    updates = children(3)
    # Another delivery of updates[1] commits its receipt after this one looked for receipts.
    HubReceipt.objects.create(
        idempotency_key=updates[1].idempotency_key, node=embedded_node, kind="demographics"
    )
    steps = ingest._steps
    monkeypatch.setattr(
        ingest,
        "_steps",
        lambda updates, prepared, *, seen, organisations: steps(
            updates, prepared, seen=set(), organisations=organisations
        ),
    )
    results = apply_batch(updates, node=embedded_node, backlog=None)
    assert statuses(results) == ["applied", "duplicate", "applied"]
    assert HubReceipt.objects.count() == 3
    # The run was undone and applied again one by one: updates[1] took effect once, elsewhere.
    assert set(SourceRecord.objects.values_list("local_id", flat=True)) == {"UPN-0", "UPN-2"}


def test_conflict_fallback_reports_what_one_at_a_time_reports(embedded_node, monkeypatch):
    def conflict(records, *, by, deadline):
        raise IntegrityError("as if another delivery got there first")

    monkeypatch.setattr(ingest, "ingest_batch", conflict)
    results = apply_batch(children(3), node=embedded_node, backlog=None)
    assert statuses(results) == ["applied"] * 3
    assert SourceRecord.objects.count() == HubReceipt.objects.count() == 3
