"""This area beside comparator areas: CAFs and CAF staff per 10,000 children.

This area's figures come from what the hub holds: children on the index (not archived),
CAF co-ordinators with an account, CAFs started in the 12 months to the period's end.
A comparator's come from the newest figures a manager entered for it (``ComparatorFigures``).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max

from fame.accounts.models import Role, User
from fame.caf.models.hub import CafOverview
from fame.index.models import Person

from .models import ComparatorFigures
from .scope import Scope
from .suppression import is_small
from .tables import Column, Kind, Table

PER = 10_000


def latest_figures() -> list[ComparatorFigures]:
    """The newest entry for each comparator area, by area."""
    newest = ComparatorFigures.objects.values("area").annotate(last=Max("id")).values("last")
    return list(ComparatorFigures.objects.filter(id__in=newest).order_by("area"))


def _rate(count: float | None, children: int) -> float | None:
    """Per 10,000 children; left out when the count is small (it could be worked back)."""
    if count is None or not children or (isinstance(count, int) and is_small(count)):
        return None
    return count * PER / children


def comparison(scope: Scope, *, here: str = "This region") -> Table:
    year_start = scope.until - timedelta(days=364)
    children = Person.objects.filter(archived_on__isnull=True).count()
    staff = sum(
        Role.CAF_COORDINATOR in (roles or [])
        for roles in User.objects.filter(is_active=True).values_list("roles", flat=True)
    )
    started = CafOverview.objects.filter(started_on__range=(year_start, scope.until)).count()
    rows: list[tuple[object, ...]] = [
        (
            here,
            f"12 months to {scope.until:%-d %B %Y}",
            children,
            float(staff),
            started,
            _rate(started, children),
            _rate(float(staff), children),
            children / staff if staff else None,
            "The hub: children on the index, CAF co-ordinators' accounts, CAFs started",
        )
    ]
    for entry in latest_figures():
        staff_fte = float(entry.caf_staff)
        rows.append(
            (
                entry.area,
                str(entry.year),
                entry.children,
                staff_fte,
                entry.cafs_started,
                _rate(entry.cafs_started, entry.children),
                _rate(staff_fte, entry.children),
                entry.children / staff_fte if staff_fte else None,
                entry.source,
            )
        )
    return Table(
        "comparison",
        "This region beside comparator areas: CAFs and CAF staff per 10,000 children",
        [
            Column("Area", Kind.LABEL),
            Column("Period", Kind.LABEL),
            Column("Children", Kind.FIGURE),
            Column("CAF staff", Kind.FIGURE),
            Column("CAFs started"),
            Column("CAFs started per 10,000 children", Kind.FIGURE),
            Column("CAF staff per 10,000 children", Kind.FIGURE),
            Column("Children per CAF worker", Kind.FIGURE),
            Column("Source", Kind.LABEL),
        ],
        rows,  # type: ignore[arg-type]
        chart="bars",
        charted=("CAF staff per 10,000 children",),
        note="Figures for the whole region: the area and agency type filters do not apply. "
        "Comparators' figures are as their managers entered them.",
    )
