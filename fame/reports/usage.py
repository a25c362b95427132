"""Use of the index and of sharing: searches, records opened and why, detail requests and
their outcomes, safeguarding overrides, consents, facilitated access, and the identity-match
review queue.

Counted from the audit log (what people did, under the action names the index, sharing
and federation record), the hub's detail requests and its review items. Never a child:
a row is a quarter, a purpose or an outcome.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.federation.models import DetailRequest, DetailRequestStatus, Purpose
from fame.index.models import ReviewItem, ReviewStatus

from .scope import Scope, next_quarter, quarter_case, quarter_label
from .suppression import is_small
from .tables import Cell, Column, Kind, Table

SEARCH = "index.search"
OPENED = "index.record_opened"
REQUESTED = "federation.detail_requested"
CONSENT = "sharing.consent_recorded"
WITHDRAWN = "sharing.consent_withdrawn"
FACILITATED = "access.facilitated_started"
ACTIONS = (SEARCH, OPENED, REQUESTED, CONSENT, WITHDRAWN, FACILITATED)
"""The audited actions these reports count (fame/index, fame/federation, fame/sharing,
fame/accounts' facilitated access: an ISA officer starting to act for a practitioner)."""

COUNTED = {
    "Searches": SEARCH,
    "Records opened": OPENED,
    "Detail requests": REQUESTED,
    "Safeguarding overrides": "overrides",
    "Consents given": "given",
    "Consents refused": "refused",
    "Consents withdrawn": WITHDRAWN,
    "Facilitated access": FACILITATED,
}
"""Each column of the activity table and what it counts: an action, or a figure read from
the details of the rarer actions (``_from_details``)."""


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events(scope: Scope) -> QuerySet[AuditEvent]:
    """The counted events in the period by the agencies in scope, successful ones only."""
    found = AuditEvent.objects.filter(
        action__in=ACTIONS,
        time__gte=_moment(scope.since),
        time__lt=_moment(scope.until + timedelta(days=1)),
        outcome="success",
    )
    agencies = scope.agency_ids()
    if agencies is not None:
        found = found.filter(organisation__in=agencies)
    return found


def activity(scope: Scope) -> Table:
    """Each quarter: searches, records opened, detail requests, overrides, consents and
    facilitated access. Counted by action and quarter from the audit log's index of
    actions by time; event details are read only for the rarer actions that carry what
    is counted (overrides, consents' decisions)."""
    quarters = scope.quarters()
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for i, quarter in enumerate(quarters):  # a range of the index each: no work per row
        last = date.fromordinal(next_quarter(quarter).toordinal() - 1)
        part = replace(scope, since=max(quarter, scope.since), until=min(last, scope.until))
        by_action = events(part).values_list("action").annotate(n=Count("*")).order_by()
        for action, n in by_action:
            counts[(i, action)] = n
    found = events(scope).annotate(quarter=quarter_case("time", quarters, _moment))
    rare = (
        found.filter(action__in=(REQUESTED, CONSENT))
        .values("quarter")
        .annotate(
            overrides=Count("seq", filter=Q(action=REQUESTED, details__override_reason__gt="")),
            given=Count("seq", filter=Q(action=CONSENT, details__decision="permit")),
            refused=Count("seq", filter=Q(action=CONSENT, details__decision="deny")),
        )
    )
    for row in rare.order_by():
        for key in ("overrides", "given", "refused"):
            counts[(row["quarter"], key)] = row[key]
    rows: list[tuple[Cell, ...]] = [
        (quarter_label(q), *(counts[(i, key)] for key in COUNTED.values()))
        for i, q in enumerate(quarters)
    ]
    return Table(
        "activity",
        "Searches, records opened, detail requests, overrides, consents and facilitated access",
        [Column("Quarter", Kind.LABEL), *(Column(name) for name in COUNTED)],
        rows,
        chart="bars",
        charted=("Searches", "Records opened", "Detail requests"),
        note="Facilitated access counts the times an information-sharing officer began "
        "acting for a practitioner without an account.",
    )


def purposes(scope: Scope) -> Table:
    """Records opened by the purpose the practitioner gave."""
    names = dict(Purpose.choices)
    counted = (
        events(scope)
        .filter(action=OPENED)
        .values(purpose=KT("details__purpose"))
        .annotate(n=Count("seq"))
        .order_by()
    )
    by_purpose = {r["purpose"] or "": r["n"] for r in counted}
    rows = [(names[key], by_purpose.pop(key, 0)) for key in names]
    for key, n in sorted(by_purpose.items()):
        rows.append((key or "Not stated", n))
    return Table(
        "purposes",
        "Records opened, by the purpose stated",
        [Column("Purpose stated", Kind.LABEL), Column("Records opened")],
        rows,
        chart="bars",
    )


def detail_outcomes(scope: Scope) -> Table:
    """Detail requests made in the period, by purpose and by outcome, with overrides."""
    found = DetailRequest.objects.filter(
        created_at__gte=_moment(scope.since),
        created_at__lt=_moment(scope.until + timedelta(days=1)),
    )
    if scope.narrowed:
        found = found.filter(requested_by__organisation__in=scope.agencies())
    statuses = list(DetailRequestStatus.choices)
    counted = (
        found.values("purpose")
        .annotate(
            **{key: Count("id", filter=Q(status=key)) for key, _ in statuses},
            overrides=Count("id", filter=~Q(override_reason="")),
        )
        .order_by()
    )
    by_purpose = {r["purpose"]: r for r in counted}
    rows = []
    for key, name in Purpose.choices:
        r = by_purpose.get(key, {})
        rows.append((name, *(r.get(s, 0) for s, _ in statuses), r.get("overrides", 0)))
    return Table(
        "detail-requests",
        "Detail requests made in the period, by purpose and outcome",
        [
            Column("Purpose", Kind.LABEL),
            *(Column(name) for _, name in statuses),
            Column("Of which safeguarding overrides"),
        ],
        rows,
        chart="stacked",
        charted=tuple(name for _, name in statuses),
    )


def _hours(waits: list[timedelta]) -> float | None:
    if not waits or is_small(len(waits)):
        return None
    return statistics.median(w.total_seconds() for w in waits) / 3600


def review_queue(scope: Scope, *, now: datetime | None = None) -> Table:
    """Possible matches raised in each quarter: linked, kept apart, still waiting, and the
    median hours an item waited for a decision (and has waited, for those still open).

    The queue is the region's: an area or agency type does not narrow it (a possible
    match may join two agencies' records)."""
    now = now or timezone.now()
    items = ReviewItem.objects.filter(
        created_at__gte=_moment(scope.since),
        created_at__lt=_moment(scope.until + timedelta(days=1)),
    ).values_list("created_at", "status", "decided_at")
    counted: dict[date, Counter[str]] = defaultdict(Counter)
    waits: dict[date, list[timedelta]] = defaultdict(list)
    waiting: dict[date, list[timedelta]] = defaultdict(list)
    for created_at, status, decided_at in items:
        day = timezone.localtime(created_at).date()
        quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        counted[quarter][status] += 1
        if status == ReviewStatus.OPEN:
            waiting[quarter].append(now - created_at)
        elif decided_at is not None:
            waits[quarter].append(decided_at - created_at)
    rows = [
        (
            quarter_label(q),
            sum(counted[q].values()),
            counted[q][ReviewStatus.LINKED],
            counted[q][ReviewStatus.REJECTED],
            counted[q][ReviewStatus.OPEN],
            _hours(waits[q]),
            _hours(waiting[q]),
        )
        for q in scope.quarters()
    ]
    return Table(
        "review-queue",
        "The identity-match review queue: possible matches raised, decided and waiting",
        [
            Column("Quarter raised", Kind.LABEL),
            Column("Raised"),
            Column("Linked"),
            Column("Kept apart"),
            Column("Still waiting"),
            Column("Median hours to a decision", Kind.FIGURE),
            Column("Median hours waiting so far", Kind.FIGURE),
        ],
        rows,
        chart="stacked",
        charted=("Linked", "Kept apart", "Still waiting"),
        note="The queue is the region's: the area and agency type filters do not narrow it. "
        "A median resting on fewer than 5 items is not shown.",
    )


USAGE_TABLES: dict[str, Callable[[Scope], list[Table]]] = {
    "activity": lambda scope: [activity(scope)],
    "purposes": lambda scope: [purposes(scope)],
    "detail-requests": lambda scope: [detail_outcomes(scope)],
    "review-queue": lambda scope: [review_queue(scope)],
}
