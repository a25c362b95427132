"""Steps of signing in that the accounts tests share."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from fame.audit.models import AuditEvent

from ..conftest import current_code


def sign_in_password(
    client: Client, username: str, password: str = "correct-horse-battery"
) -> HttpResponse:
    return client.post("/sign-in", {"username": username, "password": password})


def _without_back_off(device: TOTPDevice) -> None:
    """Take django-otp's own back-off after a wrong code out of the way."""
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()


def wrong_code(client: Client, device: TOTPDevice) -> HttpResponse:
    _without_back_off(device)
    return client.post("/sign-in/security-code", {"code": "000000"})


def right_code(client: Client, device: TOTPDevice) -> HttpResponse:
    _without_back_off(device)
    return client.post("/sign-in/security-code", {"code": current_code(device)})


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
