"""The main journeys as a practitioner and an administrator would walk them."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from fame.accounts.models import Organisation
from fame.audit.models import AuditEvent
from fame.federation.actions import register_node
from fame.federation.keys import public_pem

from ..conftest import authenticator, current_code

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, username: str, password: str = "correct-horse-battery") -> None:
    page.visit("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Continue").click()
    page.check()


def code_from_secret(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{TOTP(key).token():06d}"


def test_first_sign_in_enrols_authenticator_and_reaches_home(page, school_teacher):
    sign_in(page, "alice")
    expect(page.page).to_have_title("Set up your authenticator app – FAME")
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Security code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    page.check()
    expect(page.page).to_have_title("Home – FAME")
    expect(page.get_by_role("heading", name="Hello, Alice")).to_be_visible()
    assert TOTPDevice.objects.get(user=school_teacher).confirmed


def test_wrong_password_shows_error_summary(page, school_teacher):
    sign_in(page, "alice", "not-the-password")
    expect(page.page).to_have_title("Error: Sign in – FAME")
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.get_by_label("Username").input_value() == "alice"


def test_wrong_security_code_is_refused(page, school_teacher):
    authenticator(school_teacher)
    sign_in(page, "alice")
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    page.check()
    expect(page.page).to_have_title("Error: Enter your security code – FAME")
    assert AuditEvent.objects.filter(action="auth.otp_failed").count() == 1


def test_practitioner_is_refused_user_management(page, school_teacher):
    device = authenticator(school_teacher)
    sign_in(page, "alice")
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.check()
    page.visit("/manage/users")
    expect(page.get_by_role("heading", name="You cannot use this page")).to_be_visible()
    assert AuditEvent.objects.filter(action="access.refused", target="/manage/users").exists()


def test_unvetted_volunteer_is_told_what_to_renew(page, unvetted_volunteer):
    device = authenticator(unvetted_volunteer)
    sign_in(page, "eve")
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.check()
    assert "no enhanced vetting check" in page.locator("#access-problems").inner_text()


def test_administrator_adds_organisation_after_fixing_errors(page, administrator):
    device = authenticator(administrator)
    sign_in(page, "dana")
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.visit("/manage/organisations")
    page.get_by_role("button", name="Add an organisation").click()
    page.check()
    page.get_by_label("Agency ID").fill("eys-004")
    page.get_by_role("button", name="Save").click()
    page.check()
    expect(page.page).to_have_title("Error: Add an organisation – FAME")
    page.get_by_label("Name", exact=True).fill("Little Acorns Nursery")
    page.get_by_label("Type of organisation").select_option("early_years")
    page.get_by_label("Local authority area").fill("Northmoor")
    page.get_by_label("Awaiting accreditation").check()
    page.get_by_role("button", name="Save").click()
    page.check()
    expect(page.page).to_have_title("Organisations – FAME")
    assert Organisation.objects.get(agency_id="eys-004").name == "Little Acorns Nursery"


def test_administrator_pages_pass_axe(page, administrator, school_teacher):
    register_node(
        name="police",
        base_url="http://127.0.0.1:8104",
        agencies=["pol-001", "yot-001"],
        public_key=public_pem(Ed25519PrivateKey.generate().public_key()),
    )
    device = authenticator(administrator)
    sign_in(page, "dana")
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    for path in (
        "/manage/users",
        "/manage/users/new",
        f"/manage/users/{school_teacher.pk}",
        f"/manage/users/{school_teacher.pk}/change",
        f"/manage/users/{school_teacher.pk}/disable",
        "/manage/organisations/sch-001",
        "/nodes",
        "/accessibility",
        "/privacy",
        "/no-such-page",
    ):
        page.visit(path)
