"""Locking an account: wrong passwords and wrong codes count together; only both factors reset."""

from __future__ import annotations

import pytest
from django.test import Client

from fame.audit.models import AuditEvent

from ..conftest import authenticator
from .conftest import right_code, sign_in_password, wrong_code

pytestmark = pytest.mark.django_db


def test_lockout_password_again_does_not_reset_wrong_codes(school_teacher, settings):
    # Arrange: one wrong code short of the limit, then the right password again
    device = authenticator(school_teacher)
    first = Client()
    sign_in_password(first, "alice")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert wrong_code(first, device).status_code == 200
    second = Client()
    assert sign_in_password(second, "alice")["Location"] == "/sign-in/security-code"
    # Act
    response = wrong_code(second, device)
    # Assert
    assert response.status_code == 429
    assert b"Your account is locked" in response.content
    assert sign_in_password(Client(), "alice").status_code == 429


def test_lockout_counts_wrong_passwords_and_wrong_codes_together(school_teacher, settings):
    device = authenticator(school_teacher)
    for _ in range(2):
        assert sign_in_password(Client(), "alice", "wrong-password").status_code == 200
    client = Client()
    sign_in_password(client, "alice")
    responses = [wrong_code(client, device) for _ in range(settings.AXES_FAILURE_LIMIT - 2)]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 3)
    assert responses[-1].status_code == 429


def test_lockout_count_reset_by_right_code(school_teacher, settings):
    device = authenticator(school_teacher)
    client = Client()
    sign_in_password(client, "alice")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong_code(client, device)
    assert right_code(client, device)["Location"] == "/"
    # A fresh count: as many wrong codes again, short of the limit, lock nothing.
    again = Client()
    sign_in_password(again, "alice")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert wrong_code(again, device).status_code == 200


def test_lockout_by_passwords_writes_one_event_naming_the_account(school_teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in_password(Client(), "alice", "wrong-password")
    assert not AuditEvent.objects.filter(action="auth.locked_out").exists()
    sign_in_password(Client(), "alice", "wrong-password")  # the one that locks
    sign_in_password(Client(), "alice")  # refused: the account is locked
    events = list(AuditEvent.objects.filter(action="auth.locked_out").order_by("seq"))
    assert [(e.actor_username, e.target, e.outcome) for e in events] == [
        ("alice", f"user:{school_teacher.pk}", "refused")
    ] * 2


def test_lockout_of_unknown_username_names_what_was_tried(db, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_password(Client(), "mallory", "guess")
    events = list(AuditEvent.objects.filter(action="auth.locked_out"))
    assert [(e.actor_username, e.target) for e in events] == [("", "username:mallory")]


def test_lockout_by_codes_writes_one_event_naming_the_account(school_teacher, settings):
    device = authenticator(school_teacher)
    client = Client()
    sign_in_password(client, "alice")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong_code(client, device)
    events = list(AuditEvent.objects.filter(action="auth.locked_out"))
    assert [(e.actor_username, e.target) for e in events] == [
        ("alice", f"user:{school_teacher.pk}")
    ]


def test_locked_page_links_back_to_sign_in(school_teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_password(Client(), "alice", "wrong-password")
    response = sign_in_password(Client(), "alice")
    assert response.status_code == 429
    assert b'href="/sign-in"' in response.content
