"""Plan a demo region's CAF history: which agencies start CAFs, when, and how each one goes.

Pure: no models. The plan is a function of the region (``fame synth``'s
``region.json`` and ``truth.csv``) and a seed, so every node of a demo region
makes the same plan and plays only the CAFs its own agencies started
(``fame.caf.node.history``). The shape follows seed 004, a Children's Trust
board report: CAFs per quarter grew over three years (13, 11, 3, 21 in the
first; 46, 49, 30, 54 in the third) with a dip each summer, and schools
started the most, then health, early years, social care, youth services,
police and voluntary organisations (ADR 0034).
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

__all__ = [
    "AGENCY_MIX",
    "CAFS_PER_10K_A_YEAR",
    "QUARTER_SHAPE",
    "CafStory",
    "Meeting",
    "plan_history",
    "read_truth",
]

CAFS_PER_10K_A_YEAR = 150
"""About 150 CAFs a year for every 10,000 children (chosen so that the demo's quarters have CAFs to
count; seed 004's area ran well below)."""

QUARTER_SHAPE: tuple[int, ...] = (13, 11, 3, 21, 16, 8, 14, 9, 46, 49, 30, 54)
"""Seed 004's CAFs per quarter, January 2007 to December 2009: the shape of three years."""

AGENCY_MIX: dict[str, float] = {
    "school": 0.40,
    "health": 0.20,
    "early_years": 0.12,
    "social_care": 0.08,
    "youth": 0.08,
    "police": 0.06,
    "voluntary": 0.06,
}
"""Who starts CAFs: schools the most (seed 004 names education, primary health, police and
the local authority's front line as the agencies CAF touches most)."""

MIX_TYPES: dict[str, tuple[str, ...]] = {
    "school": ("school",),
    "health": ("health_trust", "gp_practice"),
    "early_years": ("early_years",),
    "social_care": ("social_care",),
    "youth": ("youth_service", "youth_offending"),
    "police": ("police",),
    "voluntary": ("voluntary",),
}
"""Each group of the mix and the organisation types (``OrganisationType``) it counts."""


@dataclass(frozen=True)
class Meeting:
    """A Team Around the Child meeting to play: its day, who comes, the review it sets."""

    held_on: date
    attendance: dict[str, str]  # invitee username -> attended, apologies or absent
    next_review_on: date
    review_made_on: date | None  # the review version that follows, if it has happened
    escalate: tuple[str, ...] = ()  # usernames of absentees the Lead Professional escalates


@dataclass(frozen=True)
class CafStory:
    """One CAF's life, from its start to its closure as far as today allows."""

    agency_id: str
    local_id: str
    assessor: str
    started_on: date
    completed_on: date | None
    invitees: tuple[str, ...]
    lead_professional: str
    meetings: tuple[Meeting, ...] = field(default=())
    closed_on: date | None = None
    stepped_up_to: str = ""


def read_truth(region_dir: Path) -> dict[tuple[str, str], str]:
    """Each agency record's child, from ``truth.csv``: (agency_id, local_id) -> child key."""
    with (region_dir / "truth.csv").open(newline="", encoding="utf-8") as f:
        return {(r["agency_id"], r["local_id"]): r["child_key"] for r in csv.DictReader(f)}


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _quarters(today: date, count: int) -> list[date]:
    """The first days of the ``count`` whole quarters before the one ``today`` is in."""
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    out = []
    for _ in range(count):
        month = start.month - 3
        start = date(start.year - (month < 1), month + 12 * (month < 1), 1)
        out.append(start)
    return out[::-1]


def plan_history(
    region: dict[str, Any],
    truth: dict[tuple[str, str], str],
    *,
    seed: int,
    today: date,
    years: int = 3,
    per_10k_a_year: float = CAFS_PER_10K_A_YEAR,
) -> list[CafStory]:
    """Every CAF of the region's last ``years`` years, in the order they started."""
    rnd = random.Random(seed)  # noqa: S311 - a made-up past, reproducible for a seed
    organisations = {o["agency_id"]: o for o in region["organisations"]}
    staff: dict[str, list[str]] = defaultdict(list)
    for p in region["practitioners"]:
        if "practitioner" in p.get("roles", []):
            staff[p["organisation"]].append(p["username"])
    records: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (agency_id, local_id), child in sorted(truth.items()):
        if staff.get(agency_id):
            records[agency_id].append(local_id)
            children[child].append((agency_id, local_id))
    child_of = truth
    by_group = {
        g: sorted(a for a, o in organisations.items() if o["type"] in types and records.get(a))
        for g, types in MIX_TYPES.items()
    }
    groups = [g for g in AGENCY_MIX if by_group[g]]
    weights = [AGENCY_MIX[g] for g in groups]
    social_care = by_group["social_care"]

    total = round(per_10k_a_year * years * int(region["children"]) / 10_000)
    quarters = _quarters(today, 4 * years)
    # Each quarter weighs as seed 004's quarter of the same season in the same year of three.
    shape = [
        QUARTER_SHAPE[4 * (3 * i // len(quarters)) + (q.month - 1) // 3]
        for i, q in enumerate(quarters)
    ]
    starts = sorted(
        _weekday(q + timedelta(days=rnd.randrange(90)))
        for q in rnd.choices(quarters, weights=shape, k=total)
    )
    used: set[tuple[str, str]] = set()
    stories: list[CafStory] = []
    for started_on in starts:
        if started_on >= today:
            continue
        agency_id = rnd.choice(by_group[rnd.choices(groups, weights=weights)[0]])
        free = [r for r in records[agency_id] if (agency_id, r) not in used]
        if not free:
            continue
        local_id = rnd.choice(free)
        used.add((agency_id, local_id))
        assessor = rnd.choice(staff[agency_id])
        others = sorted({a for a, _ in children[child_of[(agency_id, local_id)]] if a != agency_id})
        if len(others) < 2:  # the agencies a child has, and those a CAF brings in
            extra = sorted(set(organisations) - {agency_id, *others})
            others += rnd.sample(extra, k=min(len(extra), rnd.randint(1, 2)))
        invitees = (assessor, *(rnd.choice(staff[a]) for a in others[:4] if staff.get(a)))
        stories.append(
            _story(rnd, agency_id, local_id, assessor, started_on, invitees, social_care, today)
        )
    return stories


def _story(
    rnd: random.Random,
    agency_id: str,
    local_id: str,
    assessor: str,
    started_on: date,
    invitees: tuple[str, ...],
    social_care: list[str],
    today: date,
) -> CafStory:
    """How one CAF goes: most are completed, most completed ones have a team that meets and
    reviews, and most of those close once needs are met; some step up to social care."""
    story = CafStory(agency_id, local_id, assessor, started_on, None, invitees, assessor)
    if rnd.random() > 0.88:
        return story  # never completed: it stays a draft
    completed_on = _weekday(started_on + timedelta(days=rnd.randint(5, 50)))
    if completed_on >= today:
        return story
    lead = assessor if rnd.random() < 0.7 else rnd.choice(invitees)
    meetings: list[Meeting] = []
    day = completed_on
    for n in range(rnd.choice((0, 1, 1, 2, 2, 3, 3, 4)) if rnd.random() < 0.8 else 0):
        held_on = _weekday(day + timedelta(days=rnd.randint(7, 35) if n == 0 else 0))
        if held_on >= today:
            break
        attendance = {u: _attendance(rnd) for u in invitees}
        attendance[lead] = "attended"
        absent = tuple(u for u, a in attendance.items() if a == "absent" and rnd.random() < 0.4)
        review = _weekday(held_on + timedelta(weeks=rnd.randint(6, 12)))
        made = _weekday(review + timedelta(days=rnd.randint(-7, 21)))
        meetings.append(
            Meeting(held_on, attendance, review, made if made < today else None, absent)
        )
        if made >= today:
            break
        day = made
    closed_on, stepped_up_to = None, ""
    if meetings and meetings[-1].review_made_on is not None:
        closed_on = _weekday(meetings[-1].review_made_on + timedelta(days=rnd.randint(0, 14)))
    elif not meetings:
        closed_on = _weekday(completed_on + timedelta(days=rnd.randint(30, 120)))
    if closed_on is not None and closed_on >= today:
        closed_on = None
    if closed_on is not None and social_care and rnd.random() < 0.15:
        stepped_up_to = rnd.choice(social_care)
    return CafStory(
        agency_id,
        local_id,
        assessor,
        started_on,
        completed_on,
        invitees,
        lead,
        tuple(meetings),
        closed_on,
        stepped_up_to if stepped_up_to != agency_id else "",
    )


def _attendance(rnd: random.Random) -> str:
    roll = rnd.random()
    return "attended" if roll < 0.72 else "apologies" if roll < 0.87 else "absent"
