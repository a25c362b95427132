"""Use of the index and sharing (from the audit log, detail requests and review items), and
workforce readiness (accreditation, vetting, training and its take-up)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fame.accounts.models import TrainingCourse, TrainingPlace, TrainingSession
from fame.audit import record_event
from fame.reports.scope import Scope
from fame.reports.usage import activity, detail_outcomes, purposes
from fame.reports.workforce import organisations, practitioners, sessions, take_up

from ..factories import DetailRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def _today() -> Scope:
    today = timezone.localdate()
    return Scope(today - timedelta(days=1), today)


def test_activity_counts_what_the_audit_log_holds(school_teacher, isa_officer) -> None:
    for _ in range(2):
        record_event("index.search", actor=school_teacher, details={"query": {}})
    record_event("index.search", actor=school_teacher, outcome="refused")
    record_event("index.record_opened", actor=school_teacher, details={"purpose": "early_help"})
    record_event(
        "federation.detail_requested",
        actor=isa_officer,
        details={"override_reason": "At risk tonight", "on_behalf_of": {"name": "Jo"}},
    )
    record_event("federation.detail_requested", actor=school_teacher, details={})
    record_event("sharing.consent_recorded", actor=school_teacher, details={"decision": "permit"})
    record_event("sharing.consent_recorded", actor=school_teacher, details={"decision": "deny"})
    record_event("sharing.consent_withdrawn", actor=school_teacher, details={})
    record_event("access.facilitated_started", actor=isa_officer, details={})

    table = activity(_today())

    assert table.headings[1:] == [
        "Searches",
        "Records opened",
        "Detail requests",
        "Safeguarding overrides",
        "Consents given",
        "Consents refused",
        "Consents withdrawn",
        "Facilitated access",
    ]
    assert table.rows[-1][1:] == (2, 1, 2, 1, 1, 1, 1, 1)
    narrowed = Scope(_today().since, _today().until, agency_type="social_care")
    assert activity(narrowed).rows[-1][1:] == (0, 0, 1, 1, 0, 0, 0, 1)


def test_records_opened_by_purpose(school_teacher) -> None:
    for purpose in ("early_help", "early_help", "safeguarding"):
        record_event("index.record_opened", actor=school_teacher, details={"purpose": purpose})

    rows = dict(purposes(_today()).rows)

    assert rows["Early help"] == 2
    assert rows["Safeguarding"] == 1
    assert rows["Health care"] == 0


def test_detail_requests_by_purpose_and_outcome(school_teacher, person_factory=None) -> None:
    from fame.index.models import Person

    child = Person.objects.create()
    DetailRequestFactory(
        person=child,
        agency=school_teacher.organisation,
        requested_by=school_teacher,
        status="refused",
    )
    DetailRequestFactory(
        person=child,
        agency=school_teacher.organisation,
        requested_by=school_teacher,
        status="released",
        purpose="safeguarding",
        override_reason="Urgent",
    )

    table = detail_outcomes(_today())

    by_purpose = {row[0]: row[1:] for row in table.rows}
    assert table.headings[1:] == [
        "Waiting for an answer",
        "Information released",
        "Some information released",
        "Refused",
        "No response",
        "Of which safeguarding overrides",
    ]
    assert by_purpose["Early help"] == (0, 0, 0, 1, 0, 0)
    assert by_purpose["Safeguarding"] == (0, 1, 0, 0, 0, 1)


def test_practitioners_vetted_trained_and_due_to_expire(school) -> None:
    course = TrainingCourse.objects.create(code="isa", name="Information sharing")
    today = timezone.localdate()
    UserFactory(organisation=school)  # vetted and trained 200 days ago
    UserFactory(organisation=school, vetting_checked_on=None, trained=False)
    UserFactory(organisation=school, vetting_checked_on=today - timedelta(days=3 * 365 - 30))
    assert course.pk

    table = practitioners(_today())

    assert table.rows == [("School", 3, 2, 1, 2, 0)]


def test_organisations_by_accreditation(school, pending_charity) -> None:
    table = organisations(_today())

    assert [r[:3] for r in table.rows] == [("School", 1, 1), ("Voluntary organisation", 1, 0)]


def test_training_sessions_and_their_take_up_by_agency_type(school, health_trust) -> None:
    course = TrainingCourse.objects.create(code="caf", name="CAF awareness", required=False)
    today = timezone.localdate()
    held = TrainingSession.objects.create(course=course, held_on=today, places=20)
    TrainingSession.objects.create(course=course, held_on=today - timedelta(days=400), places=9)
    for who, came in (
        (UserFactory(organisation=school), True),
        (UserFactory(organisation=health_trust), False),
    ):
        TrainingPlace.objects.create(session=held, user=who, attended=came)

    assert sessions(_today()).rows == [("CAF awareness", 1, 20, 2, 1)]
    assert take_up(_today()).rows == [("Health trust", 1, 0), ("School", 1, 1)]
    assert date.today()
