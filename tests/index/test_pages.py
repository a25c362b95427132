"""Search with a minimum, open with a reason, the record page, involvement: each audited."""

from __future__ import annotations

import re

import pytest

from fame.audit.models import AuditEvent
from fame.index.actions import ingest_record
from fame.index.models import Involvement, Person

from ..conftest import signed_in_client
from .conftest import record

pytestmark = pytest.mark.django_db

SEARCH = {
    "family_name": "Hartley",
    "date_of_birth-day": "4",
    "date_of_birth-month": "3",
    "date_of_birth-year": "2017",
}


@pytest.fixture
def olivia(agencies):
    ingest_record(record(), organisation=agencies["sch-001"], by=None)
    ingest_record(
        record(agency_id="hlt-001", local_id="N1", service="Sexual health", sensitive=True),
        organisation=agencies["hlt-001"],
        by=None,
    )
    return Person.objects.get()


def open_first_result(client, purpose="service_coordination") -> str:
    results = client.post("/children", SEARCH)
    handle = re.search(rb'href="/children/results/([^"]+)"', results.content).group(1).decode()
    response = client.post(f"/children/results/{handle}", {"purpose": purpose})
    assert response.status_code == 302, response.content
    return response["Location"]


def test_search_needs_the_minimum(school_teacher):
    response = signed_in_client(school_teacher).post("/children", {"family_name": "Hartley"})
    assert (
        b"Enter the child&#39;s date of birth, or their given name and postcode" in response.content
    )
    assert not AuditEvent.objects.filter(action="index.search").exists()


def test_search_by_name_and_postcode_meets_minimum(school_teacher, olivia):
    response = signed_in_client(school_teacher).post(
        "/children", {"family_name": "Hartley", "given_name": "Olivia", "postcode": "nm4 2pl"}
    )
    assert b"1 child found" in response.content


def test_search_shows_basic_details_never_the_identifier(school_teacher, olivia):
    response = signed_in_client(school_teacher).post("/children", SEARCH)
    assert b"Olivia Hartley" in response.content
    assert b"4 March 2017" in response.content
    assert b"Northmoor" in response.content
    assert str(olivia.uid).encode() not in response.content
    # The person's key is in no link (a random handle may start with the same digit).
    assert not re.search(rf'/{olivia.pk}["/?#]'.encode(), response.content)
    event = AuditEvent.objects.get(action="index.search")
    assert event.details["query"]["family_name"] == "Hartley"
    assert event.details["results"][0]["person"] == str(olivia.uid)


def test_search_refuses_unvetted(unvetted_volunteer, olivia):
    response = signed_in_client(unvetted_volunteer).post("/children", SEARCH)
    assert response.status_code == 403
    assert b"Olivia" not in response.content


def test_opening_needs_a_reason(school_teacher, olivia):
    client = signed_in_client(school_teacher)
    results = client.post("/children", SEARCH)
    handle = re.search(rb'href="/children/results/([^"]+)"', results.content).group(1).decode()
    response = client.post(f"/children/results/{handle}", {})
    assert b"Select why you need to see this record" in response.content
    assert not AuditEvent.objects.filter(action="index.record_opened").exists()


def test_record_page_shows_involvement_and_is_audited(school_teacher, olivia):
    client = signed_in_client(school_teacher)
    page = client.get(open_first_result(client))
    assert b"Primary education" in page.content
    assert b"12 Mill Lane" in page.content
    assert str(olivia.uid).encode() not in page.content
    opened = AuditEvent.objects.get(action="index.record_opened")
    assert opened.details["purpose"] == "service_coordination"
    assert opened.details["query"]["family_name"] == "Hartley"
    assert AuditEvent.objects.filter(action="index.record_viewed").count() == 1


def test_sensitive_involvement_hidden_from_other_agency(school_teacher, olivia):
    client = signed_in_client(school_teacher)
    page = client.get(open_first_result(client))
    assert b"Sexual health" not in page.content


def test_sensitive_involvement_shown_to_its_own_agency(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    page = client.get(open_first_result(client))
    assert b"Sexual health" in page.content


def test_shielded_record_hides_address_from_other_agencies(
    school_teacher, health_visitor, olivia, local_authority
):
    olivia.shielded = True
    olivia.save()
    olivia.records.filter(organisation__agency_id="hlt-001").delete()
    client = signed_in_client(health_visitor)
    page = client.get(open_first_result(client))
    assert b"12 Mill Lane" not in page.content
    assert b"Hidden: this record is shielded" in page.content


def test_shielded_record_shows_address_to_own_agency(school_teacher, olivia):
    olivia.shielded = True
    olivia.save()
    client = signed_in_client(school_teacher)
    page = client.get(open_first_result(client))
    assert b"12 Mill Lane" in page.content


def test_record_handle_from_another_session_is_not_found(school_teacher, health_visitor, olivia):
    client = signed_in_client(school_teacher)
    location = open_first_result(client)
    assert signed_in_client(health_visitor).get(location).status_code == 404


def test_practitioner_records_and_ends_own_involvement(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    location = open_first_result(client)
    response = client.post(
        f"{location}/involvement",
        {
            "service": "Health visiting",
            "role": "Health visitor",
            "started_on-day": "1",
            "started_on-month": "10",
            "started_on-year": "2026",
        },
    )
    assert response.status_code == 302
    involvement = Involvement.objects.get(service="Health visiting")
    assert involvement.practitioner == health_visitor
    client.post(f"{location}/involvement/{involvement.pk}/end")
    involvement.refresh_from_db()
    assert involvement.ended_on is not None
    assert AuditEvent.objects.filter(action="index.involvement_ended").exists()


def test_practitioner_cannot_end_anothers_involvement(health_visitor, school_teacher, olivia):
    involvement = Involvement.objects.create(
        person=olivia,
        organisation=school_teacher.organisation,
        practitioner=school_teacher,
        service="Year 4",
        role="Teacher",
    )
    client = signed_in_client(health_visitor)
    location = open_first_result(client)
    response = client.post(f"{location}/involvement/{involvement.pk}/end")
    assert response.status_code == 403
    involvement.refresh_from_db()
    assert involvement.ended_on is None


def test_review_queue_refuses_practitioner(school_teacher):
    assert signed_in_client(school_teacher).get("/matches").status_code == 403


def _protocol_and_consent(olivia, isa_officer, *, decision="permit"):
    from datetime import date

    from fame.sharing.actions import create_protocol, record_consent

    create_protocol(
        reference="northmoor-early-help",
        title="Northmoor early help",
        scope="regional",
        parties=["sch-001", "hlt-001"],
        purposes=["service_coordination"],
        data_categories=["sensitive"],
        lawful_basis="Consent of the young person; Children Act 2004 s.10",
        in_force_from=date(2026, 1, 1),
        by=isa_officer,
    )
    record_consent(
        child_ref=str(olivia.uid),
        grantor="child",
        decision=decision,
        organisations=["sch-001"],
        purposes=["service_coordination"],
        data_categories=["sensitive"],
        in_force_from=date(2026, 1, 1),
        recorded_how="written",
        by=isa_officer,
    )


def test_sensitive_involvement_shown_with_protocol_and_consent(school_teacher, isa_officer, olivia):
    _protocol_and_consent(olivia, isa_officer)
    client = signed_in_client(school_teacher)
    page = client.get(open_first_result(client))
    assert b"Sexual health" in page.content


def test_sensitive_involvement_hidden_when_consent_denies(school_teacher, isa_officer, olivia):
    _protocol_and_consent(olivia, isa_officer, decision="deny")
    client = signed_in_client(school_teacher)
    page = client.get(open_first_result(client))
    assert b"Sexual health" not in page.content


def test_record_view_audits_each_sharing_decision(school_teacher, olivia):
    client = signed_in_client(school_teacher)
    client.get(open_first_result(client))
    viewed = AuditEvent.objects.get(action="index.record_viewed")
    decisions = viewed.details["decisions"]
    assert decisions["basic"]["decision"] == "permit"
    assert decisions["sensitive:hlt-001"]["decision"] == "deny"
    assert len(decisions["contact"]["id"]) == 32


def test_family_report_lists_who_opened_the_record(school_teacher, isa_officer, olivia):
    teacher = signed_in_client(school_teacher)
    open_first_result(teacher)
    officer = signed_in_client(isa_officer)
    location = open_first_result(officer, purpose="early_help")
    report = officer.get(f"{location}/access-report")
    assert report.status_code == 200
    assert b"Alice" in report.content
    assert b"Hollins Lane Primary School" in report.content
    assert b"Opened the child&#39;s record for service coordination" in report.content
    assert AuditEvent.objects.filter(action="index.access_report_made").exists()


def test_family_report_refuses_practitioner(school_teacher, olivia):
    client = signed_in_client(school_teacher)
    location = open_first_result(client)
    assert client.get(f"{location}/access-report").status_code == 403


def test_shield_refused_to_practitioner_and_audited(school_teacher, olivia):
    client = signed_in_client(school_teacher)
    location = open_first_result(client)
    assert client.post(f"{location}/shield", {"shielded": "1"}).status_code == 403
    olivia.refresh_from_db()
    assert not olivia.shielded
    assert AuditEvent.objects.get(action="access.refused").details["action"] == "shield_records"


def test_a_refused_record_says_what_can_be_done_next(school_teacher):
    ingest_record(record(), organisation=school_teacher.organisation, by=None)
    client = signed_in_client(school_teacher)
    location = open_first_result(client)
    # Still one who works with children, but no longer one the rules show a child to.
    school_teacher.roles = ["shielding_officer"]
    school_teacher.save()
    response = client.get(location)
    assert response.status_code == 403
    page = response.content.decode()
    steps = page[page.index('id="next-steps"') :]
    assert "ask your administrator to give your account the practitioner role" in steps
    assert "record their consent" not in steps  # basic details need no consent


@pytest.fixture
def triplets(agencies):
    """Three children of one family, born the same day, known to different agencies."""
    for given, agency, local_id in (
        ("Olivia", "sch-001", "UPN-1001"),
        ("Noah", "hlt-001", "N-2002"),
        ("Amelia", "lasc-001", "LA-3003"),
    ):
        ingest_record(
            record(given_name=given, middle_names=(), agency_id=agency, local_id=local_id),
            organisation=agencies[agency],
            by=None,
        )
    assert Person.objects.count() == 3
    return list(Person.objects.all())


def test_search_keeps_a_disclosure_record_of_each_decision_its_event_names(
    school_teacher, triplets
):
    from fame.index.sharing import SEARCH_PURPOSE, RecordSharing
    from fame.sharing.models import Disclosure

    response = signed_in_client(school_teacher).post("/children", SEARCH)
    assert b"3 children found" in response.content
    event = AuditEvent.objects.get(action="index.search")
    kept = {d.child_ref: d for d in Disclosure.objects.filter(request_ref="index.search")}
    assert set(kept) == {str(p.uid) for p in triplets} == set(event.details["decisions"])
    for person in triplets:
        record_kept = kept[str(person.uid)]
        named = event.details["decisions"][str(person.uid)]
        # The decision the record page's own check takes, for the same holder.
        alone = RecordSharing(person, school_teacher, purpose=SEARCH_PURPOSE, mfa=True)
        assert record_kept.decision_id == named["id"]
        assert record_kept.decision == named["decision"] == alone.decide("basic").decision
        assert record_kept.holder_organisation == alone.holder
        assert record_kept.requester == school_teacher.username
        assert record_kept.category == "basic"
        assert record_kept.data_items == ["names", "date_of_birth", "sex", "town"]


def test_a_search_reads_the_same_number_of_times_however_many_it_finds(
    school_teacher, agencies, triplets
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(school_teacher)
    client.post("/children", SEARCH)  # the session's first search saves it anew
    counts = {}
    for query, found in (
        ({"family_name": "Hartley", "given_name": "Olivia", "postcode": "NM4 2PL"}, b"1 child"),
        (SEARCH, b"3 children"),
    ):
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/children", query)
        assert found + b" found" in response.content
        counts[found] = len(captured.captured_queries)
    assert counts[b"1 child"] == counts[b"3 children"], counts


def test_a_search_reads_the_searchers_standing_and_the_required_courses_once(
    school_teacher, triplets, django_assert_num_queries
):
    """The door to child data and the decisions on the results judge the same standing:
    read once a request, as every query of a served search costs CPU."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(school_teacher)
    client.post("/children", SEARCH)  # the session's first search saves it anew
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/children", SEARCH)
    assert b"3 children found" in response.content
    sql = [q["sql"] for q in captured.captured_queries]
    assert len([q for q in sql if 'FROM "accounts_trainingrecord"' in q]) == 1, sql
    assert len([q for q in sql if 'FROM "accounts_trainingcourse"' in q]) == 1, sql
    # Reads and writes, transaction control aside: the session, the user, their
    # authenticator, organisation, training and the required courses; the search, the
    # people found, their holders, the organisations, protocols and consents; the
    # disclosure records, the audit event and its place in the sequence (one statement on
    # PostgreSQL, ADR 0041); the session kept.
    verbs = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}
    statements = [q for q in sql if q.split()[0] in verbs]
    assert len(statements) == (15 if connection.vendor == "postgresql" else 16), statements
    with django_assert_num_queries(len(sql)):  # the same again, search after search
        client.post("/children", SEARCH)
