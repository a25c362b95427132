"""Reads about organisations and practitioners."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.db.models import Count, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import Standing, child_data_access
from .models import AccreditationStatus, Organisation, Role, TrainingCourse, TrainingRecord, User


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


def accredited_organisations() -> tuple[int, int]:
    """How many registered organisations are accredited to use child data, of how many."""
    organisations = Organisation.objects.aggregate(
        accredited=Count("pk", filter=Q(accreditation_status=AccreditationStatus.ACCREDITED)),
        all=Count("pk"),
    )
    return organisations["accredited"], organisations["all"]


def practitioners_cleared(*, on: date | None = None) -> tuple[int, int]:
    """How many practitioners (active accounts with the practitioner role) have a current
    vetting check and all required training on ``on``, as ``child_data_access`` judges
    them, of how many practitioners there are."""
    people = (
        User.objects.filter(is_active=True)
        .select_related("organisation")
        .prefetch_related("training__course")
    )
    practitioners = [user for user in people if user.has_role(Role.PRACTITIONER)]
    required = list(TrainingCourse.objects.filter(required=True))
    cleared = 0
    for user in practitioners:
        standing = Standing(
            organisation=user.organisation,
            vetting_checked_on=user.vetting_checked_on,
            training={r.course.code: r.completed_on for r in user.training.all()},
        )
        access = child_data_access(standing, on=on, required=required)
        if access.vetted and access.trained:
            cleared += 1
    return cleared, len(practitioners)


def accreditation_counts() -> list[tuple[str, int]]:
    """How many registered organisations stand at each accreditation status (every status,
    in the order the choices give, with 0 where there are none)."""
    found = dict(
        Organisation.objects.values_list("accreditation_status")
        .annotate(n=Count("pk"))
        .values_list("accreditation_status", "n")
    )
    return [(label, found.get(value, 0)) for value, label in AccreditationStatus.choices]


def course_currency(*, on: date | None = None) -> list[tuple[TrainingCourse, int, int]]:
    """Each training course with how many active people have completed it and how many of
    those completions are still current on ``on`` (today if not given)."""
    today = on or date.today()
    courses = list(TrainingCourse.objects.all())
    completed = {c.pk: 0 for c in courses}
    current = {c.pk: 0 for c in courses}
    for record in TrainingRecord.objects.filter(user__is_active=True).select_related("course"):
        completed[record.course_id] += 1
        if record.expires_on() > today:
            current[record.course_id] += 1
    return [(c, completed[c.pk], current[c.pk]) for c in courses]
