"""The hub's part of the demo's history (consents, searches and records opened, detail
requests shared and refused) is played through the hub's own code, reproducibly, once,
and the usage report counts it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.federation.history import play_detail_requests
from fame.federation.models import DetailRequest, DetailRequestStatus
from fame.index.history import plan_searches, play_search_history, searchers
from fame.index.models import SourceRecord
from fame.reports.scope import Scope, quarters_between
from fame.reports.usage import activity, detail_outcomes, purposes
from fame.sharing.history import play_consent_history

pytestmark = pytest.mark.django_db

SEED = 11  # the demo_history fixture's


def _record_ids() -> list[int]:
    first: dict[int, int] = {}
    rows = SourceRecord.objects.exclude(date_of_birth=None).order_by("id")
    for record_id, person_id in rows.values_list("id", "person_id"):
        first.setdefault(person_id, record_id)
    return sorted(first.values())


def _column(table, name: str) -> int:
    i = table.headings.index(name)
    return sum(row[i] for row in table.rows)


def test_the_searches_are_the_seeds_and_played_once(demo_history) -> None:
    today = timezone.localdate()
    users = sorted(u.username for u in searchers())
    plan = plan_searches(_record_ids(), users, seed=SEED, today=today)
    assert plan == plan_searches(_record_ids(), users, seed=SEED, today=today)
    assert plan != plan_searches(_record_ids(), users, seed=SEED + 1, today=today)
    assert 20 <= len(plan) <= 400
    assert plan[0].at.date() >= today - timedelta(days=3 * 365 + 3)
    start = datetime.combine(today, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    played = AuditEvent.objects.filter(action="index.search", time__lt=start)
    assert played.count() == len(plan)  # every planned search, audited on its day
    # Once: not again, nor the consents or the detail requests.
    requests = DetailRequest.objects.count()
    assert play_search_history(seed=SEED, today=today) == (0, 0)
    assert play_consent_history(seed=SEED, today=today) == (0, 0)
    assert play_detail_requests(seed=SEED) == Counter()
    assert played.count() == len(plan)
    assert DetailRequest.objects.count() == requests


def test_the_usage_report_counts_the_played_history(demo_history) -> None:
    today = timezone.localdate()
    years = Scope(today - timedelta(days=3 * 365 + 7), today)
    table = activity(years)
    assert _column(table, "Searches") > 0
    assert _column(table, "Records opened") > 0
    assert _column(table, "Consents given") > 0
    assert _column(table, "Detail requests") > 0
    assert sum(row[1] for row in purposes(years).rows) == _column(table, "Records opened")
    # Detail requests are asked now: both outcomes in the current quarter.
    quarter = Scope(quarters_between(today, today)[0], today)
    outcomes = detail_outcomes(quarter)
    shared = _column(outcomes, "Information released") + _column(
        outcomes, "Some information released"
    )
    assert shared > 0
    assert _column(outcomes, "Refused") > 0
    assert set(DetailRequest.objects.values_list("status", flat=True)) <= {
        DetailRequestStatus.RELEASED,
        DetailRequestStatus.PARTLY_RELEASED,
        DetailRequestStatus.REFUSED,
    }
