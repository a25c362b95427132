"""A result laid out for the page and the CSV: a row a year with the running total, and each
partner's position in present value with who pays and who gains said in words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..calculate import Result, Year
from ..charts import pounds


@dataclass(frozen=True)
class YearRow:
    year: Year
    cumulative: Decimal


@dataclass(frozen=True)
class PartnerRow:
    id: str
    costs: tuple[Decimal, ...]
    benefits: tuple[Decimal, ...]
    net: tuple[Decimal, ...]
    pv_costs: Decimal
    pv_benefits: Decimal
    pv_net: Decimal

    @property
    def words(self) -> str:
        """Who pays and who gains, in present value."""
        if self.pv_net > 0:
            return (
                f"{self.id} gains {pounds(self.pv_net)}: its benefits "
                f"({pounds(self.pv_benefits)}) are more than its costs ({pounds(self.pv_costs)})."
            )
        if self.pv_net < 0:
            return (
                f"{self.id} pays {pounds(-self.pv_net)} more than it gains: its costs "
                f"({pounds(self.pv_costs)}) are more than its benefits "
                f"({pounds(self.pv_benefits)})."
            )
        return f"{self.id} breaks even: its costs and benefits are both {pounds(self.pv_costs)}."


def year_rows(result: Result) -> list[YearRow]:
    return [
        YearRow(year, cumulative)
        for year, cumulative in zip(result.years, result.cumulative_discounted_net, strict=True)
    ]


def partner_rows(result: Result) -> list[PartnerRow]:
    return [
        PartnerRow(
            pid,
            p.costs,
            p.benefits,
            p.net,
            p.present_value(p.costs),
            p.present_value(p.benefits),
            p.present_value(p.net),
        )
        for pid, p in result.partners.items()
    ]
