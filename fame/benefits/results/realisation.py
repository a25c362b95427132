"""Benefits realisation: the activity a model plans, quarter by quarter, against the live
system's counts for its partners.

The plan is each partner's activity a year at full use (entered, or the counts a ``usage``
sharing rule of the model gives), a quarter being a fourth of it, times the ramp of the
model's first ``time`` benefit for the model year the quarter falls in (the same take-up
the benefit assumes; no ramp if the model has no time benefit). Year 1 begins on the day
the partnership says; quarters are calendar quarters, the first and last perhaps only
partly in the period (``LiveUsage.complete`` says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..figures import LiveUsage, live_usage, quarter_label, quarter_of
from ..model import Model

QUARTERS_A_YEAR = 4


@dataclass(frozen=True)
class QuarterRow:
    quarter: date
    label: str
    complete: bool
    model_year: int
    planned: dict[str, Decimal]
    actual: dict[str, int]

    @property
    def planned_total(self) -> Decimal:
        return sum(self.planned.values(), Decimal(0))

    @property
    def actual_total(self) -> int:
        return sum(self.actual.values())


def planned_usage(data: Mapping[str, Any]) -> dict[str, Decimal]:
    """The counts the model's first ``usage`` sharing rule gives, by partner ({} if none)."""
    for item in [*data.get("costs", []), *data.get("benefits", [])]:
        shared = item.get("shared") or {}
        if shared.get("rule") == "usage" and isinstance(shared.get("usage"), dict):
            return {str(k): Decimal(str(v)) for k, v in shared["usage"].items()}
    return {}


def adoption(model: Model) -> tuple[Decimal, ...]:
    """The ramp of the model's first time benefit, or full use every year."""
    for benefit in model.benefits:
        if benefit.kind == "time":
            return benefit.ramp
    return tuple(Decimal(1) for _ in range(model.years))


def model_year(started: date, quarter: date) -> int:
    """The model year (1 on) a calendar quarter falls in, counting from year 1's quarter."""
    first = quarter_of(started)
    quarters = (quarter.year - first.year) * QUARTERS_A_YEAR + (quarter.month - first.month) // 3
    return quarters // QUARTERS_A_YEAR + 1


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return date(day.year + years, 3, 1)


def realisation(
    data: Mapping[str, Any],
    model: Model,
    *,
    started: date,
    today: date,
    measure: str,
    plan: Mapping[str, Decimal],
) -> tuple[LiveUsage, list[QuarterRow]]:
    """Each quarter from year 1's to today's (no later than the model's last year): each
    partner's planned and actual ``measure``."""
    ramp = adoption(model)
    until = min(today, date.fromordinal(_years_after(started, model.years).toordinal() - 1))
    usage = live_usage(data["partners"], started, until)
    rows = []
    for quarter in usage.quarters:
        year = min(model_year(started, quarter), model.years)
        share = ramp[year - 1] / QUARTERS_A_YEAR
        rows.append(
            QuarterRow(
                quarter=quarter,
                label=quarter_label(quarter),
                complete=usage.complete(quarter),
                model_year=year,
                planned={p.id: plan.get(p.id, Decimal(0)) * share for p in model.partners},
                actual={p.id: usage.partners[p.id][quarter][measure] for p in model.partners},
            )
        )
    return usage, rows
