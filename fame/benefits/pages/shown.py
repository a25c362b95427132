"""How the pages show a model's figures: money to the penny, and sharing rules in words."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ..money import pounds


def money(value: Any) -> str:
    """Money as the calculator shows it (``fame.benefits.money``); a value that is not a
    number (a draft's half-typed field) is shown as typed."""
    try:
        return pounds(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


RULES = {
    "equal": "Equally",
    "population": "By population",
    "practitioners": "By practitioners",
    "usage": "By usage",
    "custom": "In shares",
}


def sharing_text(shared: Any) -> str:
    """A sharing rule in words: ``In shares: la 0.7, pct 0.3``."""
    if not isinstance(shared, dict):
        return "Equally"
    rule = shared.get("rule")
    words = RULES.get(str(rule), str(rule))
    weights = shared.get("shares") if rule == "custom" else shared.get("usage")
    if rule in ("custom", "usage") and isinstance(weights, dict):
        words += ": " + ", ".join(f"{pid} {value}" for pid, value in weights.items())
    return words


def _row(key: str, value: Any) -> dict[str, Any]:
    shown = "Not given" if value is None or value == "" else str(value)
    return {"key": {"text": key}, "value": {"text": shown}}


def _years(item: dict[str, Any]) -> str:
    if item.get("kind") == "one_off":
        return f"One-off, in year {item.get('year')}"
    return f"Running, years {item.get('from_year')} to {item.get('to_year')}"


def count(value: Any) -> Any:
    """A count with thousands separators (40000 → 40,000); anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    return value


def partner_rows(partner: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _row("Short id", partner.get("id")),
        _row("Name", partner.get("name")),
        _row("Population served", count(partner.get("population"))),
        _row("Practitioners", count(partner.get("practitioners"))),
    ]


def cost_rows(cost: dict[str, Any]) -> list[dict[str, Any]]:
    amount = cost.get("amount")
    return [
        _row("When", _years(cost)),
        _row("Amount" + (" a year" if cost.get("kind") == "running" else ""), money(amount)),
        _row("Who pays", sharing_text(cost.get("shared"))),
    ]


BENEFIT_KINDS = {"time": "Time saved", "avoided_cost": "Costs avoided", "amount": "A sum a year"}
BENEFIT_INPUTS = {
    "time": [
        ("Hours saved a month per practitioner", "hours_per_month", False),
        ("Share of that time saved", "share_saved", False),
        ("Hourly cost", "hourly_cost", True),
    ],
    "avoided_cost": [
        ("Cases a year", "cases_per_year", False),
        ("Share averted", "share_averted", False),
        ("Cost avoided per case", "cost_per_case", True),
    ],
    "amount": [("Amount a year", "amount", True)],
}


def benefit_rows(benefit: dict[str, Any]) -> list[dict[str, Any]]:
    kind = str(benefit.get("kind"))
    rows = [_row("Kind", BENEFIT_KINDS.get(kind, kind))]
    rows.append(_row("Cashable", "Yes" if benefit.get("cashable") is True else "No"))
    for label, key, is_money in BENEFIT_INPUTS.get(kind, []):
        rows.append(_row(label, money(benefit.get(key)) if is_money else benefit.get(key)))
    ramp = benefit.get("ramp")
    if isinstance(ramp, list):
        rows.append(_row("Ramp, year by year", ", ".join(str(share) for share in ramp)))
    rows.append(_row("Who receives it", sharing_text(benefit.get("shared"))))
    return rows


def settings_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    bias = data.get("optimism_bias") or {}
    return [
        _row("Years", data.get("years")),
        _row("Discount rate", _percent(data.get("discount_rate", 0.035)) + " a year"),
        _row("Optimism bias added to costs", _percent(bias.get("costs"))),
        _row("Optimism bias taken from benefits", _percent(bias.get("benefits"))),
    ]


def _percent(value: Any) -> str:
    try:
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    except InvalidOperation:
        return str(value)


ROWS = {"partners": partner_rows, "costs": cost_rows, "benefits": benefit_rows}
