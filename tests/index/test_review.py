"""Possible matches between the thresholds: an ISA officer links, keeps apart, splits or undoes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from fame.audit.models import AuditEvent
from fame.index.actions import ingest_record
from fame.index.models import LinkDecision, Person, ReviewItem, ReviewStatus, SourceRecord

from ..conftest import signed_in_client
from .conftest import record, review_band_around

pytestmark = pytest.mark.django_db

SWAPPED_AND_MOVED = record(
    agency_id="hlt-001",
    local_id="N9",
    date_of_birth=date(2017, 4, 3),
    address_line_1="3 Station Road",
    postcode="NM7 1AB",
    middle_names=(),
)


@pytest.fixture
def possible_match(agencies, monkeypatch):
    review_band_around(monkeypatch, record(), SWAPPED_AND_MOVED)
    ingest_record(record(), organisation=agencies["sch-001"], by=None)
    outcome = ingest_record(SWAPPED_AND_MOVED, organisation=agencies["hlt-001"], by=None)
    assert outcome == "review"
    return ReviewItem.objects.get()


def test_between_thresholds_is_a_new_person_waiting_for_review(possible_match):
    assert Person.objects.count() == 2
    assert possible_match.status == ReviewStatus.OPEN
    labels = {name: label for name, label, _ in possible_match.explanation}
    assert "swap" in labels["date_of_birth"]


def test_review_page_shows_records_side_by_side_with_weights(isa_officer, possible_match):
    page = signed_in_client(isa_officer).get(f"/matches/{possible_match.pk}")
    assert page.status_code == 200
    assert b"3 Station Road" in page.content
    assert b"12 Mill Lane" in page.content
    assert b"Date of birth" in page.content


def test_a_weight_that_rounds_to_zero_shows_as_0_0(isa_officer, possible_match):
    possible_match.weight = -0.04
    possible_match.explanation = [
        [name, label, -0.03 if i == 0 else w]
        for i, (name, label, w) in enumerate(possible_match.explanation)
    ]
    possible_match.save()
    client = signed_in_client(isa_officer)
    for path in (f"/matches/{possible_match.pk}", "/matches"):
        page = client.get(path).content.decode()
        assert "-0.0" not in page and ">0.0<" in page.replace(" ", "").replace("\n", "")


def test_review_refuses_practitioner(school_teacher, possible_match):
    response = signed_in_client(school_teacher).get(f"/matches/{possible_match.pk}")
    assert response.status_code == 403


def test_linking_merges_and_is_audited(isa_officer, possible_match):
    client = signed_in_client(isa_officer)
    client.post(f"/matches/{possible_match.pk}", {"decision": "link"})
    assert Person.objects.count() == 1
    possible_match.refresh_from_db()
    assert possible_match.status == ReviewStatus.LINKED
    assert possible_match.decided_by == isa_officer
    assert AuditEvent.objects.filter(action="index.review_linked").exists()


def test_keeping_apart_stays_apart_on_reload(isa_officer, possible_match, agencies):
    signed_in_client(isa_officer).post(f"/matches/{possible_match.pk}", {"decision": "reject"})
    moved_again = replace(SWAPPED_AND_MOVED, address_line_1="4 Station Road")
    assert ingest_record(moved_again, organisation=agencies["hlt-001"], by=None) == "updated"
    assert Person.objects.count() == 2
    assert AuditEvent.objects.filter(action="index.review_rejected").exists()


def test_undo_puts_record_back(isa_officer, possible_match):
    client = signed_in_client(isa_officer)
    client.post(f"/matches/{possible_match.pk}", {"decision": "link"})
    decision = LinkDecision.objects.filter(method="reviewed").get()
    client.post("/matches/decisions", {"decision": decision.pk})
    assert Person.objects.count() == 2
    assert AuditEvent.objects.filter(action="index.decision_undone").exists()


def test_split_takes_record_into_its_own_person(isa_officer, agencies):
    ingest_record(record(), organisation=agencies["sch-001"], by=None)
    ingest_record(
        record(agency_id="hlt-001", local_id="N1"), organisation=agencies["hlt-001"], by=None
    )
    assert Person.objects.count() == 1
    source = SourceRecord.objects.get(local_id="N1")
    response = signed_in_client(isa_officer).post(
        f"/matches/records/{source.pk}/split", {"reason": "Different mother on health record"}
    )
    assert response.status_code == 302
    assert Person.objects.count() == 2
    event = AuditEvent.objects.get(action="index.record_split")
    assert event.details["reason"] == "Different mother on health record"


def test_split_needs_a_reason(isa_officer, agencies):
    ingest_record(record(), organisation=agencies["sch-001"], by=None)
    source = SourceRecord.objects.get()
    response = signed_in_client(isa_officer).post(f"/matches/records/{source.pk}/split", {})
    assert b"Say why the records are not the same child" in response.content
    assert not AuditEvent.objects.filter(action="index.record_split").exists()
