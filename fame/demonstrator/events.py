"""The demonstrator's event log, written as OCEL 2.0 (object-centric event log, JSON).

Simulated and real activity share one vocabulary of activities and object types,
so that the same process-mining tools (pm4py, ProM, Celonis) read either and
``conform`` can set one beside the other. Each event names the objects it
concerns, each with a qualifier saying how ("child", "assessor", "answered by").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

OBJECT_TYPES = {
    "child": "child case",
    "practitioner": "practitioner",
    "caf": "CAF",
    "meeting": "TAC meeting",
    "request": "request",
    "node": "node",
    "agency": "agency",
    "log": "audit log",
}
"""An object's id starts with its kind ("caf-12"); the kind names its OCEL object type."""

SIMULATION_START = datetime(2027, 1, 4, tzinfo=UTC)
"""Day 0 of a simulated run: a Monday, so that "day 7" reads as a date a week on."""

_OCEL_TYPE = {bool: "boolean", int: "integer", float: "float", str: "string"}


def object_type(object_id: str) -> str:
    return OBJECT_TYPES[object_id.split("-", 1)[0]]


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Recorder:
    """Collects events of a simulated run (day numbers from ``start``) when enabled."""

    def __init__(self, *, enabled: bool = True, start: datetime = SIMULATION_START) -> None:
        self.enabled = enabled
        self.start = start
        self.events: list[tuple[str, float, Mapping[str, str], dict[str, Any]]] = []

    def event(
        self, activity: str, day: float, objects: Mapping[str, str], **attributes: Any
    ) -> None:
        if self.enabled:
            self.events.append((activity, day, objects, attributes))

    def timed(self) -> Iterable[tuple[str, datetime, Mapping[str, str], dict[str, Any]]]:
        for activity, day, objects, attributes in sorted(self.events, key=lambda e: e[1]):
            yield activity, self.start + timedelta(days=day), objects, attributes


def ocel_document(
    events: Iterable[tuple[str, datetime, Mapping[str, str], dict[str, Any]]],
) -> dict[str, Any]:
    """An OCEL 2.0 JSON document of ``events``, each (activity, time, {object id: qualifier},
    attributes)."""
    event_types: dict[str, dict[str, str]] = {}
    objects: dict[str, str] = {}
    written = []
    for number, (activity, moment, related, attributes) in enumerate(events, start=1):
        declared = event_types.setdefault(activity, {})
        for name, value in attributes.items():
            declared.setdefault(name, _OCEL_TYPE.get(type(value), "string"))
        for object_id in related:
            objects.setdefault(object_id, object_type(object_id))
        written.append(
            {
                "id": f"e{number}",
                "type": activity,
                "time": timestamp(moment),
                "attributes": [{"name": k, "value": v} for k, v in attributes.items()],
                "relationships": [
                    {"objectId": object_id, "qualifier": qualifier}
                    for object_id, qualifier in related.items()
                ],
            }
        )
    return {
        "objectTypes": [{"name": name, "attributes": []} for name in sorted(set(objects.values()))],
        "eventTypes": [
            {
                "name": name,
                "attributes": [{"name": k, "type": t} for k, t in sorted(attributes.items())],
            }
            for name, attributes in sorted(event_types.items())
        ],
        "objects": [
            {"id": object_id, "type": kind, "attributes": [], "relationships": []}
            for object_id, kind in sorted(objects.items())
        ],
        "events": written,
    }


def write_ocel(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
