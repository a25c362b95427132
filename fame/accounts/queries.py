"""Reads about organisations and practitioners."""

from __future__ import annotations

import base64
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.db.models import Count, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import child_data_access
from .models import Organisation, User


def organisations_with_counts() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(practitioner_count=Count("practitioners"))


def find_users(query: str = "") -> QuerySet[User]:
    """Everyone with an account, or those whose name, username or organisation holds
    ``query`` (or whose agency ID it is), by family name."""
    users = User.objects.select_related("organisation")
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(organisation__name__icontains=query)
            | Q(organisation__agency_id__iexact=query)
        )
    return users.order_by("last_name", "first_name", "pk")


def is_locked_out(user: User) -> bool:
    return bool(AxesProxyHandler.is_locked(None, credentials={"username": user.username}))


def user_status(user: User) -> dict[str, Any]:
    return {
        "access": child_data_access(user),
        "enrolled": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "locked": is_locked_out(user),
        "training": list(user.training.select_related("course")),
    }


def base32_secret(device: TOTPDevice) -> str:
    """The device's key as an authenticator app expects it to be typed."""
    return base64.b32encode(device.bin_key).decode("ascii")
