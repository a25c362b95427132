"""Model against reality: the directly-follows graph of each event log, what one has that
the other lacks, and each step's time in reality beside the model's, with a test of
whether they differ.

A log's trace is what happened to one object (by default each child case), in
time order; a transition is one activity followed directly by another in a
trace, with the days between them. For every transition both logs have, the two
samples of days are compared with the two-sample Kolmogorov-Smirnov test
(scipy): a small p-value says reality's timing differs from the model's.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from statistics import fmean
from typing import Any

from scipy.stats import ks_2samp


class LogError(ValueError):
    """The file is not a usable OCEL 2.0 JSON log; the message says why, in one line."""


Transitions = dict[tuple[str, str], list[float]]

SIGNIFICANCE = 0.05


def read_log(path: Path) -> dict[str, Any]:
    """A real OCEL 2.0 JSON log, or a one-line refusal saying what is wrong with it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LogError(f"There is no log file {path}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError, IsADirectoryError):
        raise LogError(f"{path} is not an OCEL 2.0 JSON log.") from None
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("events"), list)
        or not isinstance(document.get("objects"), list)
    ):
        raise LogError(
            f'{path} is not an OCEL 2.0 JSON log: it needs "events" and "objects" lists.'
        )
    try:
        for event in document["events"]:
            datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00"))
            [r["objectId"] for r in event["relationships"]]
            str(event["type"])
        [(o["id"], o["type"]) for o in document["objects"]]
    except (KeyError, TypeError, ValueError):
        raise LogError(
            f"{path} is not an OCEL 2.0 JSON log: an event or object lacks its id, type, "
            "time or relationships."
        ) from None
    return document


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def directly_follows(document: dict[str, Any], object_type: str = "child case") -> Transitions:
    """Each transition of ``document``'s traces of ``object_type``, with its days."""
    kinds = {o["id"]: o["type"] for o in document.get("objects", [])}
    traces: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for event in document.get("events", []):
        for relation in event.get("relationships", []):
            if kinds.get(relation["objectId"]) == object_type:
                traces[relation["objectId"]].append((_moment(event["time"]), event["type"]))
    found: Transitions = defaultdict(list)
    for trace in traces.values():
        trace.sort(key=lambda step: step[0])
        for (at, before), (then, after) in itertools.pairwise(trace):
            found[(before, after)].append((then - at).total_seconds() / 86_400)
    return dict(found)


def _graph(transitions: Transitions) -> dict[str, Any]:
    activities = sorted({a for pair in transitions for a in pair})
    return {
        "activities": activities,
        "transitions": [
            {"from": a, "to": b, "count": len(days), "mean_days": round(fmean(days), 3)}
            for (a, b), days in sorted(transitions.items())
        ],
    }


def conformance(
    model: dict[str, Any], real: dict[str, Any], *, object_type: str = "child case"
) -> dict[str, Any]:
    """The comparison ``fame demonstrator conform`` prints (as JSON with ``--json``)."""
    modelled, seen = directly_follows(model, object_type), directly_follows(real, object_type)
    both = sorted(set(modelled) & set(seen))
    parameters = []
    for pair in both:
        entry: dict[str, Any] = {
            "from": pair[0],
            "to": pair[1],
            "model_mean_days": round(fmean(modelled[pair]), 3),
            "real_mean_days": round(fmean(seen[pair]), 3),
            "model_n": len(modelled[pair]),
            "real_n": len(seen[pair]),
            "p_value": None,
            "differ": None,
        }
        if len(modelled[pair]) >= 2 and len(seen[pair]) >= 2:
            p_value = float(ks_2samp(modelled[pair], seen[pair]).pvalue)
            entry["p_value"] = round(p_value, 4)
            entry["differ"] = p_value < SIGNIFICANCE
        parameters.append(entry)
    return {
        "object_type": object_type,
        "model": _graph(modelled),
        "real": _graph(seen),
        "only_in_real": [{"from": a, "to": b} for a, b in sorted(set(seen) - set(modelled))],
        "only_in_model": [{"from": a, "to": b} for a, b in sorted(set(modelled) - set(seen))],
        "parameters": parameters,
    }
