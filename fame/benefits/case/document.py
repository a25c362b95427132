"""The Regional Business Case as a document: everything its pages and PDF show.

``case_document`` gathers the partnership's narrative, the model version's results
(``calculate``, ``sensitivity.tornado``), the chosen readiness round's summary and
roadmap, and the training and accreditation plan. Money stays ``Decimal`` to the
calculator's precision and is rounded to the penny only by ``money`` when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from fame.accounts.models import TrainingCourse
from fame.accounts.queries import accreditation_counts, course_currency, practitioners_cleared
from fame.readiness.framework import Part, framework
from fame.readiness.models import Round
from fame.readiness.plan.queries import round_roadmap
from fame.readiness.plan.roadmap import Roadmap
from fame.readiness.results.summary import Cell, RoundSummary

from ..calculate import Result, calculate
from ..models import BenefitsModel, BusinessCase, ModelVersion
from ..sensitivity import Swing, tornado
from .sections import SectionState, section_states

PENNY = Decimal("0.01")
TORNADO_ROWS = 3


def ratio(value: Decimal | None) -> str:
    """A benefit-cost ratio to two places ("Not defined" when there are no costs)."""
    if value is None:
        return "Not defined (no costs)"
    return f"{value.quantize(PENNY, rounding=ROUND_HALF_UP):,.2f}"


def number(value: Decimal, places: int = 6) -> str:
    """A number (a share, rate or count) to at most ``places`` decimal places, with
    thousands separators and no trailing zeros: 0.08, 1,200, 0.9662."""
    shown = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,f}"
    return shown.rstrip("0").rstrip(".") if "." in shown else shown


_INPUT_WORDS = {
    "amount": "amount",
    "hours_per_month": "hours saved a month",
    "share_saved": "share of the time saved",
    "hourly_cost": "hourly cost",
    "cases_per_year": "cases a year",
    "share_averted": "share averted",
    "cost_per_case": "cost avoided per case",
}


def assumption_name(data: dict[str, Any], path: str) -> str:
    """A tornado path as a reader would name it: ``costs[0].amount`` is "Hub hosting:
    amount"."""
    fixed = {
        "discount_rate": "Discount rate",
        "optimism_bias.costs": "Optimism bias on costs",
        "optimism_bias.benefits": "Optimism bias on benefits",
    }
    if path in fixed:
        return fixed[path]
    group, _, key = path.partition(".")
    kind, _, index = group.partition("[")
    item = data[kind][int(index.rstrip("]"))]
    return f"{item.get('name', group)}: {_INPUT_WORDS.get(key, key.replace('_', ' '))}"


@dataclass(frozen=True)
class PartnerLine:
    id: str
    name: str
    pv_costs: Decimal
    pv_benefits: Decimal
    pv_net: Decimal
    net_by_year: tuple[Decimal, ...]


@dataclass(frozen=True)
class SwingLine:
    name: str
    swing: Swing


@dataclass(frozen=True)
class Readiness:
    round: Round
    dimensions: list[Part]
    heat_rows: list[tuple[Part, list[Cell]]]
    roadmap: Roadmap


@dataclass(frozen=True)
class Training:
    accreditation: list[tuple[str, int]]
    courses: list[tuple[TrainingCourse, int, int]]
    practitioners_cleared: int
    practitioners: int


@dataclass(frozen=True)
class CaseDocument:
    benefits_model: BenefitsModel
    version: ModelVersion
    made_on: date
    sections: list[SectionState]
    result: Result
    npv_base: Decimal
    tornado: list[SwingLine]
    partners: list[PartnerLine]
    readiness: Readiness | None
    training: Training

    def section(self, key: str) -> SectionState:
        return next(s for s in self.sections if s.key == key)

    @property
    def pv_cashable(self) -> Decimal:
        return self.result.pv("cashable")

    @property
    def pv_non_cashable(self) -> Decimal:
        return self.result.pv("non_cashable")

    @property
    def cumulative(self) -> tuple[Decimal, ...]:
        return self.result.cumulative_discounted_net


def _partners(version: ModelVersion, result: Result) -> list[PartnerLine]:
    names = {p.get("id"): p.get("name") or p.get("id") for p in version.data["partners"]}
    lines = []
    for pid, position in result.partners.items():
        pv_costs = position.present_value(position.costs)
        pv_benefits = position.present_value(position.benefits)
        lines.append(
            PartnerLine(
                pid,
                str(names.get(pid, pid)),
                pv_costs,
                pv_benefits,
                pv_benefits - pv_costs,
                position.net,
            )
        )
    return lines


def _readiness(round_: Round | None) -> Readiness | None:
    if round_ is None:
        return None
    summary = RoundSummary(round_)
    return Readiness(round_, list(framework().dimensions), summary.heat_rows, round_roadmap(round_))


def case_document(
    benefits_model: BenefitsModel, version: ModelVersion, round_: Round | None
) -> CaseDocument:
    """The document for ``version`` of the model, drawing in ``round_`` (or no round)."""
    case = BusinessCase.objects.filter(benefits_model=benefits_model).first()
    result = calculate(version.model)
    npv_base, swings = tornado(version.data)
    cleared, practitioners = practitioners_cleared()
    return CaseDocument(
        benefits_model=benefits_model,
        version=version,
        made_on=timezone.localdate(),
        sections=section_states(case),
        result=result,
        npv_base=npv_base,
        tornado=[
            SwingLine(assumption_name(version.data, s.path), s) for s in swings[:TORNADO_ROWS]
        ],
        partners=_partners(version, result),
        readiness=_readiness(round_),
        training=Training(accreditation_counts(), course_currency(), cleared, practitioners),
    )
