"""The hub's side of the demo region's history: three years of training sessions and places.

Seed 004 reports CAF and information-sharing training offered to mixed groups
of agencies, month by month, with good take-up. Each session is recorded by
the hub's own action (``record_training_session``) with the clock moved back
to its day, so its audit event is dated then too (ADR 0034). Reproducible for
a seed; played once (a hub with sessions keeps them).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

from .actions import record_training_session
from .models import Organisation, OrganisationType, TrainingCourse, TrainingSession, User

__all__ = ["play_training_history"]

EVERY_DAYS = (21, 42)
"""A session every three to six weeks, across the courses."""


def play_training_history(*, seed: int, today: date, years: int = 3) -> int:
    """Record the training sessions of the last ``years`` years; how many (0 if already there)."""
    if TrainingSession.objects.exists():
        return 0
    rnd = random.Random(f"training-{seed}")  # noqa: S311 - a made-up past, reproducible
    courses = list(TrainingCourse.objects.order_by("code"))
    people = list(User.objects.filter(organisation__isnull=False).order_by("username"))
    offered_by = (
        Organisation.objects.filter(type=OrganisationType.SOCIAL_CARE).order_by("agency_id").first()
    )
    if not courses or not people:
        return 0
    day = today - timedelta(days=365 * years)
    count = 0
    while True:
        day += timedelta(days=rnd.randint(*EVERY_DAYS))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        if day >= today:
            return count
        places = rnd.choice((12, 16, 20))
        chosen = rnd.sample(people, k=min(len(people), rnd.randint(places // 2, places)))
        when = datetime.combine(day, time(17), tzinfo=ZoneInfo(settings.TIME_ZONE))
        with time_machine.travel(when, tick=False):
            record_training_session(
                course=rnd.choice(courses),
                held_on=day,
                places=places,
                offered_by=offered_by,
                venue="Children's Services training room",
                taken={user: rnd.random() < 0.85 for user in chosen},
                by=None,
            )
        count += 1
