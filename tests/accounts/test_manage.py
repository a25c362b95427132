"""Administrators and ISA officers manage organisations and practitioners; others are refused."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from fame.accounts.models import Organisation, TrainingRecord, User
from fame.audit.models import AuditEvent

from ..conftest import signed_in_client
from ..factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/manage/users",
    "/manage/users/new",
    "/manage/organisations",
    "/manage/organisations/new",
]


@pytest.mark.parametrize("path", PAGES)
def test_manage_pages_refuse_practitioner_and_audit(school_teacher, path):
    response = signed_in_client(school_teacher).get(path)
    assert response.status_code == 403
    assert b"You cannot use this page" in response.content
    event = AuditEvent.objects.get(action="access.refused")
    assert event.target == path
    assert event.outcome == "refused"


@pytest.mark.parametrize("path", PAGES)
def test_manage_pages_open_for_isa_officer(isa_officer, path):
    assert signed_in_client(isa_officer).get(path).status_code == 200


def test_user_detail_refuses_practitioner(school_teacher, health_visitor):
    client = signed_in_client(school_teacher)
    assert client.get(f"/manage/users/{health_visitor.pk}").status_code == 403


def test_add_organisation_is_saved_and_audited(administrator):
    client = signed_in_client(administrator)
    response = client.post(
        "/manage/organisations/new",
        {
            "agency_id": "yth-002",
            "name": "Eastbridge Youth Service",
            "type": "youth_service",
            "local_authority": "Eastbridge",
            "accreditation_status": "accredited",
            "accreditation_date-day": "3",
            "accreditation_date-month": "2",
            "accreditation_date-year": "2026",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(agency_id="yth-002")
    assert organisation.is_accredited
    event = AuditEvent.objects.get(action="admin.organisation_created")
    assert event.target == "organisation:yth-002"
    assert event.details["changes"]["name"] == ["", "Eastbridge Youth Service"]


def test_add_organisation_bad_input_changes_nothing(administrator):
    client = signed_in_client(administrator)
    response = client.post(
        "/manage/organisations/new",
        {
            "agency_id": "Not Valid!",
            "name": "",
            "type": "school",
            "local_authority": "Eastbridge",
            "accreditation_status": "accredited",
            "accreditation_date-day": "31",
            "accreditation_date-month": "2",
            "accreditation_date-year": "2026",
        },
    )
    assert response.status_code == 200
    assert b"<title>Error: Add an organisation" in response.content
    assert b"There is a problem" in response.content
    assert b"Enter the organisation" in response.content
    assert b"must be a real date" in response.content
    assert not Organisation.objects.filter(local_authority="Eastbridge").exists()
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()


def test_withdrawing_accreditation_refuses_its_practitioners(administrator, school_teacher, school):
    client = signed_in_client(administrator)
    client.post(
        f"/manage/organisations/{school.agency_id}",
        {
            "name": school.name,
            "type": school.type,
            "local_authority": school.local_authority,
            "accreditation_status": "suspended",
            "accreditation_date-day": "1",
            "accreditation_date-month": "11",
            "accreditation_date-year": "2026",
        },
    )
    home = signed_in_client(school_teacher).get("/")
    assert b"is not accredited to use child data" in home.content
    assert AuditEvent.objects.get(action="admin.organisation_changed").details["changes"][
        "accreditation_status"
    ] == ["accredited", "suspended"]


def test_add_user_with_roles_vetting_and_training(isa_officer, school):
    client = signed_in_client(isa_officer)
    response = client.post(
        "/manage/users/new",
        {
            "username": "gita",
            "first_name": "Gita",
            "last_name": "Patel",
            "organisation": school.pk,
            "job_title": "Designated safeguarding lead",
            "phone": "01632 960111",
            "secure_email": "gita@example.org",
            "roles": ["practitioner", "caf_coordinator"],
            "vetting_checked_on-day": "1",
            "vetting_checked_on-month": "9",
            "vetting_checked_on-year": "2025",
            "training_safeguarding-day": "2",
            "training_safeguarding-month": "9",
            "training_safeguarding-year": "2025",
        },
    )
    assert response.status_code == 302
    gita = User.objects.get(username="gita")
    assert gita.roles == ["practitioner", "caf_coordinator"]
    assert [r.course.code for r in TrainingRecord.objects.filter(user=gita)] == ["safeguarding"]
    assert not gita.has_usable_password()
    assert AuditEvent.objects.get(action="admin.user_created").target == f"user:{gita.pk}"


def test_add_user_without_roles_is_refused(isa_officer, school):
    response = signed_in_client(isa_officer).post(
        "/manage/users/new",
        {"username": "h", "first_name": "H", "last_name": "J", "organisation": school.pk},
    )
    assert b"Select at least one role" in response.content
    assert b'href="#id_roles"' in response.content
    assert not User.objects.filter(username="h").exists()


def test_disabling_account_ends_its_sessions(administrator, school_teacher):
    teacher_client = signed_in_client(school_teacher)
    teacher_client.get("/")  # a real session exists
    from fame.accounts.models import UserSession

    UserSession.objects.create(user=school_teacher, session_key=teacher_client.session.session_key)
    admin_client = signed_in_client(administrator)
    response = admin_client.post(f"/manage/users/{school_teacher.pk}/disable")
    assert response.status_code == 302
    school_teacher.refresh_from_db()
    assert not school_teacher.is_active
    assert not Session.objects.filter(session_key=teacher_client.session.session_key).exists()
    assert teacher_client.get("/").status_code == 302
    event = AuditEvent.objects.get(action="admin.user_disabled")
    assert event.details["sessions_ended"] == 1


def test_unknown_user_action_is_not_found(administrator, school_teacher):
    response = signed_in_client(administrator).post(f"/manage/users/{school_teacher.pk}/delete")
    assert response.status_code == 404
    school_teacher.refresh_from_db()
    assert school_teacher.is_active


def test_organisations_list_shows_each_with_accreditation(isa_officer, pending_charity):
    response = signed_in_client(isa_officer).get("/manage/organisations")
    assert b"Riverside Family Trust" in response.content
    assert b"Awaiting accreditation" in response.content
    assert b"Northmoor Children&#39;s Services" in response.content


def test_users_list_finds_by_organisation(isa_officer, school_teacher, health_visitor):
    response = signed_in_client(isa_officer).get("/manage/users?q=sch-001")
    assert b"alice" in response.content
    assert b"bob" not in response.content


def test_temporary_password_is_shown_once_and_must_be_changed(administrator, isa_officer, school):
    from django.test import Client

    from ..conftest import authenticator, current_code

    gita = User.objects.create(username="gita", organisation=school, roles=["practitioner"])
    gita.set_unusable_password()
    gita.save()
    page = signed_in_client(administrator).post(f"/manage/users/{gita.pk}/temporary-password")
    password = page.content.split(b'id="temporary-password">')[1].split(b"<")[0].decode()
    assert AuditEvent.objects.filter(action="admin.temporary_password_issued").exists()
    assert password not in str(AuditEvent.objects.values_list("details", flat=True))

    client = Client()
    signed = client.post("/sign-in", {"username": "gita", "password": password})
    assert signed["Location"] == "/sign-in/security-code", signed.content
    device = authenticator(gita)
    coded = client.post("/sign-in/security-code", {"code": current_code(device)})
    assert coded["Location"] == "/", coded.content
    assert client.get("/")["Location"] == "/account/password"
    weak = client.post("/account/password", {"password": "short", "confirm": "short"})
    assert b"There is a problem" in weak.content
    new = "a sturdy new passphrase"
    assert client.post("/account/password", {"password": new, "confirm": new}).status_code == 302
    assert client.get("/").status_code == 200
    gita.refresh_from_db()
    assert gita.check_password(new)
    assert not gita.must_change_password


def test_users_list_is_paged_25_at_a_time(administrator, school):
    for n in range(59):
        UserFactory(username=f"staff{n:02d}", last_name=f"Staff{n:02d}", organisation=school)
    client = signed_in_client(administrator)

    first = client.get("/manage/users").content.decode()
    assert "60 users, 1 to 25 shown" in first
    assert first.count('href="/manage/users/') - first.count('href="/manage/users/new') == 25
    assert 'href="/manage/users?page=3"' in first

    last = client.get("/manage/users?page=3").content.decode()
    assert "60 users, 51 to 60 shown" in last
    assert "Users (page 3 of 3) – FAME" in last


def test_users_search_keeps_its_words_across_pages(administrator, school, health_trust):
    for n in range(30):
        UserFactory(username=f"teach{n:02d}", last_name=f"Teach{n:02d}", organisation=school)
    UserFactory(username="nurse", organisation=health_trust)
    client = signed_in_client(administrator)

    page = client.get("/manage/users", {"q": "Hollins"}).content.decode()
    assert "30 users matching “Hollins”, 1 to 25 shown" in page
    assert 'href="/manage/users?q=Hollins&amp;page=2"' in page
    second = client.get("/manage/users", {"q": "Hollins", "page": "2"}).content.decode()
    assert "26 to 30 shown" in second and "nurse" not in second

    nobody = client.get("/manage/users", {"q": "Zebedee"}).content.decode()
    assert "No users match “Zebedee”" in nobody
