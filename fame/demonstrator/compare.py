"""Runs of a scenario's approaches, and the figures that compare them.

Every approach runs on the same random streams (common random numbers): run
*r* of every approach sees the same concerns, children and chances. Each
measure is reported with its mean over replications and a 95% confidence
interval (Student's t), and each difference from the first approach with the
interval of the paired differences, which common random numbers make narrow.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from statistics import fmean, stdev
from typing import Any

from scipy.stats import t as student_t

from .events import Recorder
from .model import Run
from .scenario import Scenario

Figures = dict[str, float | None]


@dataclass(frozen=True)
class Interval:
    mean: float | None
    ci_low: float | None
    ci_high: float | None

    def as_dict(self) -> dict[str, float | None]:
        return {"mean": self.mean, "ci_low": self.ci_low, "ci_high": self.ci_high}


def interval(
    values: Iterable[float | None], *, low: float | None = None, high: float | None = None
) -> Interval:
    """Mean and 95% interval of the values that are not None (none: all None), kept within
    what the measure can be (``low``, ``high``: a share is never above 1)."""
    known = [v for v in values if v is not None]
    if not known:
        return Interval(None, None, None)
    mean = fmean(known)
    if len(known) < 2:
        return Interval(mean, None, None)
    half = float(student_t.ppf(0.975, len(known) - 1)) * stdev(known) / math.sqrt(len(known))
    ci_low = mean - half if low is None else max(low, mean - half)
    ci_high = mean + half if high is None else min(high, mean + half)
    return Interval(mean, ci_low, ci_high)


def bounds(measure: str) -> dict[str, float]:
    """What a measure can be: every one is a count, a time or a share; shares are at most 1."""
    share = (
        "share" in measure or "availability" in measure or measure.startswith("requests_refused")
    )
    return {"low": 0.0, "high": 1.0} if share else {"low": 0.0}


def one_run(task: tuple[Scenario, str, int, int, bool]) -> tuple[str, int, Figures, Recorder]:
    scenario, approach, replication, seed, keep_events = task
    recorder = Recorder(enabled=keep_events)
    run = Run(scenario, approach, replication=replication, seed=seed, recorder=recorder)
    return approach, replication, run.run(), recorder


def run_all(
    scenario: Scenario,
    approaches: list[str],
    *,
    replications: int,
    seed: int,
    jobs: int | None = None,
    keep_events: bool = False,
    progress: Callable[[], None] | None = None,
) -> list[tuple[str, int, Figures, Recorder]]:
    """Every replication of every approach, in order, on ``jobs`` processes (default: cores)."""
    tasks = [
        (scenario, approach, replication, seed, keep_events)
        for replication in range(replications)
        for approach in approaches
    ]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    results = []
    if jobs == 1:
        for task in tasks:
            results.append(one_run(task))
            if progress:
                progress()
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(one_run, tasks):
                results.append(result)
                if progress:
                    progress()
    return results


def comparison(
    scenario: Scenario,
    approaches: list[str],
    results: list[tuple[str, int, Figures, Recorder]],
    *,
    replications: int,
    seed: int,
) -> dict[str, Any]:
    """The compare contract: each measure's interval per approach, and the paired differences
    of each approach from the first."""
    by: dict[str, dict[int, Figures]] = {a: {} for a in approaches}
    for approach, replication, figures, _ in results:
        by[approach][replication] = figures
    names = list(next(iter(by[approaches[0]].values())))
    measures = {
        name: {
            a: interval(by[a][r][name] for r in range(replications)).as_dict() for a in approaches
        }
        for name in names
    }
    baseline = approaches[0]
    differences: dict[str, dict[str, dict[str, float | None]]] = {}
    for name in names:
        differences[name] = {}
        for a in approaches[1:]:
            paired = [
                (by[a][r][name] or 0.0) - (by[baseline][r][name] or 0.0)
                if by[a][r][name] is not None and by[baseline][r][name] is not None
                else None
                for r in range(replications)
            ]
            differences[name][a] = interval(paired).as_dict()
    return {
        "scenario": scenario.name,
        "replications": replications,
        "seed": seed,
        "approaches": approaches,
        "measures": measures,
        "differences_from": baseline,
        "differences": differences,
    }
