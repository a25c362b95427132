"""The home page says what each person can do there."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.audit.queries import child_events
from fame.caf.models import CafOverview
from fame.index.actions import ingest_record
from fame.index.models import Involvement, Person

from ..conftest import signed_in_client
from ..factories import DetailRequestFactory, UserFactory
from ..index.conftest import record

pytestmark = pytest.mark.django_db

CHILD_DATA_LINE = "You can use children's information for your work"


def test_home_of_a_practitioner_says_they_can_use_childrens_information(school_teacher):
    page = signed_in_client(school_teacher).get("/").content.decode()

    assert CHILD_DATA_LINE in page
    assert "/audit" not in page


def test_home_of_an_auditor_lists_the_audit_pages_not_childrens_information(auditor):
    page = signed_in_client(auditor).get("/").content.decode()

    assert CHILD_DATA_LINE not in page
    assert "You cannot see children" not in page
    for link in (
        'href="/audit"',
        'href="/audit/find-a-child"',
        'href="/audit/people"',
        'href="/audit/overrides-and-refusals"',
        'href="/audit/check"',
        'href="/nodes"',
    ):
        assert link in page, link


def test_only_those_who_work_with_children_are_offered_find_a_child(auditor, school_teacher):
    auditors_home = signed_in_client(auditor).get("/").content.decode()
    teachers_home = signed_in_client(school_teacher).get("/").content.decode()

    assert 'href="/children"' not in auditors_home
    assert 'href="/audit"' in auditors_home
    assert 'href="/children"' in teachers_home


# A practitioner's own work: what it lists, what it leaves out, the audit, the cost.


@pytest.fixture
def olivia(school):
    ingest_record(record(), organisation=school, by=None)
    return Person.objects.get()


NAMES = (
    ("Amir", "Brook"),
    ("Bella", "Carter"),
    ("Cody", "Dawson"),
    ("Daisy", "Ellis"),
    ("Ethan", "Fisher"),
    ("Freya", "Gibson"),
    ("George", "Hughes"),
    ("Hana", "Iqbal"),
    ("Isaac", "Jones"),
    ("Jade", "Kowalski"),
    ("Kian", "Lloyd"),
    ("Lily", "Morgan"),
)


def another_child(school, n: int) -> Person:
    """A child of the school's no one would take for another: name, birthday and home differ."""
    given, family = NAMES[n]
    ingest_record(
        record(
            local_id=f"UPN-9{n:03d}",
            given_name=given,
            middle_names=(),
            family_name=family,
            date_of_birth=date(2012 + n % 4, n + 1, 10 + n),
            address_line_1=f"{n + 1} Station Road",
            postcode=f"NM{n + 1} 1AA",
        ),
        organisation=school,
        by=None,
    )
    return Person.objects.order_by("-pk").first()


def involve(person, practitioner) -> Involvement:
    return Involvement.objects.create(
        person=person,
        organisation=practitioner.organisation,
        practitioner=practitioner,
        service="Primary education",
        role="Class teacher",
        started_on=date(2026, 9, 1),
    )


def test_empty_sections_say_so_in_one_line(school_teacher):
    page = signed_in_client(school_teacher).get("/").content.decode()

    for line in (
        "No CAFs you hold or lead.",
        "No Team Around the Child meetings coming up.",
        "No escalations about your CAFs.",
        "You have not asked another agency for information.",
        "No requests waiting for your organisation&#39;s answer.",
        "No children you are recorded as working with.",
    ):
        assert line in page, line
    assert not AuditEvent.objects.filter(action="web.children_listed").exists()


def test_the_home_page_lists_the_practitioners_children_and_audits_the_listing(
    olivia, school, school_teacher
):
    involve(olivia, school_teacher)
    involve(another_child(school, 1), UserFactory(username="gina", organisation=school))
    client = signed_in_client(school_teacher)

    page = client.get("/").content.decode()

    assert "Olivia Hartley" in page and "Bella Carter" not in page
    assert "since 1 September 2026" in page
    assert str(olivia.uid) not in page and f"/{olivia.pk}" not in page
    event = AuditEvent.objects.get(action="web.children_listed")
    assert (event.actor_username, event.target) == ("alice", "home")
    assert event.details["children"] == [str(olivia.uid)]
    assert list(event.details["decisions"]) == [str(olivia.uid)]
    assert [e.action for e in child_events(str(olivia.uid))][:1] == ["web.children_listed"]


def test_a_listed_child_opens_with_a_reason_then_the_record_or_the_caf(olivia, school_teacher):
    involve(olivia, school_teacher)
    client = signed_in_client(school_teacher)
    page = client.get("/").content.decode()
    opening = page.split('href="/children/results/')[1].split('"')[0]

    opened = client.post(f"/children/results/{opening}", {"purpose": "early_help", "detail": ""})
    assert opened.status_code == 302 and "/children/record/" in opened["Location"]
    again = client.get("/").content.decode()
    assert f'href="{opened["Location"]}"' in again  # an open record is linked straight to

    to_caf = client.post(
        f"/children/results/{opening}?then=caf", {"purpose": "early_help", "detail": ""}
    )
    assert to_caf["Location"].endswith("/caf")
    opened_event = AuditEvent.objects.filter(action="index.record_opened").last()
    assert opened_event.details["query"] == {"listed_on": "home page"}


def test_someone_who_fails_rule_one_sees_only_what_to_put_right(olivia, unvetted_volunteer):
    involve(olivia, unvetted_volunteer)

    page = signed_in_client(unvetted_volunteer).get("/").content.decode()

    assert "You cannot see children" in page
    assert "Olivia" not in page and "CAFs you hold or lead" not in page
    assert not AuditEvent.objects.filter(action="web.children_listed").exists()


def test_children_the_rules_refuse_are_not_listed_but_the_refusal_is_audited(olivia, school):
    # A shielding officer works with children, but the rules show them no child's details.
    officer = UserFactory(username="grace", organisation=school, roles=["shielding_officer"])
    involve(olivia, officer)

    page = signed_in_client(officer).get("/").content.decode()

    assert "Olivia" not in page
    assert "No children you are recorded as working with." in page
    event = AuditEvent.objects.get(action="web.children_listed")
    assert event.details["children"] == []
    assert event.details["decisions"][str(olivia.uid)]["decision"] == "deny"


def test_the_home_page_lists_requests_made_and_those_waiting_for_the_organisation(
    olivia, school, health_trust, school_teacher, health_visitor
):
    ingest_record(record(agency_id="hlt-001", local_id="N1"), organisation=health_trust, by=None)
    mine = DetailRequestFactory(
        person=olivia, agency=health_trust, requested_by=school_teacher, status="released"
    )
    for status in ("no_response", "refused"):
        DetailRequestFactory(
            person=olivia, agency=school, requested_by=health_visitor, status=status
        )

    page = signed_in_client(school_teacher).get("/").content.decode()

    assert f'href="/detail-requests/{mine.uid}"' in page
    assert "Northmoor Community Health about Olivia Hartley" in page
    assert "Information released, answered" in page
    waiting = page.split('id="requests-awaiting"')[1].split("</ul>")[0]
    assert waiting.count("<li>") == 1 and "Bob" in waiting


def led_caf(child: Person, school, n: int) -> CafOverview:
    return CafOverview.objects.create(
        caf=uuid.uuid4(),
        holder=school,
        local_id=f"UPN-9{n:03d}",
        person=child,
        status="completed",
        initiating_organisation="sch-001",
        as_of=timezone.now(),
        lead_professional_username="alice",
        next_meeting_on=timezone.localdate(),
        escalations=[{"agency": "Police", "raised_on": "2026-11-20", "by": "Alice"}],
    )


def test_the_home_page_takes_the_same_queries_for_one_child_or_many(olivia, school, school_teacher):
    involve(olivia, school_teacher)
    led_caf(olivia, school, 99)
    client = signed_in_client(school_teacher)
    client.get("/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured.captured_queries)

    one = queries()
    for n in range(4):
        child = another_child(school, n)
        involve(child, school_teacher)
        led_caf(child, school, n)
    many = queries()

    assert many == one
    page = client.get("/").content.decode()
    assert page.count("Police did not attend") == 5
    assert page.split('id="children"')[1].split("</ul>")[0].count("<li>") == 5


def test_a_long_caseload_lists_the_latest_ten_and_says_how_many_more(school, school_teacher):
    for n in range(12):
        involve(another_child(school, n), school_teacher)

    page = signed_in_client(school_teacher).get("/").content.decode()

    listed = page.split('id="children"')[1].split("</ul>")[0]
    assert listed.count("<li>") == 10
    assert '<p class="govuk-body">You work with 2 more children.' in page
    assert len(AuditEvent.objects.get(action="web.children_listed").details["children"]) == 10


def test_home_of_an_administrator_says_their_roles_do_not_include_searching(
    administrator, school_teacher
):
    line = "Your roles do not include searching for children or seeing their records."
    assert line in signed_in_client(administrator).get("/").content.decode()
    assert line not in signed_in_client(school_teacher).get("/").content.decode()


def test_home_of_a_caf_coordinator_leads_to_the_coordination_queue(local_authority):
    coordinator = UserFactory(
        username="cora", organisation=local_authority, roles=["practitioner", "caf_coordinator"]
    )

    page = signed_in_client(coordinator).get("/").content.decode()

    assert 'id="coordination"' in page and 'href="/caf/queue"' in page
