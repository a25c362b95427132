"""The hub's consents in a demo region's history: given as each CAF started, a few withdrawn.

A family agrees to a CAF and, with it, to sharing its assessment with the
agencies around the child; the assessor records that consent at the hub on the
day the CAF started. About one family in twelve later withdraws it. Each is
recorded by the hub's own actions (``record_consent``, ``withdraw_consent``)
with the clock moved back to its day, so the audit log dates them then
(ADR 0034). Played from the CAF facts the hub already holds, so only where
the index knows the children (a region on one process: tests, benchmarks).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

from fame.accounts.models import User

from .actions import record_consent, withdraw_consent
from .models import Consent

__all__ = ["play_consent_history"]

WITHDRAWN = 1 / 12


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


def play_consent_history(*, seed: int, today: date) -> tuple[int, int]:
    """Record the consents of the CAFs the hub knows of; (given, withdrawn). Once: a hub that
    has consents already keeps them, and (0, 0) is returned."""
    from fame.caf.models import CafOverview

    if Consent.objects.exists():
        return 0, 0
    rnd = random.Random(f"consents-{seed}")  # noqa: S311 - a made-up past, reproducible
    users = {u.username: u for u in User.objects.filter(organisation__isnull=False)}
    given = withdrawn = 0
    overviews = CafOverview.objects.select_related("person", "holder")
    for o in overviews.exclude(person=None).exclude(started_on=None).order_by("started_on", "caf"):
        assessor = users.get(o.assessor)
        if assessor is None or o.person is None or o.started_on is None:
            continue
        # The agencies around the child: the holder and those invited to its meetings.
        agencies = {o.holder.agency_id} | {a for m in o.meetings for a in m["attendance"]}
        with time_machine.travel(_at(o.started_on, 9), tick=False):
            consent = record_consent(
                child_ref=str(o.person.uid),
                grantor=rnd.choice(("parent", "parent", "carer", "child")),
                decision="permit",
                organisations=sorted(agencies),
                purposes=["early_help"],
                data_categories=["assessment"],
                in_force_from=o.started_on,
                recorded_how=rnd.choice(("written", "verbal", "electronic")),
                by=assessor,
            )
        given += 1
        if rnd.random() < WITHDRAWN:
            later = o.started_on + timedelta(days=rnd.randint(20, 200))
            if later < today:
                with time_machine.travel(_at(later, 11), tick=False):
                    withdraw_consent(consent=consent, by=assessor)
                withdrawn += 1
    return given, withdrawn
