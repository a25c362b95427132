"""A Demonstrator comparison for a benefits model: run one of the shipped scenarios (the same
code ``fame demonstrator compare`` runs) or read one uploaded as JSON."""

from __future__ import annotations

import json
from typing import Any

from fame.demonstrator.compare import comparison, run_all
from fame.demonstrator.scenario import read_scenario, shipped_scenarios

from ..figures import FiguresError

DEFAULT_SCENARIO = "small"
DEFAULT_REPLICATIONS = 3
MAX_REPLICATIONS = 10
"""Kept small so the page answers in a few seconds (the small scenario runs in about a second
with three replications); the command runs more for a tighter interval."""
MAX_UPLOAD_BYTES = 2_000_000


def scenario_names() -> list[str]:
    return [path.stem for path in shipped_scenarios()]


def approaches_of(name: str) -> list[str]:
    """The scenario's approaches, the first (the baseline) first."""
    return list(_scenario(name).approaches)


def _scenario(name: str) -> Any:
    paths = {path.stem: path for path in shipped_scenarios()}
    if name not in paths:
        raise FiguresError(f"there is no shipped scenario {name!r}; there are {', '.join(paths)}")
    return read_scenario(paths[name])


def run_comparison(name: str, approach: str, *, replications: int, seed: int) -> dict[str, Any]:
    """The comparison of ``approach`` against the scenario's baseline, as the command's JSON,
    run in this process."""
    scenario = _scenario(name)
    known = list(scenario.approaches)
    if approach not in known[1:]:
        raise FiguresError(f"{name} has no approach {approach!r} to compare with {known[0]}")
    approaches = [known[0], approach]
    results = run_all(scenario, approaches, replications=replications, seed=seed, jobs=1)
    return comparison(scenario, approaches, results, replications=replications, seed=seed)


def read_upload(content: bytes) -> dict[str, Any]:
    """An uploaded comparison's JSON (FiguresError for a file that is not one)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise FiguresError("the file is larger than 2 MB: is it a comparison?")
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FiguresError(
            "the file is not JSON: save what fame demonstrator compare --json prints"
        ) from None
    if not isinstance(data, dict):
        raise FiguresError("the file is not a comparison: it should hold a JSON object")
    return data
