"""The machine a benchmark ran on, for its JSON: `"machine": {...}` beside the results.

Absolute figures move a lot between machines (the same commit gave 2,714 to 3,004
index updates a second on one and 1,036 to 1,193 on another, where every other
figure was about three times slower too). So each benchmark also times one
fixed pure-Python loop, the best of a few runs, in seconds: a figure divided by
another machine's ratio of this reference says roughly what it would be there.
The load averages say how busy the machine was (1, 5 and 15 minutes), at the
start and at the end of the run; the cores are the ones this process may use.

    python benchmarks/_machine.py        # the reference alone, as JSON
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from typing import Any

RUNS = 5


def reference_loop() -> int:
    """Fixed work of the kinds the project's Python does: calls, dicts, strings, integers."""
    counts: dict[str, int] = {}
    total = 0
    for i in range(300_000):
        key = f"k{i % 97}"
        counts[key] = counts.get(key, 0) + 1
        total += len(key) * (i & 7) + _step(i)
    return total + sum(counts.values())


def _step(i: int) -> int:
    return (i * 31) % 13


def reference_seconds(runs: int = RUNS) -> float:
    """The best of ``runs`` timings of the reference loop, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        reference_loop()
        best = min(best, time.perf_counter() - started)
    return round(best, 4)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def start() -> dict[str, Any]:
    """The machine as a run starts: the reference loop timed, cores, load."""
    return {
        "reference_loop_s": reference_seconds(),
        "cpus": _cores(),
        "load_at_start": _load(),
        "python": platform.python_version(),
    }


def finish(started: dict[str, Any]) -> dict[str, Any]:
    """``started`` with the load as the run ends: the JSON's ``"machine"``."""
    return {**started, "load_at_end": _load()}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(finish(start())) + "\n")
