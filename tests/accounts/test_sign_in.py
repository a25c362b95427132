"""Signing in: password, then a mandatory second factor, with lockout."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from fame.accounts.models import UserSession
from fame.audit.models import AuditEvent

from ..conftest import authenticator, current_code
from .conftest import audit_actions as actions
from .conftest import right_code, sign_in_password

pytestmark = pytest.mark.django_db


def test_sign_in_page_shows_form_without_login():
    response = Client().get("/sign-in")
    assert response.status_code == 200
    assert b"Sign in to FAME" in response.content


def test_any_page_redirects_to_sign_in_when_signed_out():
    response = Client().get("/manage/users")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in"


def test_sign_in_wrong_password_is_refused_and_audited(school_teacher):
    client = Client()
    response = sign_in_password(client, "alice", "wrong-password")
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content
    assert response.content.count(b"<title>Error: Sign in") == 1
    assert b'value="alice"' in response.content  # what the user typed is kept
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.outcome == "failure"
    assert event.actor_username == "alice"


def test_sign_in_empty_form_names_each_field():
    response = Client().post("/sign-in", {"username": "", "password": ""})
    assert b"Enter your username" in response.content
    assert b"Enter your password" in response.content
    assert b'href="#id_username"' in response.content


def test_sign_in_first_time_asks_to_enrol_authenticator(school_teacher):
    client = Client()
    response = sign_in_password(client, "alice")
    assert response["Location"] == "/sign-in/security-code"
    response = client.get("/sign-in/security-code")
    assert response["Location"] == "/sign-in/set-up-authenticator"
    page = client.get("/sign-in/set-up-authenticator")
    assert b"<svg" in page.content  # the QR code
    assert TOTPDevice.objects.filter(user=school_teacher, confirmed=False).count() == 1


def test_enrolment_with_right_code_signs_in(school_teacher):
    client = Client()
    sign_in_password(client, "alice")
    client.get("/sign-in/set-up-authenticator")
    device = TOTPDevice.objects.get(user=school_teacher)
    response = client.post("/sign-in/set-up-authenticator", {"code": current_code(device)})
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert actions()[-3:] == ["auth.password_accepted", "auth.otp_enrolled", "auth.login"]


def test_password_alone_reaches_no_page(school_teacher):
    authenticator(school_teacher)
    client = Client()
    sign_in_password(client, "alice")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/security-code"


def test_security_code_used_twice_is_refused(school_teacher):
    device = authenticator(school_teacher)
    code = current_code(device)
    first = Client()
    sign_in_password(first, "alice")
    first.post("/sign-in/security-code", {"code": code})
    second = Client()
    sign_in_password(second, "alice")
    response = second.post("/sign-in/security-code", {"code": code})
    assert response.status_code == 200
    assert b"has been used" in response.content
    assert second.get("/").status_code == 302


def test_security_code_malformed_gets_clear_message(school_teacher):
    authenticator(school_teacher)
    client = Client()
    sign_in_password(client, "alice")
    response = client.post("/sign-in/security-code", {"code": "12ab"})
    assert b"The security code must be 6 digits" in response.content
    assert not AuditEvent.objects.filter(action="auth.otp_failed").exists()


def test_repeated_wrong_passwords_lock_the_account(school_teacher, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_password(client, "alice", "wrong-password")
    response = sign_in_password(client, "alice")  # even the right password now
    assert response.status_code == 429
    assert b"Your account is locked" in response.content
    assert "auth.locked_out" in actions()


def test_repeated_wrong_codes_lock_the_account_and_sign_out(school_teacher, settings):
    device = authenticator(school_teacher)
    client = Client()
    sign_in_password(client, "alice")
    response = None
    for _ in range(settings.AXES_FAILURE_LIMIT):
        device.refresh_from_db()
        device.throttling_failure_count = 0  # take django-otp's back-off out of the way
        device.save()
        response = client.post("/sign-in/security-code", {"code": "000000"})
    assert response is not None and response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert sign_in_password(Client(), "alice").status_code == 429


def test_wrong_codes_are_throttled(school_teacher):
    authenticator(school_teacher)
    client = Client()
    sign_in_password(client, "alice")
    client.post("/sign-in/security-code", {"code": "000000"})
    response = client.post("/sign-in/security-code", {"code": "000001"})
    assert b"too many wrong codes" in response.content


def test_sign_in_wrong_password_marks_both_fields_with_one_summary_message(school_teacher):
    response = sign_in_password(Client(), "alice", "wrong-password")
    page = response.content.decode()
    summary = page[page.index("govuk-error-summary") : page.index("<h1")]
    assert summary.count("Enter a correct username and password") == 1
    assert 'href="#id_username"' in summary
    assert 'id="id_password-error"' in page
    assert 'id="id_username-error"' in page


@pytest.mark.parametrize("path", ["/sign-in/security-code", "/sign-in/set-up-authenticator"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_second_factor_pages_send_signed_out_visitor_to_sign_in(path, method):
    response = getattr(Client(), method)(path, {"code": "123456"} if method == "post" else {})
    assert response.status_code == 302
    assert response["Location"] == "/sign-in"


def test_security_code_right_signs_in_under_a_new_session_key(school_teacher):
    device = authenticator(school_teacher)
    client = Client()
    sign_in_password(client, "alice")
    before = client.cookies["sessionid"].value
    assert right_code(client, device)["Location"] == "/"
    after = client.cookies["sessionid"].value
    assert after != before
    assert client.get("/").status_code == 200
    fixated = Client()
    fixated.cookies["sessionid"] = before
    assert fixated.get("/")["Location"] == "/sign-in"
    assert list(UserSession.objects.values_list("session_key", "user")) == [
        (after, school_teacher.pk)
    ]


def test_enrolment_rotates_the_session_key(school_teacher):
    client = Client()
    sign_in_password(client, "alice")
    client.get("/sign-in/set-up-authenticator")
    before = client.cookies["sessionid"].value
    device = TOTPDevice.objects.get(user=school_teacher)
    client.post("/sign-in/set-up-authenticator", {"code": current_code(device)})
    after = client.cookies["sessionid"].value
    assert after != before
    fixated = Client()
    fixated.cookies["sessionid"] = before
    assert fixated.get("/")["Location"] == "/sign-in"
    assert UserSession.objects.filter(session_key=after, user=school_teacher).exists()


def test_disabling_account_ends_session_signed_in_with_both_factors(school_teacher, administrator):
    from fame.accounts.actions import set_active

    device = authenticator(school_teacher)
    client = Client()
    sign_in_password(client, "alice")
    right_code(client, device)
    set_active(user=school_teacher, active=False, by=administrator)
    assert client.get("/")["Location"] == "/sign-in"
