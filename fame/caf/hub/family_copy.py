"""The family's copy of their CAF: a PDF in plain English, made with WeasyPrint on request.

Made from the current version as the holding node returns it; it is never
stored. It names people and organisations, never a system's identifiers (no
record numbers, no usernames, no CAF or index ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string

from fame.accounts.models import Organisation
from fame.caf import presenting
from fame.web.jinja import long_date

from .client import CafView


def _day(value: str) -> str:
    return long_date(value, missing="")


def family_copy_html(
    *,
    caf: CafView,
    version: dict[str, Any],
    holder: Organisation,
    organisations: Mapping[str, str],
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
) -> bytes:
    from weasyprint import HTML  # (loads Pango: only when a copy is asked for)

    html = family_copy_html(caf=caf, version=version, holder=holder, organisations=organisations)
    return bytes(HTML(string=html).write_pdf())
