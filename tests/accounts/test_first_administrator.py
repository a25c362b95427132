"""`fame accounts create-admin`: a new hub's first administrator, from the command line to
their first page of Manage organisations, as the deployment guide has them do it."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from fame.accounts.models import Organisation, User
from fame.audit.models import AuditEvent

from ..conftest import current_code

pytestmark = pytest.mark.django_db

FULL = [
    "--first-name", "Sam", "--last-name", "Jones", "--job-title", "Partnership systems manager",
    "--email", "sam.jones@example.gov.uk", "--organisation", "la-001",
]  # fmt: skip
NEW_ORGANISATION = [
    "--organisation-name", "Example Council", "--organisation-type", "social_care",
    "--local-authority", "Example Council",
]  # fmt: skip


def create_admin(*args: str) -> str:
    out = io.StringIO()
    call_command("accounts", "create-admin", *args, stdout=out)
    return out.getvalue()


def test_first_administrator_signs_in_changes_password_and_manages_organisations():
    printed = create_admin("admin.jones", *FULL, *NEW_ORGANISATION)
    password = re.search(r"One-time password: (\S+)", printed).group(1)
    admin = User.objects.get(username="admin.jones")
    assert admin.roles == ["administrator"]
    assert admin.organisation.agency_id == "la-001"
    assert admin.must_change_password
    assert [e.action for e in AuditEvent.objects.order_by("seq")] == [
        "admin.organisation_created",
        "admin.user_created",
        "admin.temporary_password_issued",
    ]
    assert password not in str(list(AuditEvent.objects.values_list("details", flat=True)))

    client = Client()
    client.post("/sign-in", {"username": "admin.jones", "password": password})
    assert client.get("/sign-in/security-code")["Location"] == "/sign-in/set-up-authenticator"
    client.get("/sign-in/set-up-authenticator")
    device = TOTPDevice.objects.get(user=admin)
    enrolled = client.post("/sign-in/set-up-authenticator", {"code": current_code(device)})
    assert enrolled["Location"] == "/"
    assert client.get("/")["Location"] == "/account/password"
    new = "a sturdy new passphrase"
    assert client.post("/account/password", {"password": new, "confirm": new}).status_code == 302
    page = client.get("/manage/organisations")
    assert page.status_code == 200
    assert b"Example Council" in page.content


def test_an_existing_organisation_is_used_as_it_is():
    Organisation.objects.create(
        agency_id="la-001", name="Kept Council", type="social_care", local_authority="Kept"
    )
    printed = create_admin("admin.jones", *FULL)
    assert "administrator of Kept Council (la-001)" in printed
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (FULL, "There is no organisation 'la-001' yet, and it cannot be made"),
        ([*FULL, *NEW_ORGANISATION[:2], "--organisation-type", "council"],
         "--organisation-type: Select a valid choice"),
        (["--organisation", "la-001", *NEW_ORGANISATION], "--job-title: Enter the job title"),
        ([*FULL[:-2], *NEW_ORGANISATION], "Give their organisation's agency id"),
    ],
)  # fmt: skip
def test_bad_options_are_named_and_nothing_is_made(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        create_admin("admin.jones", *args)
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_taken_username_is_refused():
    create_admin("admin.jones", *FULL, *NEW_ORGANISATION)
    with pytest.raises(CommandError, match="USERNAME: Somebody already has this username"):
        create_admin("admin.jones", *FULL)
    assert AuditEvent.objects.count() == 3
