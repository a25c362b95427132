"""Loading a region's organisations and practitioners (from `fame synth`) into the registers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from fame.audit import record_event

from .models import Organisation, TrainingCourse, TrainingRecord, User
from .queries import base32_secret

DEMO_PASSWORD = "demo-only-Password-1"  # noqa: S105 - printed for the made-up demo region
"""Every demo login's password: `fame demo` prints it, `fame demonstrator drive` uses it."""


class RegionFileError(ValueError):
    """The region file cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class DemoLogin:
    persona: str
    username: str
    organisation: str
    totp_secret: str


def _date(value: str | None, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RegionFileError(f"{where}: {value!r} is not a date (use YYYY-MM-DD)") from None


def read_region(path: Path) -> dict[str, Any]:
    try:
        region = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegionFileError(f"{path} does not exist; make one with `fame synth`") from None
    except json.JSONDecodeError as error:
        raise RegionFileError(f"{path} is not valid JSON: {error}") from None
    for key in ("organisations", "practitioners"):
        if not isinstance(region.get(key), list):
            raise RegionFileError(f"{path}: {key} must be a list")
    return region


def load_region(
    region: dict[str, Any],
    *,
    demo_password: str | None = None,
    authenticators_for: frozenset[str] = frozenset(),
) -> int:
    """Create or update every organisation and practitioner; returns how many people.

    New accounts get ``demo_password`` (demo regions only); the usernames in
    ``authenticators_for`` get a ready authenticator so that their codes can be
    printed, and everyone else sets one up at first sign-in.

    Loading the same region twice changes nothing. All or nothing: a bad entry
    leaves the registers as they were.
    """
    courses = {course.code: course for course in TrainingCourse.objects.all()}
    # One Argon2id hash serves every new demo account: they share the demo password.
    password_hash = make_password(demo_password) if demo_password else None
    with transaction.atomic():
        for i, entry in enumerate(region["organisations"]):
            where = f"organisations[{i}]"
            Organisation.objects.update_or_create(
                agency_id=entry["agency_id"],
                defaults={
                    "name": entry["name"],
                    "type": entry["type"],
                    "local_authority": entry["local_authority"],
                    "accreditation_status": entry["accreditation_status"],
                    "accreditation_date": _date(entry.get("accreditation_date"), where),
                },
            )
        organisations = {org.agency_id: org for org in Organisation.objects.all()}
        for i, entry in enumerate(region["practitioners"]):
            where = f"practitioners[{i}]"
            organisation = organisations.get(entry["organisation"])
            if organisation is None:
                raise RegionFileError(f"{where}: unknown organisation {entry['organisation']!r}")
            user, created = User.objects.update_or_create(
                username=entry["username"],
                defaults={
                    "first_name": entry["given_name"],
                    "last_name": entry["family_name"],
                    "organisation": organisation,
                    "job_title": entry["job_title"],
                    "phone": entry.get("phone", ""),
                    "secure_email": entry.get("secure_email", ""),
                    "roles": list(entry["roles"]),
                    "vetting_checked_on": _date(entry.get("vetting_checked_on"), where),
                },
            )
            if created and password_hash:
                user.password = password_hash
                user.save(update_fields=["password"])
            for j, done in enumerate(entry.get("training", [])):
                course = courses.get(done["course"])
                if course is None:
                    raise RegionFileError(
                        f"{where}.training[{j}]: unknown course {done['course']!r}"
                    )
                TrainingRecord.objects.update_or_create(
                    user=user,
                    course=course,
                    defaults={
                        "completed_on": _date(done["completed_on"], f"{where}.training[{j}]")
                    },
                )
            if (
                user.username in authenticators_for
                and not TOTPDevice.objects.filter(user=user).exists()
            ):
                TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        record_event(
            "admin.region_loaded",
            target=f"region:seed={region.get('seed')}",
            details={
                "organisations": len(region["organisations"]),
                "practitioners": len(region["practitioners"]),
            },
        )
    return len(region["practitioners"])


def demo_logins(region: dict[str, Any]) -> list[DemoLogin]:
    """The demo personas named in the region file, with their authenticator secrets."""
    logins = []
    for persona, username in region.get("demo_logins", {}).items():
        user = User.objects.select_related("organisation").filter(username=username).first()
        if user is None:
            continue
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        logins.append(
            DemoLogin(
                persona=persona,
                username=username,
                organisation=user.organisation.name if user.organisation else "",
                totp_secret=base32_secret(device) if device else "",
            )
        )
    return logins
