"""A simulated run as the views play it: its events, queues and figures, compact.

The views of the demonstrator (``views``, and the scripts under
``fame/static/fame/demonstrator/``) replay one replication of one approach in
the browser. This module runs it (``Run`` with its event log kept) and packs
what the views need into one JSON document: events as columns, each object and
activity named once, the queues at the ISA team and the co-ordinators as they
change, and the run's published figures. A run is reproducible from its
scenario, approach, seed and replication, so the last few are kept in memory
rather than stored.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from typing import Any

from .events import SIMULATION_START, Recorder, timestamp
from .model import Run
from .scenario import Scenario, read_scenario, shipped_scenarios

REPLICATIONS_MAX = 29
"""Replication numbers the views offer: 0 to 29, as ``compare`` runs at most 30 by default."""


def shipped() -> dict[str, Scenario]:
    """The scenarios that ship with FAME, by name, in the order ``scenarios`` lists them."""
    return _shipped()


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Scenario]:
    found = (read_scenario(path) for path in shipped_scenarios())
    return {scenario.name: scenario for scenario in found}


def packed(scenario: Scenario, approach: str, *, seed: int, replication: int) -> dict[str, Any]:
    """One replication of ``approach``, as the views read it."""
    recorder = Recorder()
    run = Run(scenario, approach, replication=replication, seed=seed, recorder=recorder)
    figures = run.run()
    activities: dict[str, int] = {}
    objects: dict[str, int] = {}
    qualifiers: dict[str, int] = {}
    times: list[float] = []
    kinds: list[int] = []
    related: list[list[int]] = []
    attributes: dict[str, dict[str, Any]] = {}
    ordered = sorted(recorder.events, key=lambda event: event[1])
    for number, (activity, day, found, values) in enumerate(ordered):
        times.append(round(day, 6))
        kinds.append(activities.setdefault(activity, len(activities)))
        flat: list[int] = []
        for object_id, qualifier in found.items():
            flat += [
                objects.setdefault(object_id, len(objects)),
                qualifiers.setdefault(qualifier, len(qualifiers)),
            ]
        related.append(flat)
        if values:
            attributes[str(number)] = values
    chosen = scenario.approaches[approach]
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "approach": approach,
        "approach_label": chosen.label,
        "ways": {"finding": chosen.finding, "record": chosen.record, "requests": chosen.requests},
        "seed": seed,
        "replication": replication,
        "start": timestamp(SIMULATION_START),
        "days": scenario.days,
        "end_day": times[-1] if times else 0.0,
        "region": {
            "children": scenario.region.children,
            "agencies": run.agencies_by_type,
            "practitioners": {t: round(n) for t, n in run.practitioners_by_type.items()},
            "isa_officers": scenario.workforce.isa_officers,
            "coordinators": run.coordinators.capacity,
            "tac_slots_per_week": run.slots_per_week,
            "federated": chosen.requests == "federated",
        },
        "activities": list(activities),
        "objects": list(objects),
        "qualifiers": list(qualifiers),
        "events": {"t": times, "a": kinds, "o": related, "x": attributes},
        "series": {
            "isa_queue": run.isa.series or [],
            "coordinator_queue": run.coordinators.series or [],
        },
        "measures": figures,
    }


@lru_cache(maxsize=6)
def packed_gzip(scenario_name: str, approach: str, seed: int, replication: int) -> bytes:
    """``packed`` as gzipped JSON, for the last few runs asked for (each takes seconds)."""
    scenario = shipped()[scenario_name]
    document = packed(scenario, approach, seed=seed, replication=replication)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=5)
