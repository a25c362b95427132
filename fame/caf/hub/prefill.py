"""What a section starts with before anyone has saved it: what the hub already knows.

Identifying details come from the assessor's agency's own record of the child
(as it supplied it to the index); "other services" from the index's
involvements, as far as the sharing rules let this practitioner see them; the
assessor's details from their account.
"""

from __future__ import annotations

from typing import Any

from fame.accounts.facilitated import ActingAs
from fame.accounts.models import User
from fame.index.models import Person, SourceRecord
from fame.index.sharing import RecordSharing
from fame.index.source import from_row

from .client import CafPlace

SEX = {"F": "female", "M": "male"}


def _identifying(place: CafPlace) -> dict[str, Any]:
    source = SourceRecord.objects.filter(person=place.person, organisation=place.agency).first()
    if source is None:
        return {}
    record = from_row(source.data)
    lines = (record.address_line_1, record.address_line_2, record.town, record.postcode)
    return {
        "given_names": " ".join([record.given_name, *record.middle_names]).strip(),
        "family_name": record.family_name,
        "previous_names": ", ".join(record.previous_family_names),
        "sex": SEX.get(record.sex, "not_known"),
        "date_of_birth": record.date_of_birth.isoformat() if record.date_of_birth else "",
        "address": ", ".join(p for p in lines if p),
    }


def _other_services(person: Person, asking: User | ActingAs, *, mfa: bool) -> str:
    sharing = RecordSharing(person, asking, purpose="early_help", mfa=mfa)
    if not sharing.decide("involvement").permitted:
        return ""
    sensitive_ok = sharing.sensitive_permitted()
    lines = []
    involved = person.involvements.filter(ended_on__isnull=True).select_related(
        "organisation", "practitioner"
    )
    for i in involved.order_by("organisation__name"):
        if i.sensitive and i.organisation_id not in sensitive_ok:
            continue
        who = i.practitioner.display_name if i.practitioner else i.practitioner_email
        lines.append(f"{i.organisation.name}: {i.service}" + (f" ({who})" if who else ""))
    return "\n".join(lines)


def _assessor(user: User) -> str:
    parts = [user.display_name, user.job_title]
    parts += [user.organisation.name if user.organisation else "", user.phone, user.secure_email]
    return ", ".join(p for p in parts if p)


def prefilled(
    section: str, *, person: Person, place: CafPlace, user: User, mfa: bool
) -> dict[str, Any]:
    """The starting answers of ``section`` for a first save ({} when there are none)."""
    if section == "identifying_details":
        return _identifying(place)
    if section == "assessment_information":
        return {
            "assessor": _assessor(user),
            "other_services": _other_services(person, place.acting or user, mfa=mfa),
        }
    return {}
