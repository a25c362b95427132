"""A benefits model read from its JSON: partners, years, costs and benefits.

``read_model`` checks every field and refuses a bad model with every problem at
once, each naming its JSON path (``costs[1].shared.shares: the shares add up to
0.9, not 1``). Numbers become ``Decimal`` as typed (0.035 stays 0.035). Keys
the calculator does not know are left alone, so the pages can add their own
(labels, sources); every key it does know is checked.
See docs/adr/0033-benefits-green-book-arithmetic.md.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

GREEN_BOOK_DISCOUNT_RATE = Decimal("0.035")
MAX_YEARS = 60
# The Green Book's upper optimism bias for costs (equipment and development) is 200%.
MAX_COSTS_BIAS = Decimal(2)
SHARE_TOLERANCE = Decimal("0.000001")  # custom shares are typed as decimals
RULES = ("equal", "population", "practitioners", "usage", "custom")
COST_KINDS = ("one_off", "running")
# Each kind of benefit's numeric inputs, and the largest each may be (None: no limit).
BENEFIT_INPUTS: dict[str, dict[str, Decimal | None]] = {
    "time": {"hours_per_month": None, "share_saved": Decimal(1), "hourly_cost": None},
    "avoided_cost": {"cases_per_year": None, "share_averted": Decimal(1), "cost_per_case": None},
    "amount": {"amount": None},
}


class ModelError(ValueError):
    """A model that cannot be used; ``problems`` names each bad field by its JSON path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Partner:
    id: str
    population: Decimal
    practitioners: Decimal


@dataclass(frozen=True)
class Sharing:
    """Who pays or receives: ``weights`` are the custom shares or the usage counts."""

    rule: str
    weights: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class Cost:
    name: str
    kind: str  # one_off or running
    amount: Decimal
    from_year: int  # a one-off cost's year is both ends
    to_year: int
    shared: Sharing

    def in_year(self, year: int) -> bool:
        return self.from_year <= year <= self.to_year


@dataclass(frozen=True)
class Benefit:
    name: str
    kind: str  # time, avoided_cost or amount
    cashable: bool
    inputs: tuple[tuple[str, Decimal], ...]  # BENEFIT_INPUTS[kind], in that order
    ramp: tuple[Decimal, ...]  # one a year, 0 to 1
    shared: Sharing

    def input(self, name: str) -> Decimal:
        return dict(self.inputs)[name]


@dataclass(frozen=True)
class Model:
    years: int
    discount_rate: Decimal
    costs_bias: Decimal
    benefits_bias: Decimal
    partners: tuple[Partner, ...]
    costs: tuple[Cost, ...]
    benefits: tuple[Benefit, ...]


def read_model(data: Any) -> Model:
    """The model in ``data`` (the parsed JSON), or ModelError listing every problem."""
    return _Reader().model(data)


def assumption_paths(data: Mapping[str, Any]) -> list[tuple[str, Decimal | None]]:
    """The numeric assumptions of a valid model's JSON, by path, with the largest each may be:
    each cost's amount, each benefit's inputs, the discount rate and the optimism biases."""
    paths: list[tuple[str, Decimal | None]] = [
        (f"costs[{i}].amount", None) for i in range(len(data["costs"]))
    ]
    for i, benefit in enumerate(data["benefits"]):
        for name, largest in BENEFIT_INPUTS[benefit["kind"]].items():
            paths.append((f"benefits[{i}].{name}", largest))
    paths += [
        ("discount_rate", Decimal(1)),
        ("optimism_bias.costs", MAX_COSTS_BIAS),
        ("optimism_bias.benefits", Decimal(1)),
    ]
    return paths


_STEP = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


def with_value(data: Mapping[str, Any], path: str, value: Decimal) -> dict[str, Any]:
    """A copy of the model's JSON with the number at ``path`` (as ``assumption_paths`` gives
    it, such as ``benefits[0].hours_per_month``) set to ``value``."""
    changed = copy.deepcopy(dict(data))
    if path == "discount_rate" and "discount_rate" not in changed:
        changed["discount_rate"] = value
        return changed
    steps: list[str | int] = [
        name if name else int(index) for name, index in _STEP.findall(path.replace(".", " "))
    ]
    place: Any = changed
    for step in steps[:-1]:
        place = place[step]
    place[steps[-1]] = value
    return changed


def as_number(value: Any) -> Decimal | None:
    """A JSON number as a Decimal as typed; None for anything else (true and false too)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of an int or float is a number
        return None
    return number if number.is_finite() else None  # not NaN or infinity


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.partner_ids: list[str] = []
        self.unweighed: set[str] = set()

    def bad(self, path: str, why: str) -> None:
        self.problems.append(f"{path}: {why}")

    def field(self, data: Mapping[str, Any], key: str, path: str) -> Any:
        if key not in data:
            self.bad(f"{path}.{key}" if path else key, "missing")
            return None
        return data[key]

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        largest: Decimal | None = None,
        default: Decimal | None = None,
    ) -> Decimal:
        where = f"{path}.{key}" if path else key
        if key not in data and default is not None:
            return default
        value = self.field(data, key, path)
        if value is None and key not in data:
            return Decimal(0)
        number = as_number(value)
        if number is None:
            self.bad(where, f"give a number, not {_shown(value)}")
            return Decimal(0)
        if number < 0:
            self.bad(where, f"cannot be negative ({number})")
        elif largest is not None and number > largest:
            self.bad(where, f"must be between 0 and {largest} ({number} is too big)")
        return number

    def year(self, data: Mapping[str, Any], key: str, path: str, years: int) -> int:
        value = self.field(data, key, path)
        if key not in data:
            return 1
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(f"{path}.{key}", f"give a whole year, 1 to {years}, not {_shown(value)}")
            return 1
        if years and not 1 <= value <= years:
            self.bad(f"{path}.{key}", f"year {value} is outside the model's years 1 to {years}")
        return value

    def items(self, data: Mapping[str, Any], key: str) -> list[tuple[str, Mapping[str, Any]]]:
        value = self.field(data, key, "")
        if key not in data:
            return []
        if not isinstance(value, list):
            self.bad(key, f"give a list, not {_shown(value)}")
            return []
        found = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                found.append((f"{key}[{i}]", item))
            else:
                self.bad(f"{key}[{i}]", f"give an object, not {_shown(item)}")
        return found

    def text(self, data: Mapping[str, Any], key: str, path: str) -> str:
        value = self.field(data, key, path)
        if key in data and (not isinstance(value, str) or not value.strip()):
            self.bad(f"{path}.{key}", f"give some text, not {_shown(value)}")
            return ""
        return value if isinstance(value, str) else ""

    def model(self, data: Any) -> Model:
        if not isinstance(data, Mapping):
            raise ModelError([f"model: give a JSON object, not {_shown(data)}"])
        years = 0
        value = self.field(data, "years", "")
        if "years" in data:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_YEARS:
                self.bad("years", f"give a whole number of years, 1 to {MAX_YEARS}")
            else:
                years = value
        rate = self.number(
            data, "discount_rate", "", largest=Decimal(1), default=GREEN_BOOK_DISCOUNT_RATE
        )
        bias = self.field(data, "optimism_bias", "")
        costs_bias = benefits_bias = Decimal(0)
        if isinstance(bias, Mapping):
            costs_bias = self.number(bias, "costs", "optimism_bias", largest=MAX_COSTS_BIAS)
            benefits_bias = self.number(bias, "benefits", "optimism_bias", largest=Decimal(1))
        elif "optimism_bias" in data:
            self.bad("optimism_bias", f"give an object with costs and benefits, not {_shown(bias)}")
        partners = tuple(self.partner(path, item) for path, item in self.items(data, "partners"))
        if "partners" in data and isinstance(data["partners"], list) and not data["partners"]:
            self.bad("partners", "name at least one partner")
        self.partner_ids = [p.id for p in partners]
        costs = tuple(self.cost(path, item, years) for path, item in self.items(data, "costs"))
        benefits = tuple(
            self.benefit(path, item, years) for path, item in self.items(data, "benefits")
        )
        for path, sharing in self.sharings(costs, benefits):
            self.check_weights(path, sharing, partners)
        if self.problems:
            raise ModelError(self.problems)
        return Model(years, rate, costs_bias, benefits_bias, partners, costs, benefits)

    def partner(self, path: str, data: Mapping[str, Any]) -> Partner:
        partner_id = self.text(data, "id", path)
        if partner_id and partner_id in self.partner_ids:
            self.bad(f"{path}.id", f"{partner_id!r} is already a partner")
        self.partner_ids.append(partner_id)
        population = self.number(data, "population", path)
        practitioners = self.number(data, "practitioners", path)
        return Partner(partner_id, population, practitioners)

    def cost(self, path: str, data: Mapping[str, Any], years: int) -> Cost:
        name = self.text(data, "name", path)
        kind = self.field(data, "kind", path)
        amount = self.number(data, "amount", path)
        shared = self.sharing(path, data)
        if kind == "one_off":
            year = self.year(data, "year", path, years)
            return Cost(name, kind, amount, year, year, shared)
        if kind == "running":
            start = self.year(data, "from_year", path, years)
            end = self.year(data, "to_year", path, years)
            if start > end:
                self.bad(f"{path}.to_year", f"year {end} is before from_year {start}")
            return Cost(name, kind, amount, start, end, shared)
        if "kind" in data:
            self.bad(f"{path}.kind", f"{_shown(kind)} is not a kind of cost (one_off or running)")
        return Cost(name, "one_off", amount, 1, 1, shared)

    def benefit(self, path: str, data: Mapping[str, Any], years: int) -> Benefit:
        name = self.text(data, "name", path)
        kind = self.field(data, "kind", path)
        cashable = self.field(data, "cashable", path)
        if "cashable" in data and not isinstance(cashable, bool):
            self.bad(f"{path}.cashable", f"give true or false, not {_shown(cashable)}")
        inputs: tuple[tuple[str, Decimal], ...] = ()
        if kind in BENEFIT_INPUTS:
            inputs = tuple(
                (key, self.number(data, key, path, largest=largest))
                for key, largest in BENEFIT_INPUTS[kind].items()
            )
        elif "kind" in data:
            kinds = ", ".join(BENEFIT_INPUTS)
            self.bad(f"{path}.kind", f"{_shown(kind)} is not a kind of benefit ({kinds})")
        ramp = self.ramp(path, data, years)
        shared = self.sharing(path, data)
        return Benefit(name, str(kind), cashable is True, inputs, ramp, shared)

    def ramp(self, path: str, data: Mapping[str, Any], years: int) -> tuple[Decimal, ...]:
        value = self.field(data, "ramp", path)
        if "ramp" not in data:
            return ()
        if not isinstance(value, list) or (years and len(value) != years):
            self.bad(f"{path}.ramp", f"give {years} values, one a year")
            return ()
        ramp = []
        for i, step in enumerate(value):
            number = as_number(step)
            if number is None or not 0 <= number <= 1:
                self.bad(
                    f"{path}.ramp[{i}]",
                    f"give a share of the full benefit, 0 to 1, not {_shown(step)}",
                )
                number = Decimal(0)
            ramp.append(number)
        return tuple(ramp)

    def sharing(self, path: str, data: Mapping[str, Any]) -> Sharing:
        value = self.field(data, "shared", path)
        where = f"{path}.shared"
        if "shared" not in data:
            return Sharing("equal")
        if not isinstance(value, Mapping):
            self.bad(where, f"give an object with a rule, not {_shown(value)}")
            return Sharing("equal")
        rule = self.field(value, "rule", where)
        if rule not in RULES:
            if "rule" in value:
                self.bad(f"{where}.rule", f"{_shown(rule)} is not a rule ({', '.join(RULES)})")
            return Sharing("equal")
        key = {"custom": "shares", "usage": "usage"}.get(rule)
        if key is None:
            return Sharing(rule)
        given = self.field(value, key, where)
        if not isinstance(given, Mapping):
            if key in value:
                self.bad(f"{where}.{key}", f"give an object of partner ids, not {_shown(given)}")
            self.unweighed.add(where)  # already wrong: its weights are not checked again
            return Sharing(rule)
        largest = Decimal(1) if rule == "custom" else None
        weights = tuple(
            (str(pid), self.number(given, pid, f"{where}.{key}", largest=largest)) for pid in given
        )
        return Sharing(rule, weights)

    def sharings(
        self, costs: tuple[Cost, ...], benefits: tuple[Benefit, ...]
    ) -> list[tuple[str, Sharing]]:
        return [(f"costs[{i}].shared", c.shared) for i, c in enumerate(costs)] + [
            (f"benefits[{i}].shared", b.shared) for i, b in enumerate(benefits)
        ]

    def check_weights(self, path: str, sharing: Sharing, partners: tuple[Partner, ...]) -> None:
        if path in self.unweighed:
            return
        key = {"custom": "shares", "usage": "usage"}.get(sharing.rule)
        for pid, _ in sharing.weights:
            if pid not in self.partner_ids:
                self.bad(f"{path}.{key}.{pid}", f"{pid!r} is not one of the partners")
        total = sum((w for _, w in sharing.weights), Decimal(0))
        if sharing.rule == "custom" and abs(total - 1) > SHARE_TOLERANCE:
            self.bad(f"{path}.shares", f"the shares add up to {total.normalize():f}, not 1")
        if sharing.rule == "usage" and total <= 0:
            self.bad(f"{path}.usage", "give some usage: the counts add up to 0")
        shared_by = ("population", "practitioners")
        if sharing.rule in shared_by and partners and not _weighty(partners, sharing.rule):
            self.bad(f"{path}.rule", f"the partners' {sharing.rule} add up to 0")


def _weighty(partners: tuple[Partner, ...], attribute: str) -> bool:
    return sum((getattr(p, attribute) for p in partners), Decimal(0)) > 0


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
