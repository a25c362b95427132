"""The business case's sections, what each should say, and how it is kept.

The narrative lives in ``BusinessCase.sections`` (section key to text); the readiness
round the partnership chose to draw in is kept beside it under ``ROUND_KEY``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import BusinessCase

Section = BusinessCase.Section

MAX_LENGTH = 20_000
"""Characters a section may hold: about eight pages of plain text."""

ROUND_KEY = "readiness_round"
"""The key in ``BusinessCase.sections`` for the chosen readiness round's id (no section
is called this)."""

GUIDANCE: dict[str, tuple[str, ...]] = {
    Section.INTRODUCTION: (
        "Say who the partners are, which service area the case covers, and what you are "
        "asking the board to approve.",
        "Keep it short: a reader should know in a minute what is proposed and why now.",
    ),
    Section.STRATEGIC: (
        "Explain the case for change: what goes wrong today when agencies work apart, "
        "and what joining up will change for children, families and practitioners.",
        "Say how this fits local and national policy, and what the partnership's "
        "objectives are. The readiness summary and roadmap are added after your text.",
    ),
    Section.ECONOMIC: (
        "Say which options you considered (including doing nothing) and why the preferred "
        "one gives the best value for money.",
        "Explain the main assumptions in plain words. The model's net present value, "
        "benefit-cost ratio, payback year and sensitivity are added after your text.",
    ),
    Section.COMMERCIAL: (
        "Say how the service will be bought or provided: contracts, suppliers, hosting, "
        "and who owns the data and the risks.",
        "Say how the partners will agree charges between them.",
    ),
    Section.FINANCIAL: (
        "Say where the money comes from, which budgets pay which costs, and whether the "
        "partners can afford them year by year.",
        "Say how any gap will be met. Each partner's costs, benefits and net position "
        "are added after your text.",
    ),
    Section.MANAGEMENT: (
        "Say who leads the work, how it is governed, the main milestones, risks and how "
        "benefits will be tracked once the service is live.",
        "The training and accreditation plan and the roadmap's actions are added after your text.",
    ),
}


@dataclass(frozen=True)
class SectionState:
    key: str
    name: str
    text: str

    @property
    def written(self) -> bool:
        return bool(self.text.strip())


def section_states(case: BusinessCase | None) -> list[SectionState]:
    """Every section in the Five Case Model's order, with what has been written (empty text
    for a section not yet written)."""
    texts = case.sections if case is not None else {}
    return [
        SectionState(key, str(name), str(texts.get(key, "") or "")) for key, name in Section.choices
    ]


def chosen_round_id(case: BusinessCase | None) -> int | None:
    if case is None:
        return None
    value = case.sections.get(ROUND_KEY)
    return value if isinstance(value, int) else None
