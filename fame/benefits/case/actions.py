"""Writing the business case: a section's text, and which readiness round it draws in.
Each write is recorded in the audit log in the same transaction (the section's length, not
its words: the text itself stays in the case)."""

from __future__ import annotations

from django.db import transaction

from fame.accounts.models import User
from fame.audit import record_event

from ..models import BenefitsModel, BusinessCase
from .sections import MAX_LENGTH, ROUND_KEY, Section


def _case_for_update(benefits_model: BenefitsModel, by: User) -> BusinessCase:
    case, _ = BusinessCase.objects.select_for_update().get_or_create(
        benefits_model=benefits_model, defaults={"updated_by": by}
    )
    return case


def save_section(*, benefits_model: BenefitsModel, section: str, text: str, by: User) -> None:
    """Keep ``text`` as the section's narrative (an empty text clears it)."""
    if section not in Section.values:
        raise ValueError(f"There is no section called {section!r}.")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"A section may hold at most {MAX_LENGTH:,} characters.")
    with transaction.atomic():
        case = _case_for_update(benefits_model, by)
        case.sections = {**case.sections, section: text}
        case.updated_by = by
        case.save()
        record_event(
            "benefits.case_section_saved",
            actor=by,
            target=f"benefits-model:{benefits_model.pk}",
            details={"section": section, "characters": len(text)},
        )


def choose_round(*, benefits_model: BenefitsModel, round_id: int | None, by: User) -> None:
    """Draw readiness round ``round_id`` into the case (None: draw in none)."""
    with transaction.atomic():
        case = _case_for_update(benefits_model, by)
        sections = {k: v for k, v in case.sections.items() if k != ROUND_KEY}
        if round_id is not None:
            sections[ROUND_KEY] = round_id
        case.sections = sections
        case.updated_by = by
        case.save()
        record_event(
            "benefits.case_round_chosen",
            actor=by,
            target=f"benefits-model:{benefits_model.pk}",
            details={"round": round_id},
        )
