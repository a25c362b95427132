"""Workforce readiness: organisations accredited, practitioners vetted and trained (and
those due to expire), by agency type; training sessions offered and their take-up.

As the index's first rule sees it (fame.accounts.access): a vetting check lasts
``FAME_VETTING_VALID_YEARS``, a course its ``valid_for_months``. Counted as at the
period's last day; "due to expire" is within the ``SOON`` days after it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, Sum

from fame.accounts.models import (
    AccreditationStatus,
    OrganisationType,
    TrainingCourse,
    TrainingPlace,
    TrainingRecord,
    TrainingSession,
    User,
    add_months,
)

from .scope import Scope
from .tables import Column, Kind, Table

SOON = timedelta(days=90)
TYPES = dict(OrganisationType.choices)


def organisations(scope: Scope) -> Table:
    counted = (
        scope.agencies()
        .values("type")
        .annotate(
            all=Count("id"),
            **{
                s: Count("id", filter=Q(accreditation_status=s)) for s in AccreditationStatus.values
            },
        )
        .order_by("type")
    )
    rows = [
        (TYPES.get(r["type"], r["type"]), r["all"], *(r[s] for s in AccreditationStatus.values))
        for r in counted
    ]
    return Table(
        "organisations",
        "Organisations by type and accreditation",
        [
            Column("Agency type", Kind.LABEL),
            Column("Organisations"),
            *(Column(label) for label in AccreditationStatus.labels),
        ],
        rows,
        chart="stacked",
        charted=tuple(AccreditationStatus.labels),
    )


def practitioners(scope: Scope) -> Table:
    """Practitioners by agency type: vetted, trained in every required course, and those
    whose vetting or training runs out within ``SOON`` of the period's end."""
    day, soon = scope.until, scope.until + SOON
    people = User.objects.filter(is_active=True, organisation__in=scope.agencies())
    required = {
        pk: months
        for pk, months in TrainingCourse.objects.filter(required=True).values_list(
            "id", "valid_for_months"
        )
    }
    held: dict[int, dict[int, date]] = defaultdict(dict)
    for user_id, course_id, completed_on in TrainingRecord.objects.filter(
        user__in=people, course_id__in=list(required)
    ).values_list("user_id", "course_id", "completed_on"):
        held[user_id][course_id] = add_months(completed_on, required[course_id])
    counted: dict[str, Counter[str]] = defaultdict(Counter)
    years = 12 * settings.FAME_VETTING_VALID_YEARS
    for pk, kind, checked in people.values_list("id", "organisation__type", "vetting_checked_on"):
        counts = counted[TYPES.get(kind, kind)]
        counts["people"] += 1
        if checked is not None and checked <= day < (expires := add_months(checked, years)):
            counts["vetted"] += 1
            counts["vetting soon"] += expires <= soon
        courses = held.get(pk, {})
        expiries = [courses.get(c) for c in required]
        if all(e is not None and e > day for e in expiries):
            counts["trained"] += 1
            counts["training soon"] += any(e is not None and e <= soon for e in expiries)
    rows = [
        (
            kind,
            counted[kind]["people"],
            counted[kind]["vetted"],
            counted[kind]["vetting soon"],
            counted[kind]["trained"],
            counted[kind]["training soon"],
        )
        for kind in sorted(counted)
    ]
    return Table(
        "practitioners",
        "Practitioners vetted and trained, and those due to expire within 90 days",
        [
            Column("Agency type", Kind.LABEL),
            Column("Practitioners"),
            Column("Vetted"),
            Column("Vetting due to expire"),
            Column("Trained"),
            Column("Training due to expire"),
        ],
        rows,
        chart="bars",
        charted=("Practitioners", "Vetted", "Trained"),
    )


def sessions(scope: Scope) -> Table:
    """Training sessions held in the period, by course: places offered, taken and attended."""
    held = TrainingSession.objects.filter(held_on__range=(scope.since, scope.until))
    counted = (
        held.values("course__name")
        .annotate(sessions=Count("id", distinct=True))
        .order_by("course__name")
    )
    offered = {
        r["course__name"]: r["places"]
        for r in held.values("course__name").annotate(places=Sum("places")).order_by()
    }
    places = TrainingPlace.objects.filter(session__in=held)
    if scope.narrowed:
        places = places.filter(user__organisation__in=scope.agencies())
    taken = {
        r["session__course__name"]: r
        for r in places.values("session__course__name")
        .annotate(taken=Count("id"), attended=Count("id", filter=Q(attended=True)))
        .order_by()
    }
    rows = [
        (
            r["course__name"],
            r["sessions"],
            offered.get(r["course__name"], 0),
            taken.get(r["course__name"], {}).get("taken", 0),
            taken.get(r["course__name"], {}).get("attended", 0),
        )
        for r in counted
    ]
    return Table(
        "sessions",
        "Training sessions held in the period, by course",
        [
            Column("Course", Kind.LABEL),
            Column("Sessions"),
            Column("Places offered"),
            Column("Places taken"),
            Column("Attended"),
        ],
        rows,
        note="Places offered count every session's places; those taken and attended count "
        "only practitioners of the agencies chosen.",
    )


def take_up(scope: Scope) -> Table:
    """Places taken on sessions held in the period, by the practitioner's agency type."""
    places = TrainingPlace.objects.filter(session__held_on__range=(scope.since, scope.until))
    if scope.narrowed:
        places = places.filter(user__organisation__in=scope.agencies())
    counted = (
        places.values("user__organisation__type")
        .annotate(taken=Count("id"), attended=Count("id", filter=Q(attended=True)))
        .order_by("user__organisation__type")
    )
    rows = [
        (TYPES.get(r["user__organisation__type"] or "", "No agency"), r["taken"], r["attended"])
        for r in counted
    ]
    return Table(
        "take-up",
        "Take-up of training by agency type",
        [Column("Agency type", Kind.LABEL), Column("Places taken"), Column("Attended")],
        rows,
        chart="bars",
    )


WORKFORCE_TABLES: dict[str, Callable[[Scope], list[Table]]] = {
    "organisations": lambda scope: [organisations(scope)],
    "practitioners": lambda scope: [practitioners(scope)],
    "sessions": lambda scope: [sessions(scope)],
    "take-up": lambda scope: [take_up(scope)],
}
