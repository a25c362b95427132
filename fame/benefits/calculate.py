"""The HM Treasury Green Book arithmetic of a benefits model.

For each year t (1 to the model's years):

- costs: one-off costs in year t and running costs whose range takes in t, each
  times (1 + the costs optimism bias);
- benefits, each times its ramp for year t and (1 - the benefits optimism bias):
  ``time``: hours_per_month x 12 x share_saved x hourly_cost x all the partners'
  practitioners; ``avoided_cost``: cases_per_year x share_averted x cost_per_case;
  ``amount``: the amount; cashable and non-cashable kept apart;
- net = benefits - costs; discount factor 1 / (1 + rate)^(t - 1), so year 1 is not
  discounted; discounted net = net x factor.

Totals: present values of costs and benefits, NPV (their difference), BCR (present
value of benefits over present value of costs; None when costs are nothing), and the
payback year (the first in which the cumulative discounted net is 0 or more; None if
never). Each cost and benefit is shared between the partners by its rule, so each
partner has its costs, benefits and net each year and their present values.

Money is ``Decimal`` held to ``QUANTUM`` (a hundred-millionth of a penny) and rounded
only when shown; ``as_json`` gives money to six decimal places of a pound.
See docs/adr/0033-benefits-green-book-arithmetic.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from .model import Benefit, Model
from .sharing import QUANTUM, split

PRECISION = 50  # significant digits while calculating: money to 1e-12 up to 1e30 pounds
JSON_MONEY_PLACES = 6
JSON_FACTOR_PLACES = 12
MONTHS = 12


@dataclass(frozen=True)
class Year:
    year: int
    one_off: Decimal
    running: Decimal
    cashable: Decimal
    non_cashable: Decimal
    discount_factor: Decimal

    @property
    def costs(self) -> Decimal:
        return self.one_off + self.running

    @property
    def benefits(self) -> Decimal:
        return self.cashable + self.non_cashable

    @property
    def net(self) -> Decimal:
        return self.benefits - self.costs

    @property
    def discounted_net(self) -> Decimal:
        return _money(self.net * self.discount_factor)


@dataclass(frozen=True)
class PartnerPosition:
    costs: tuple[Decimal, ...]  # one a year
    benefits: tuple[Decimal, ...]
    discount_factors: tuple[Decimal, ...]

    @property
    def net(self) -> tuple[Decimal, ...]:
        return tuple(b - c for b, c in zip(self.benefits, self.costs, strict=True))

    def present_value(self, amounts: tuple[Decimal, ...]) -> Decimal:
        return sum(
            (_money(a * f) for a, f in zip(amounts, self.discount_factors, strict=True)),
            Decimal(0),
        )


@dataclass(frozen=True)
class Result:
    years: tuple[Year, ...]
    partners: dict[str, PartnerPosition]

    def pv(self, name: str) -> Decimal:
        return sum((_money(getattr(y, name) * y.discount_factor) for y in self.years), Decimal(0))

    @property
    def pv_costs(self) -> Decimal:
        return self.pv("costs")

    @property
    def pv_benefits(self) -> Decimal:
        return self.pv("cashable") + self.pv("non_cashable")

    @property
    def npv(self) -> Decimal:
        return self.pv_benefits - self.pv_costs

    @property
    def bcr(self) -> Decimal | None:
        costs = self.pv_costs
        if costs == 0:
            return None
        with localcontext() as context:
            context.prec = PRECISION
            return self.pv_benefits / costs

    @property
    def cumulative_discounted_net(self) -> tuple[Decimal, ...]:
        running, found = Decimal(0), []
        for year in self.years:
            running += year.discounted_net
            found.append(running)
        return tuple(found)

    @property
    def payback_year(self) -> int | None:
        for year, cumulative in zip(self.years, self.cumulative_discounted_net, strict=True):
            if cumulative >= 0:
                return year.year
        return None


def _money(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM)


def discount_factor(rate: Decimal, year: int) -> Decimal:
    """1 / (1 + rate)^(year - 1): year 1 is not discounted."""
    with localcontext() as context:
        context.prec = PRECISION
        return Decimal(1) / (1 + rate) ** (year - 1)


def full_value(benefit: Benefit, model: Model) -> Decimal:
    """A benefit's value a year at full ramp, before optimism bias."""
    if benefit.kind == "time":
        practitioners = sum((p.practitioners for p in model.partners), Decimal(0))
        return (
            benefit.input("hours_per_month")
            * MONTHS
            * benefit.input("share_saved")
            * benefit.input("hourly_cost")
            * practitioners
        )
    if benefit.kind == "avoided_cost":
        return (
            benefit.input("cases_per_year")
            * benefit.input("share_averted")
            * benefit.input("cost_per_case")
        )
    return benefit.input("amount")


def calculate(model: Model, *, partners: bool = True) -> Result:
    """The model's years, totals and (unless ``partners`` is False) each partner's position."""
    with localcontext() as context:
        context.prec = PRECISION
        return _calculate(model, partners)


def _calculate(model: Model, with_partners: bool) -> Result:
    ids = [p.id for p in model.partners]
    cost_parts = {pid: [Decimal(0)] * model.years for pid in ids}
    benefit_parts = {pid: [Decimal(0)] * model.years for pid in ids}
    years = []
    cost_factor = 1 + model.costs_bias
    benefit_factor = 1 - model.benefits_bias
    values = [full_value(b, model) for b in model.benefits]
    for t in range(1, model.years + 1):
        amounts = {"one_off": Decimal(0), "running": Decimal(0)}
        for cost in model.costs:
            if not cost.in_year(t):
                continue
            biased = _money(cost.amount * cost_factor)
            amounts[cost.kind] += biased
            if with_partners:
                for pid, part in split(biased, cost.shared, model.partners).items():
                    cost_parts[pid][t - 1] += part
        kinds = {True: Decimal(0), False: Decimal(0)}
        for benefit, value in zip(model.benefits, values, strict=True):
            biased = _money(value * benefit.ramp[t - 1] * benefit_factor)
            kinds[benefit.cashable] += biased
            if with_partners and biased:
                for pid, part in split(biased, benefit.shared, model.partners).items():
                    benefit_parts[pid][t - 1] += part
        years.append(
            Year(
                t,
                amounts["one_off"],
                amounts["running"],
                kinds[True],
                kinds[False],
                discount_factor(model.discount_rate, t),
            )
        )
    factors = tuple(y.discount_factor for y in years)
    positions = {
        pid: PartnerPosition(tuple(cost_parts[pid]), tuple(benefit_parts[pid]), factors)
        for pid in ids
    }
    return Result(tuple(years), positions if with_partners else {})


def _json_money(value: Decimal) -> float:
    return float(round(value, JSON_MONEY_PLACES))


def _json_factor(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, JSON_FACTOR_PLACES))


def as_json(result: Result) -> dict[str, Any]:
    """The result as the issue's JSON: ``years``, ``totals`` and ``partners``; money to six
    decimal places of a pound, factors and the BCR to twelve."""
    cumulative = result.cumulative_discounted_net
    years = [
        {
            "year": y.year,
            "costs": {
                "one_off": _json_money(y.one_off),
                "running": _json_money(y.running),
                "total": _json_money(y.costs),
            },
            "benefits": {
                "cashable": _json_money(y.cashable),
                "non_cashable": _json_money(y.non_cashable),
                "total": _json_money(y.benefits),
            },
            "net": _json_money(y.net),
            "discount_factor": _json_factor(y.discount_factor),
            "discounted_net": _json_money(y.discounted_net),
            "cumulative_discounted_net": _json_money(c),
        }
        for y, c in zip(result.years, cumulative, strict=True)
    ]
    totals = {
        "pv_costs": _json_money(result.pv_costs),
        "pv_benefits": _json_money(result.pv_benefits),
        "pv_benefits_cashable": _json_money(result.pv("cashable")),
        "pv_benefits_non_cashable": _json_money(result.pv("non_cashable")),
        "npv": _json_money(result.npv),
        "bcr": _json_factor(result.bcr),
        "payback_year": result.payback_year,
    }
    partners = {
        pid: {
            "costs": [_json_money(v) for v in position.costs],
            "benefits": [_json_money(v) for v in position.benefits],
            "net": [_json_money(v) for v in position.net],
            "pv_costs": _json_money(position.present_value(position.costs)),
            "pv_benefits": _json_money(position.present_value(position.benefits)),
            "pv_net": _json_money(position.present_value(position.net)),
        }
        for pid, position in result.partners.items()
    }
    return {
        "years": years,
        "totals": totals,
        "partners": partners,
        "precision": {"money_places": JSON_MONEY_PLACES, "factor_places": JSON_FACTOR_PLACES},
    }
