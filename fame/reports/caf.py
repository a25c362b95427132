"""CAF reports: started and completed by quarter, open and closed, reviews, times, meetings,
Lead Professionals and the co-ordinator's queue.

Counted from ``CafOverview``, the facts each holding node sends the hub: dates and
agencies, never content, never a name. Counting that the database can do (by quarter and
agency) is done there; facts held as lists on each CAF (reviews, meetings, escalations)
are read only for the CAFs the period touches.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fame.accounts.models import Organisation, OrganisationType, User
from fame.caf.models.hub import CafOverview
from fame.caf.vocabulary import Attendance

from .scope import Scope, next_quarter, quarter_case, quarter_label, quarter_name
from .suppression import is_small
from .tables import Cell, Column, Kind, Table

NOT_KNOWN = "Not known"
TYPES = dict(OrganisationType.choices)


def agency_types() -> dict[str, str]:
    """Each agency ID's type, in words."""
    return {
        a: TYPES.get(t, NOT_KNOWN) for a, t in Organisation.objects.values_list("agency_id", "type")
    }


def _initiated_in(scope: Scope) -> QuerySet[CafOverview]:
    found = CafOverview.objects.all()
    agencies = scope.agency_ids()
    if agencies is not None:
        found = found.filter(initiating_organisation__in=agencies)
    return found


def _by_quarter(scope: Scope, day_field: str) -> dict[tuple[date, str], int]:
    """CAFs whose ``day_field`` falls in the period, by quarter and initiating agency type."""
    types = agency_types()
    counted: dict[tuple[date, str], int] = defaultdict(int)
    quarters = scope.quarters()
    rows = (
        _initiated_in(scope)
        .filter(**{f"{day_field}__range": (scope.since, scope.until)})
        .values("initiating_organisation", at=quarter_case(day_field, quarters))
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        kind = types.get(row["initiating_organisation"], NOT_KNOWN)
        counted[(quarters[row["at"]], kind)] += row["n"]
    return counted


def caf_quarterly(scope: Scope) -> list[dict[str, Any]]:
    """CAFs started and completed in each quarter by initiating agency type, unsuppressed
    (for scripts: ``fame reports caf-quarterly``). Only quarters and types with a CAF."""
    started = _by_quarter(scope, "started_on")
    completed = _by_quarter(scope, "completed_on")
    return [
        {
            "quarter": quarter_name(quarter),
            "initiating_agency_type": kind,
            "started": started.get((quarter, kind), 0),
            "completed": completed.get((quarter, kind), 0),
        }
        for quarter, kind in sorted(set(started) | set(completed))
    ]


def _quarter_table(
    key: str, title: str, counted: dict[tuple[date, str], int], scope: Scope
) -> Table:
    kinds = sorted({kind for _, kind in counted})
    columns = [Column("Quarter", Kind.LABEL), *(Column(k) for k in kinds), Column("Total")]
    rows: list[tuple[Cell, ...]] = []
    for quarter in scope.quarters():
        counts = [counted.get((quarter, k), 0) for k in kinds]
        rows.append((quarter_label(quarter), *counts, sum(counts)))
    return Table(key, title, columns, rows, chart="stacked")


def started_and_completed(scope: Scope) -> list[Table]:
    """The board's CAF quarterly figures: started, and completed, by initiating agency type."""
    return [
        _quarter_table(
            "started",
            "CAFs started, by quarter and initiating agency type",
            _by_quarter(scope, "started_on"),
            scope,
        ),
        _quarter_table(
            "completed",
            "CAFs completed, by quarter and initiating agency type",
            _by_quarter(scope, "completed_on"),
            scope,
        ),
    ]


def open_and_closed(scope: Scope) -> Table:
    """Each quarter: CAFs open at its end, closed in it, and of those stepped up."""
    cafs = _initiated_in(scope)
    rows = []
    for quarter in scope.quarters():
        end = min(date.fromordinal(next_quarter(quarter).toordinal() - 1), scope.until)
        figures = cafs.aggregate(
            open=Count(
                "id",
                filter=Q(started_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end)),
            ),
            closed=Count("id", filter=Q(closed_on__range=(quarter, end))),
            stepped_up=Count("id", filter=Q(closed_on__range=(quarter, end)) & ~Q(referred_to="")),
        )
        rows.append(
            (quarter_label(quarter), figures["open"], figures["closed"], figures["stepped_up"])
        )
    return Table(
        "open-closed",
        "CAFs open at each quarter's end, closed in it, and stepped up to social care",
        [Column("Quarter", Kind.LABEL), Column("Open"), Column("Closed"), Column("Stepped up")],
        rows,
        chart="bars",
    )


def _touching(scope: Scope) -> QuerySet[CafOverview]:
    """CAFs open at some time in the period."""
    return (
        _initiated_in(scope).filter(started_on__lte=scope.until).exclude(closed_on__lt=scope.since)
    )


def reviews(scope: Scope, *, today: date | None = None) -> Table:
    """Reviews due in each quarter: held on time, held late, overdue (not held, date past)."""
    today = today or timezone.localdate()
    counted: dict[date, Counter[str]] = defaultdict(Counter)
    since, until = scope.since.isoformat(), scope.until.isoformat()
    for listed in _touching(scope).exclude(reviews=[]).values_list("reviews", flat=True):
        for review in listed or []:
            due, held = str(review.get("due", "")), str(review.get("held", "") or "")
            if not since <= due <= until:
                continue
            quarter = _quarter(due)
            if held:
                counted[quarter]["on time" if held <= due else "late"] += 1
            elif due < today.isoformat():
                counted[quarter]["overdue"] += 1
            else:
                counted[quarter]["not yet due"] += 1
    rows = [
        (
            quarter_label(q),
            counted[q]["on time"],
            counted[q]["late"],
            counted[q]["overdue"],
            counted[q]["not yet due"],
        )
        for q in scope.quarters()
    ]
    return Table(
        "reviews",
        "Reviews due in each quarter: held on time, held late, and overdue",
        [
            Column("Quarter due", Kind.LABEL),
            Column("Held on time"),
            Column("Held late"),
            Column("Overdue"),
            Column("Not yet due"),
        ],
        rows,
        chart="stacked",
    )


def _quarter(day: str) -> date:
    year, month = int(day[:4]), int(day[5:7])
    return date(year, 3 * ((month - 1) // 3) + 1, 1)


def _median(days: list[int]) -> float | None:
    """The median, left out when it rests on fewer than 5 CAFs (it could point at one)."""
    if not days or is_small(len(days)):
        return None
    return float(statistics.median(days))


def times(scope: Scope) -> Table:
    """For CAFs started in the period, by initiating agency type: the median days from
    starting to the first TAC meeting, and to completion."""
    types = agency_types()
    to_meeting: dict[str, list[int]] = defaultdict(list)
    to_completion: dict[str, list[int]] = defaultdict(list)
    started: Counter[str] = Counter()
    rows_found = (
        _initiated_in(scope)
        .filter(started_on__range=(scope.since, scope.until))
        .values_list("initiating_organisation", "started_on", "first_meeting_on", "completed_on")
    )
    for agency, started_on, first_meeting_on, completed_on in rows_found:
        assert started_on is not None  # the query asks for a start in the period
        kind = types.get(agency, NOT_KNOWN)
        started[kind] += 1
        if first_meeting_on is not None:
            to_meeting[kind].append((first_meeting_on - started_on).days)
        if completed_on is not None:
            to_completion[kind].append((completed_on - started_on).days)
    rows = []
    for kind in sorted(started):
        rows.append(
            (
                kind,
                started[kind],
                len(to_meeting[kind]),
                _median(to_meeting[kind]),
                len(to_completion[kind]),
                _median(to_completion[kind]),
            )
        )
    return Table(
        "times",
        "Days from starting a CAF to its first TAC meeting and to completion (medians)",
        [
            Column("Initiating agency type", Kind.LABEL),
            Column("CAFs started"),
            Column("With a first meeting"),
            Column("Median days to first meeting", Kind.FIGURE),
            Column("Completed"),
            Column("Median days to completion", Kind.FIGURE),
        ],
        rows,
        note="A median resting on fewer than 5 CAFs is not shown.",
    )


def attendance(scope: Scope) -> Table:
    """TAC meetings held in the period: each agency type's attendance, and escalations
    raised about agencies of that type."""
    types = agency_types()
    counted: dict[str, Counter[str]] = defaultdict(Counter)
    since, until = scope.since.isoformat(), scope.until.isoformat()
    listed = _touching(scope).values_list("meetings", "escalations_raised")
    for meetings, escalations in listed:
        for meeting in meetings or []:
            if not since <= str(meeting.get("held_on", "")) <= until:
                continue
            for agency, value in (meeting.get("attendance") or {}).items():
                counted[types.get(str(agency), NOT_KNOWN)][value] += 1
        for escalation in escalations or []:
            if since <= str(escalation.get("raised_on", "")) <= until:
                counted[types.get(str(escalation.get("agency_id", "")), NOT_KNOWN)][
                    "escalated"
                ] += 1
    rows = [
        (
            kind,
            counted[kind][Attendance.ATTENDED],
            counted[kind][Attendance.APOLOGIES],
            counted[kind][Attendance.ABSENT],
            counted[kind]["escalated"],
        )
        for kind in sorted(counted)
    ]
    return Table(
        "attendance",
        "Attendance at TAC meetings held in the period, and escalations, by agency type",
        [
            Column("Agency type", Kind.LABEL),
            Column("Attended"),
            Column("Sent apologies"),
            Column("Did not attend"),
            Column("Escalations raised"),
        ],
        rows,
        chart="stacked",
        charted=("Attended", "Sent apologies", "Did not attend"),
    )


def lead_professionals(scope: Scope) -> Table:
    """CAFs open at the period's end with a Lead Professional, by the Lead Professional's
    agency type: how many Lead Professionals, and how many CAFs they lead."""
    end = scope.until
    open_cafs = _initiated_in(scope).filter(started_on__lte=end).exclude(closed_on__lte=end)
    leads = Counter(
        open_cafs.exclude(lead_professional_username="").values_list(
            "lead_professional_username", flat=True
        )
    )
    kinds = dict(
        User.objects.filter(username__in=list(leads)).values_list("username", "organisation__type")
    )
    people: Counter[str] = Counter()
    cafs: Counter[str] = Counter()
    for username, led in leads.items():
        kind = TYPES.get(kinds.get(username) or "", NOT_KNOWN)
        people[kind] += 1
        cafs[kind] += led
    without = open_cafs.filter(lead_professional_username="").count()
    rows: list[tuple[Any, ...]] = [(kind, people[kind], cafs[kind]) for kind in sorted(people)]
    rows.append(("No Lead Professional yet", 0, without))
    return Table(
        "lead-professionals",
        "Lead Professionals of CAFs open at the period's end, by their agency type",
        [Column("Agency type", Kind.LABEL), Column("Lead Professionals"), Column("CAFs led")],
        rows,
        chart="bars",
        charted=("CAFs led",),
    )


def coordinator_queue(scope: Scope, *, today: date | None = None) -> Table:
    """The co-ordinator's queue today, by area: open CAFs, drafts, reviews overdue, CAFs
    with an open escalation or an overdue action."""
    today = today or timezone.localdate()
    day = today.isoformat()
    counted: dict[str, Counter[str]] = defaultdict(Counter)
    listed = (
        _initiated_in(scope)
        .exclude(status="closed")
        .values_list(
            "holder__local_authority", "status", "review_due", "escalations", "action_due_dates"
        )
    )
    for area, status, review_due, escalations, due_dates in listed:
        counts = counted[area or NOT_KNOWN]
        counts["open"] += 1
        counts["draft"] += status == "draft"
        counts["review overdue"] += review_due is not None and review_due < today
        counts["escalated"] += bool(escalations)
        counts["actions overdue"] += any(str(d) < day for d in due_dates or [])
    rows = [
        (
            area,
            counted[area]["open"],
            counted[area]["draft"],
            counted[area]["review overdue"],
            counted[area]["escalated"],
            counted[area]["actions overdue"],
        )
        for area in sorted(counted)
    ]
    return Table(
        "queue",
        "The co-ordinator's queue today, by area",
        [
            Column("Area", Kind.LABEL),
            Column("Open CAFs"),
            Column("Drafts"),
            Column("Review overdue"),
            Column("With an open escalation"),
            Column("With an overdue action"),
        ],
        rows,
    )


CAF_TABLES: dict[str, Callable[[Scope], list[Table]]] = {
    "started": started_and_completed,
    "completed": started_and_completed,
    "open-closed": lambda scope: [open_and_closed(scope)],
    "reviews": lambda scope: [reviews(scope)],
    "times": lambda scope: [times(scope)],
    "attendance": lambda scope: [attendance(scope)],
    "lead-professionals": lambda scope: [lead_professionals(scope)],
    "queue": lambda scope: [coordinator_queue(scope)],
}
"""Each table by its key, and what makes it (two come from one count)."""
