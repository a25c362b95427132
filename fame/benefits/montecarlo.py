"""A Monte Carlo run of a model's NPV over ranges the user gives.

The ranges are JSON: each assumption's path (as the tornado names them, such as
``benefits[0].hours_per_month``) to ``{"low": L, "likely": M, "high": H}``. Each run
draws every named assumption from the triangular distribution over (L, M, H) with a
numpy ``Generator`` seeded by the caller, sets it in the model and works out the NPV.
The result gives P10, P50 and P90 of the NPV (numpy's linear percentiles) and the share
of runs with an NPV above 0; the same model, ranges, runs and seed give the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from .calculate import JSON_MONEY_PLACES
from .model import ModelError, as_number, assumption_paths, read_model, with_value
from .sensitivity import npv_of

DEFAULT_RUNS = 2000
DEFAULT_SEED = 0


@dataclass(frozen=True)
class Range:
    path: str
    low: float
    likely: float
    high: float


@dataclass(frozen=True)
class Outcome:
    runs: int
    seed: int
    p10: float
    p50: float
    p90: float
    share_positive: float
    npvs: tuple[float, ...] = field(default=(), repr=False, compare=False)
    """Each run's NPV, in the order drawn (for a histogram)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "seed": self.seed,
            "npv": {
                "p10": round(self.p10, JSON_MONEY_PLACES),
                "p50": round(self.p50, JSON_MONEY_PLACES),
                "p90": round(self.p90, JSON_MONEY_PLACES),
            },
            "share_npv_positive": self.share_positive,
        }


def read_ranges(data: Any, model_data: Mapping[str, Any]) -> list[Range]:
    """The ranges in ``data`` for the model, or ModelError naming each bad one by path."""
    read_model(model_data)
    if not isinstance(data, Mapping) or not data:
        raise ModelError(["ranges: give an object of assumption paths to low, likely and high"])
    allowed = dict(assumption_paths(model_data))
    problems, ranges = [], []
    for path, given in data.items():
        where = f"ranges.{path}"
        if path not in allowed:
            problems.append(f"{where}: not an assumption of this model")
            continue
        if not isinstance(given, Mapping):
            problems.append(f"{where}: give an object with low, likely and high")
            continue
        numbers = {key: as_number(given.get(key)) for key in ("low", "likely", "high")}
        bad = [key for key, value in numbers.items() if value is None]
        if bad:
            problems.append(f"{where}: give numbers for {', '.join(bad)}")
            continue
        low, likely, high = (numbers[k] or Decimal(0) for k in ("low", "likely", "high"))
        largest = allowed[path]
        if not low <= likely <= high:
            problems.append(f"{where}: low {low}, likely {likely}, high {high} are not in order")
        elif low < 0:
            problems.append(f"{where}: the range cannot go below 0")
        elif largest is not None and high > largest:
            problems.append(f"{where}: the range must lie within 0 to {largest}")
        else:
            ranges.append(Range(path, float(low), float(likely), float(high)))
    if problems:
        raise ModelError(problems)
    return ranges


def run(
    model_data: Mapping[str, Any],
    ranges: list[Range],
    *,
    runs: int = DEFAULT_RUNS,
    seed: int = DEFAULT_SEED,
) -> Outcome:
    """``runs`` draws of the NPV with the assumptions in ``ranges`` drawn by ``seed``."""
    if runs < 1:
        raise ValueError("give at least one run")
    generator = np.random.default_rng(seed)
    draws = {
        r.path: (
            np.full(runs, r.low)
            if r.low == r.high
            else generator.triangular(r.low, r.likely, r.high, size=runs)
        )
        for r in ranges
    }
    npvs = np.empty(runs)
    for i in range(runs):
        data: Mapping[str, Any] = model_data
        for path, values in draws.items():
            data = with_value(data, path, Decimal(repr(float(values[i]))))
        npvs[i] = float(npv_of(data))
    p10, p50, p90 = (float(v) for v in np.percentile(npvs, [10, 50, 90]))
    return Outcome(
        runs, seed, p10, p50, p90, float(np.mean(npvs > 0)), tuple(float(v) for v in npvs)
    )
