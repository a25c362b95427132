"""The register pages: ISA officers keep protocols; practitioners record and withdraw consent."""

from __future__ import annotations

import re

import pytest

from fame.audit.models import AuditEvent
from fame.index.actions import ingest_record
from fame.sharing.models import Consent, Protocol

from ..conftest import signed_in_client
from ..index.conftest import record

pytestmark = pytest.mark.django_db

PROTOCOL = {
    "reference": "northmoor-early-help",
    "title": "Northmoor early help",
    "scope": "regional",
    "parties": ["sch-001", "hlt-001"],
    "purposes": ["early_help"],
    "data_categories": ["assessment", "sensitive"],
    "lawful_basis": "Children Act 2004 section 10, with consent",
    "in_force_from-day": "1",
    "in_force_from-month": "1",
    "in_force_from-year": "2026",
}


def test_protocol_pages_refuse_practitioner(school_teacher):
    assert signed_in_client(school_teacher).get("/sharing/protocols").status_code == 403


def test_isa_officer_adds_protocol_then_a_version(isa_officer, school, health_trust):
    client = signed_in_client(isa_officer)
    assert client.post("/sharing/protocols/new", PROTOCOL).status_code == 302
    protocol = Protocol.objects.get(reference="northmoor-early-help")
    changed = {**PROTOCOL, "purposes": ["early_help", "safeguarding"]}
    assert (
        client.post(f"/sharing/protocols/{protocol.reference}/new-version", changed).status_code
        == 302
    )
    versions = list(protocol.versions.order_by("number").values_list("purposes", flat=True))
    assert versions == [["early_help"], ["early_help", "safeguarding"]]
    page = client.get(f"/sharing/protocols/{protocol.reference}")
    assert b"Version 2 (current)" in page.content and b"Version 1" in page.content


def test_protocol_with_one_party_is_refused(isa_officer, school):
    response = signed_in_client(isa_officer).post(
        "/sharing/protocols/new", {**PROTOCOL, "parties": ["sch-001"]}
    )
    assert b"Select at least two organisations" in response.content
    assert not Protocol.objects.exists()


def _open_record(client) -> str:
    results = client.post(
        "/children",
        {
            "family_name": "Hartley",
            "date_of_birth-day": "4",
            "date_of_birth-month": "3",
            "date_of_birth-year": "2017",
        },
    )
    handle = re.search(rb'href="/children/results/([^"]+)"', results.content).group(1).decode()
    return client.post(f"/children/results/{handle}", {"purpose": "early_help"})["Location"]


def test_practitioner_records_and_withdraws_consent(school_teacher, school):
    ingest_record(record(), organisation=school, by=None)
    client = signed_in_client(school_teacher)
    location = _open_record(client)
    response = client.post(
        f"{location}/consents/new",
        {
            "grantor": "parent",
            "decision": "permit",
            "which_organisations": "all",
            "purposes": ["early_help"],
            "data_categories": ["assessment"],
            "in_force_from-day": "1",
            "in_force_from-month": "11",
            "in_force_from-year": "2026",
            "recorded_how": "written",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.organisations == ["*"]
    assert b"Agreed by a parent" in client.get(location).content
    client.post(f"{location}/consents/{consent.pk}/withdraw")
    consent.refresh_from_db()
    assert consent.withdrawn
    assert AuditEvent.objects.filter(action__startswith="sharing.consent").count() == 2


def test_consent_form_missing_answers_changes_nothing(school_teacher, school):
    ingest_record(record(), organisation=school, by=None)
    client = signed_in_client(school_teacher)
    location = _open_record(client)
    response = client.post(f"{location}/consents/new", {"grantor": "parent"})
    assert b"Select what they decided" in response.content
    assert not Consent.objects.exists()


CONSENT = {
    "grantor": "parent",
    "decision": "permit",
    "which_organisations": "some",
    "organisations": ["hlt-001", "sch-001"],
    "purposes": ["early_help", "safeguarding"],
    "data_categories": ["assessment", "case"],
    "in_force_from-day": "1",
    "in_force_from-month": "11",
    "in_force_from-year": "2026",
    "recorded_how": "written",
}


def test_consent_for_some_organisations_names_them_in_words(school_teacher, school, health_trust):
    ingest_record(record(), organisation=school, by=None)
    client = signed_in_client(school_teacher)
    location = _open_record(client)
    assert client.post(f"{location}/consents/new", CONSENT).status_code == 302
    assert Consent.objects.get().organisations == ["hlt-001", "sch-001"]
    page = client.get(location).content.decode()
    table = page[page.index("Consent decisions recorded") :]
    assert "Northmoor Community Health and Hollins Lane Primary School" in table
    assert "Assessment and case information, for early help and safeguarding" in table
    assert "From 1 November 2026" in table
    assert "early_help" not in table and "sch-001" not in table


def test_consent_for_some_organisations_needs_them(school_teacher, school):
    ingest_record(record(), organisation=school, by=None)
    client = signed_in_client(school_teacher)
    location = _open_record(client)
    response = client.post(f"{location}/consents/new", {**CONSENT, "organisations": []})
    assert b"Select the organisations it applies to" in response.content
    response = client.post(f"{location}/consents/new", {**CONSENT, "organisations": ["*"]})
    assert b"Select organisations from the list" in response.content
    response = client.post(f"{location}/consents/new", {**CONSENT, "which_organisations": ""})
    assert b"Select all organisations, or only some" in response.content
    assert not Consent.objects.exists()


def test_consent_form_reveals_the_organisations_under_only_some(school_teacher, school):
    ingest_record(record(), organisation=school, by=None)
    client = signed_in_client(school_teacher)
    page = client.get(f"{_open_record(client)}/consents/new").content.decode()
    assert page.count('type="checkbox" value="sch-001"') == 1
    assert 'value="*"' not in page
    reveal = re.search(r'data-aria-controls="([^"]+)"', page).group(1)
    hidden = page[page.index(f'id="{reveal}"') - 80 : page.index(f'id="{reveal}"')]
    assert "govuk-radios__conditional--hidden" in hidden  # shown at once without JavaScript
    assert page.index(f'id="{reveal}"') < page.index('value="sch-001"')


def test_record_page_puts_consent_before_asking_an_agency(school_teacher, school, health_trust):
    ingest_record(record(), organisation=school, by=None)
    ingest_record(record(agency_id="hlt-001", local_id="N1"), organisation=health_trust, by=None)
    client = signed_in_client(school_teacher)
    page = client.get(_open_record(client)).content.decode()
    assert page.index("Consent to share") < page.index("Ask an agency for more information")
