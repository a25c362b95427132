"""A tornado: how far the NPV moves when each assumption moves by 20% either way.

The assumptions are each cost's amount, each benefit's numeric inputs, the discount
rate and the two optimism biases (``model.assumption_paths``). Each is set to 80% and
120% of its value (a share or rate held at its largest allowed value, so a share saved
of 0.9 goes up to 1, not 1.08) and the NPV worked out at each; the rows come sorted by
swing (the gap between the two NPVs), largest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .calculate import JSON_MONEY_PLACES, calculate
from .model import assumption_paths, read_model, with_value

MOVE = Decimal("0.2")


@dataclass(frozen=True)
class Swing:
    path: str
    base: Decimal
    low: Decimal
    high: Decimal
    npv_low: Decimal
    npv_high: Decimal

    @property
    def swing(self) -> Decimal:
        return abs(self.npv_high - self.npv_low)


def value_at(data: Mapping[str, Any], path: str) -> Decimal:
    """The number at ``path`` in a model's JSON, as the model reads it."""
    model = read_model(data)
    if path == "discount_rate":
        return model.discount_rate
    if path == "optimism_bias.costs":
        return model.costs_bias
    if path == "optimism_bias.benefits":
        return model.benefits_bias
    group, _, key = path.partition(".")
    index = int(group[group.index("[") + 1 : -1])
    if group.startswith("costs"):
        return model.costs[index].amount
    return model.benefits[index].input(key)


def npv_of(data: Mapping[str, Any]) -> Decimal:
    return calculate(read_model(data), partners=False).npv


def tornado(data: Mapping[str, Any], move: Decimal = MOVE) -> tuple[Decimal, list[Swing]]:
    """The model's NPV and each assumption's swing, largest first (a ModelError for a bad
    model)."""
    base_npv = npv_of(data)
    rows = []
    for path, largest in assumption_paths(data):
        base = value_at(data, path)
        low = base * (1 - move)
        high = base * (1 + move)
        if largest is not None:
            high = min(high, largest)
        rows.append(
            Swing(
                path,
                base,
                low,
                high,
                npv_of(with_value(data, path, low)),
                npv_of(with_value(data, path, high)),
            )
        )
    order = {row.path: i for i, row in enumerate(rows)}
    rows.sort(key=lambda row: (-row.swing, order[row.path]))
    return base_npv, rows


def tornado_json(base_npv: Decimal, rows: list[Swing]) -> dict[str, Any]:
    def money(value: Decimal) -> float:
        return float(round(value, JSON_MONEY_PLACES))

    return {
        "npv": money(base_npv),
        "move": float(MOVE),
        "assumptions": [
            {
                "path": row.path,
                "base": float(row.base),
                "low": float(row.low),
                "high": float(row.high),
                "npv_low": money(row.npv_low),
                "npv_high": money(row.npv_high),
                "swing": money(row.swing),
            }
            for row in rows
        ],
    }
