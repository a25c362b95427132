"""The cases of a simulated run, as a guided story follows them.

A case is one CAF and the concern that led to it: the concern noticed, the search
for who is involved (and the record it opened), then every event that names the
CAF. The run's event log links them: a CAF is started by the practitioner who
noticed the concern about the same child. Cases are read from the run the views
play (``playback``), so a step's moment is a moment those views can show.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from ..events import SIMULATION_START
from ..playback import packed_gzip
from .story import CaseRule


@dataclass(frozen=True)
class Happening:
    """One event of a case's journey."""

    t: float
    activity: str
    objects: dict[str, str]  # id: qualifier
    attributes: dict[str, Any]

    def with_qualifier(self, qualifier: str) -> str:
        return next((i for i, q in self.objects.items() if q == qualifier), "")


@dataclass(frozen=True)
class Case:
    child: str
    caf: str
    practitioner: str
    noticed_by: str  # agency type
    journey: tuple[Happening, ...]

    @property
    def activities(self) -> set[str]:
        return {h.activity for h in self.journey}

    def first(self, activity: str) -> Happening | None:
        return next((h for h in self.journey if h.activity == activity), None)


def _happenings(document: dict[str, Any]) -> list[Happening]:
    events = document["events"]
    names, objects, qualifiers = (
        document["activities"],
        document["objects"],
        document["qualifiers"],
    )
    happenings = []
    for i, (t, a, flat) in enumerate(zip(events["t"], events["a"], events["o"], strict=True)):
        related = {objects[flat[k]]: qualifiers[flat[k + 1]] for k in range(0, len(flat), 2)}
        happenings.append(Happening(t, names[a], related, events["x"].get(str(i), {})))
    return happenings


def run_document(scenario: str, approach: str, seed: int, replication: int) -> dict[str, Any]:
    """The run as the views load it (``playback``; the last few are kept)."""
    body = packed_gzip(scenario, approach, seed, replication)
    document: dict[str, Any] = json.loads(gzip.decompress(body))
    return document


@lru_cache(maxsize=8)
def cases_of(scenario: str, approach: str, seed: int, replication: int) -> tuple[Case, ...]:
    """Every case of the run, in the order their concerns were noticed."""
    happenings = _happenings(run_document(scenario, approach, seed, replication))
    concerns: dict[tuple[str, str], list[Happening]] = {}
    by_caf: dict[str, list[Happening]] = {}
    searches: dict[tuple[str, str], list[Happening]] = {}
    for h in happenings:
        if h.activity == "concern noticed":
            key = (h.with_qualifier("child"), h.with_qualifier("noticed by"))
            concerns.setdefault(key, []).append(h)
        elif h.activity in ("find who is involved", "record opened"):
            who = h.with_qualifier("searcher") or h.with_qualifier("by")
            searches.setdefault((h.with_qualifier("child"), who), []).append(h)
        caf = h.with_qualifier("assessment")
        if caf:
            by_caf.setdefault(caf, []).append(h)
    cases = []
    for caf, journey in by_caf.items():
        started = journey[0]
        child, assessor = started.with_qualifier("child"), started.with_qualifier("assessor")
        earlier = [c for c in concerns.get((child, assessor), []) if c.t <= started.t]
        if not earlier:
            continue
        concern = earlier[-1]
        finding = [s for s in searches.get((child, assessor), []) if concern.t <= s.t <= started.t]
        cases.append(
            Case(
                child=child,
                caf=caf,
                practitioner=assessor,
                noticed_by=str(concern.attributes.get("agency_type", "")),
                journey=(concern, *finding, *journey),
            )
        )
    return tuple(sorted(cases, key=lambda case: case.journey[0].t))


def chosen(rule: CaseRule, cases: tuple[Case, ...]) -> Case | None:
    """The first case the rule picks, if any."""
    for case in cases:
        if rule.noticed_by is not None and case.noticed_by != rule.noticed_by:
            continue
        if set(rule.reached) <= case.activities:
            return case
    return None


def rule_in_words(rule: CaseRule) -> str:
    """ "the first CAF raised by a health practitioner that reached TAC meeting held"."""
    words = "the first CAF"
    if rule.noticed_by:
        words += f" raised by a {rule.noticed_by.replace('_', ' ')} practitioner"
    if rule.reached:
        words += " whose journey reached " + " and ".join(f"“{a}”" for a in rule.reached)
    return words


def moment_of(t: float) -> datetime:
    return SIMULATION_START + timedelta(days=t)


def day_in_words(t: float, days: int) -> str:
    """As the views' clock says it, in UTC: "Day 34 of 365: Tue 3 Feb 2026, 14:05 UTC"."""
    moment = moment_of(t)
    return f"Day {int(t) + 1} of {days}: {moment:%a} {moment.day} {moment:%b %Y, %H:%M} UTC"
