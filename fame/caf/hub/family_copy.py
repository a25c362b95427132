"""The family's copy of their CAF: a PDF in plain English, made with WeasyPrint on request.

Made from the current version as the holding node returns it; it is never
stored. It names people and organisations, never a system's identifiers (no
record numbers, no usernames, no CAF or index ids). It says how to reach the
Lead Professional (phone and secure email, as the hub holds them), and it is a
tagged PDF (PDF/UA-1) with a title and a language, so a screen reader can read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from fame.accounts.models import Organisation, User
from fame.caf import presenting
from fame.index.models import Person
from fame.web.jinja import long_date

from .client import CafView

PDF_VARIANT = "pdf/ua-1"
"""Tagged, with the document's title shown and its language set (WeasyPrint's PDF/UA-1)."""


@dataclass(frozen=True)
class Contact:
    """How the family reaches a practitioner: name, job, organisation, phone, secure email."""

    name: str
    job_title: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""

    @property
    def phone_link(self) -> str:
        return "tel:" + self.phone.replace(" ", "")


def practitioner_contact(person: Person, username: str, name: str) -> Contact | None:
    """The contact the hub holds for ``username``: their own phone and secure email, else the
    email their involvement with ``person`` gives; ``None`` when nobody is named."""
    if not username:
        return None
    user = User.objects.filter(username=username).select_related("organisation").first()
    if user is None:
        return Contact(name=name or "")
    involved = (
        person.involvements.filter(practitioner=user, ended_on__isnull=True)
        .exclude(practitioner_email="")
        .first()
    )
    return Contact(
        name=user.display_name,
        job_title=user.job_title,
        organisation=user.organisation.name if user.organisation else "",
        phone=user.phone,
        email=user.secure_email or (involved.practitioner_email if involved else ""),
    )


def _day(value: str) -> str:
    return long_date(value, missing="")


def family_copy_html(
    *,
    caf: CafView,
    version: dict[str, Any],
    holder: Organisation,
    organisations: Mapping[str, str],
    lead_professional: Contact | None = None,
    assessor: Contact | None = None,
) -> str:
    sections = presenting.answers(version["content"], organisations=organisations)
    next_review = next(
        (m["next_review_on"] for m in reversed(caf.meetings) if m.get("next_review_on")), ""
    )
    return render_to_string(
        "caf/family_copy.html",
        {
            "holder": holder.name,
            "assessor": caf.assessor_name,
            "lead_professional": caf.lead_professional_name,
            "lead_contact": lead_professional,
            "assessor_contact": assessor,
            "number": version["number"],
            "saved_on": _day(str(version.get("made_at", ""))),
            "next_review": _day(next_review),
            "sections": [s for s in sections if s.section.key != "checklist"],
            "actions": [
                a for m in caf.meetings for a in m.get("actions", []) if a["status"] == "open"
            ],
            "day": _day,
        },
    )


def family_copy_pdf(
    *,
    caf: CafView,
    version: dict[str, Any],
    holder: Organisation,
    organisations: Mapping[str, str],
    person: Person,
) -> bytes:
    """The copy as a tagged PDF, with the Lead Professional's contact (or, until one is
    agreed, the assessor's)."""
    from weasyprint import HTML  # (loads Pango: only when a copy is asked for)

    lead = practitioner_contact(person, caf.lead_professional, caf.lead_professional_name)
    html = family_copy_html(
        caf=caf,
        version=version,
        holder=holder,
        organisations=organisations,
        lead_professional=lead,
        assessor=None if lead else practitioner_contact(person, caf.assessor, caf.assessor_name),
    )
    return bytes(HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT))
