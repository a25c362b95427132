"""The hub's searches and records opened in a demo region's history, over its three years.

Practitioners who work with children search the Child Index for a child they
are about to work with (by family name and date of birth, sometimes with a
given name and postcode) and open about two results in three with a stated
purpose. Each search and opening is done by the pages' own code beneath the
form (``fame.index.looking``: sharing decisions, disclosure records and the
audit event) with the clock moved back to its moment (time-machine), so the
usage reports count them where they happened (ADR 0034). A modest number,
about one search for every six children the index knows, up to 400;
reproducible from the region's seed. Once: a hub with a search audited before
today keeps its past.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

from fame.accounts.facilitated import ActingAs
from fame.accounts.models import User
from fame.accounts.permissions import can
from fame.audit.models import AuditEvent

from .looking import audited_search, record_opened
from .models import Person, SourceRecord
from .queries import SearchQuery

__all__ = ["PlannedSearch", "plan_searches", "play_search_history", "searchers"]

YEARS = 3
PER_CHILD = 1 / 6
MOST = 400
OPENED = 2 / 3
PURPOSE_WEIGHTS = {
    "service_coordination": 4,
    "early_help": 4,
    "safeguarding": 1,
    "education_welfare": 2,
    "health_care": 2,
}


@dataclass(frozen=True)
class PlannedSearch:
    """One search: when, by whom, for which record's child, and the purpose if one is opened."""

    at: datetime
    username: str
    record_id: int
    with_name: bool
    purpose: str


def searchers() -> list[User]:
    """The practitioners who may search the index (those who work with children)."""
    users = User.objects.filter(organisation__isnull=False, is_active=True).order_by("username")
    return [u for u in users.select_related("organisation") if can(u, "work_with_children")]


def plan_searches(
    record_ids: list[int], usernames: list[str], *, seed: int, today: date
) -> list[PlannedSearch]:
    """Decide, reproducibly for ``seed``, who searches for whom and when, in time order. Pure:
    it reads only what it is given."""
    rnd = random.Random(f"searches-{seed}")  # noqa: S311 - a made-up past, reproducible
    if not record_ids or not usernames:
        return []
    zone = ZoneInfo(settings.TIME_ZONE)
    first = today - timedelta(days=365 * YEARS)
    planned = []
    purposes, weights = zip(*PURPOSE_WEIGHTS.items(), strict=True)
    for _ in range(min(MOST, max(1, round(len(record_ids) * PER_CHILD)))):
        day = first + timedelta(days=rnd.randrange((today - first).days))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        at = datetime.combine(day, time(rnd.randint(9, 16), rnd.randrange(60)), tzinfo=zone)
        opened = rnd.random() < OPENED
        planned.append(
            PlannedSearch(
                at=at,
                username=rnd.choice(usernames),
                record_id=rnd.choice(record_ids),
                with_name=rnd.random() < 0.5,
                purpose=rnd.choices(purposes, weights)[0] if opened else "",
            )
        )
    return sorted(planned, key=lambda p: p.at)


def already_played(today: date) -> bool:
    """A hub with a search audited before today has a past of its own."""
    start = datetime.combine(today, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return AuditEvent.objects.filter(action="index.search", time__lt=start).exists()


def play_search_history(*, seed: int, today: date) -> tuple[int, int]:
    """Play the searches and openings of the region's past; (searches, records opened)."""
    if already_played(today):
        return 0, 0
    by_name = {u.username: u for u in searchers()}
    # One record a child: the first the index received for each person.
    first: dict[int, int] = {}
    rows = SourceRecord.objects.exclude(date_of_birth=None).order_by("id")
    for record_id, person_id in rows.values_list("id", "person_id"):
        first.setdefault(person_id, record_id)
    record_ids = sorted(first.values())
    plan = plan_searches(record_ids, sorted(by_name), seed=seed, today=today)
    records = SourceRecord.objects.in_bulk([p.record_id for p in plan])
    searches = opened = 0
    for p in plan:
        record = records[p.record_id]
        data = record.data
        query = SearchQuery(
            family_name=str(data.get("family_name", "")),
            given_name=str(data.get("given_name", "")) if p.with_name else "",
            date_of_birth=record.date_of_birth,
            postcode=record.postcode if p.with_name else "",
        )
        user = by_name[p.username]
        with time_machine.travel(p.at, tick=False):
            found, people = audited_search(query, who=ActingAs.of(user), mfa=True)
        searches += 1
        if p.purpose and found:
            person: Person = people[found[0].person_id]
            with time_machine.travel(p.at + timedelta(minutes=1), tick=False):
                record_opened(
                    person, by=user, purpose=p.purpose, query=query.as_audit(), shown=len(found)
                )
            opened += 1
    return searches, opened
