"""Who may reach child data: accreditation, vetting and training."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from fame.accounts.access import child_data_access
from fame.accounts.decorators import child_data_required
from fame.accounts.models import TrainingRecord, add_months
from fame.audit.models import AuditEvent

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db


def test_vetted_trained_accredited_practitioner_is_allowed(school_teacher):
    assert child_data_access(school_teacher).allowed


def test_unaccredited_organisation_is_refused_with_reason(unaccredited_worker):
    access = child_data_access(unaccredited_worker)
    assert not access.allowed
    assert access.problems == (
        "Your organisation, Riverside Family Trust, is not accredited to use child data "
        "(awaiting accreditation). Your information-sharing officer can tell you what "
        "accreditation needs.",
    )


def test_missing_vetting_is_refused_with_reason(unvetted_volunteer):
    access = child_data_access(unvetted_volunteer)
    assert not access.allowed
    assert "no enhanced vetting check" in access.problems[0]


def test_expired_vetting_names_the_day_it_expired(school_teacher):
    school_teacher.vetting_checked_on = date(2022, 3, 4)
    access = child_data_access(school_teacher, on=date(2026, 11, 23))
    assert access.problems == (
        "Your enhanced vetting check expired on 4 March 2025. "
        "Renew it and ask an administrator to record the new date.",
    )


def test_vetting_valid_until_the_day_before_expiry(school_teacher):
    school_teacher.vetting_checked_on = date(2023, 11, 24)
    assert child_data_access(school_teacher, on=date(2026, 11, 23)).allowed
    assert not child_data_access(school_teacher, on=date(2026, 11, 24)).allowed


def test_missing_training_names_the_course(school_teacher):
    TrainingRecord.objects.filter(user=school_teacher, course__code="safeguarding").delete()
    access = child_data_access(school_teacher)
    assert access.problems == (
        "You have not completed the required training: Safeguarding children.",
    )


def test_expired_training_is_refused(school_teacher):
    record = TrainingRecord.objects.get(user=school_teacher, course__code="information_sharing")
    record.completed_on = date.today() - timedelta(days=4 * 365)
    record.save()
    access = child_data_access(school_teacher)
    assert not access.allowed
    assert "Information sharing and consent" in access.problems[0]


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 11, 30), 36) == date(2026, 11, 30)


def test_child_data_view_refuses_unvetted_and_audits(unvetted_volunteer):
    view = child_data_required(lambda request: HttpResponse("child data"))
    request = RequestFactory().get("/children/example")
    request.user = unvetted_volunteer
    response = view(request)
    assert response.status_code == 403
    assert b"no enhanced vetting check" in response.content
    event = AuditEvent.objects.get(action="access.refused")
    assert event.actor_username == "eve"
    assert event.target == "/children/example"


def test_child_data_view_lets_vetted_practitioner_through(school_teacher):
    view = child_data_required(lambda request: HttpResponse("child data"))
    request = RequestFactory().get("/children/example")
    request.user = school_teacher
    assert view(request).content == b"child data"


def test_home_page_tells_unaccredited_worker_why(unaccredited_worker):
    response = signed_in_client(unaccredited_worker).get("/")
    assert b"You cannot see children" in response.content
    assert b"is not accredited to use child data" in response.content
