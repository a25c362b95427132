"""Records archive at the 18th birthday (25 with recorded consent) and are purged later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fame.audit import record_event

from .models import Person


@dataclass(frozen=True)
class RetentionResult:
    archived: int
    purged: int


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return born.replace(year=born.year + years, day=28)


def apply_retention(*, today: date | None = None) -> RetentionResult:
    """Archive people who are grown up; purge archives older than the retention period."""
    today = today or timezone.localdate()
    keep_years = getattr(settings, "FAME_RETENTION_YEARS", 6)
    archived = purged = 0
    with transaction.atomic():
        live = Person.objects.filter(archived_on__isnull=True).prefetch_related("records")
        for person in live.iterator(chunk_size=2000):
            births = [r.date_of_birth for r in person.records.all() if r.date_of_birth]
            if not births:
                continue
            age_out = _birthday(max(births), 25 if person.retain_to_25 else 18)
            if age_out <= today:
                person.archived_on = today
                person.save(update_fields=["archived_on"])
                archived += 1
        cutoff = _birthday(today, -keep_years)
        old = Person.objects.filter(archived_on__lte=cutoff)
        purged = old.count()
        old.delete()
        record_event(
            "index.retention_applied",
            target="child-index",
            details={"today": today.isoformat(), "archived": archived, "purged": purged},
        )
    return RetentionResult(archived, purged)
