"""What a report covers: a period, an area and an agency type, and who may widen them.

Every report is counted over the agencies in scope (their agency IDs), so the same
filter reaches CAF facts (the initiating agency), the audit log (the acting agency) and
the workforce (the practitioner's agency). A manager sees their own area only; a CAF
co-ordinator and a partnership officer see the region, or choose an area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from fame.accounts.models import Organisation, OrganisationType, Role, User
from fame.benefits.figures import quarter_label, quarter_of

__all__ = ["Scope", "quarter_label", "quarter_name", "quarter_of", "quarters_between"]

DEFAULT_QUARTERS = 12
"""With no period chosen, a report covers the last three years, by quarter."""


def next_quarter(start: date) -> date:
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def quarters_between(since: date, until: date) -> list[date]:
    """The first day of every quarter the period touches, in order."""
    found, quarter = [], quarter_of(since)
    while quarter <= until:
        found.append(quarter)
        quarter = next_quarter(quarter)
    return found


def quarter_case(
    field: str, quarters: list[date], moment: Callable[[date], Any] | None = None
) -> Case:
    """An SQL expression giving each row the index in ``quarters`` of the quarter its
    ``field`` falls in (rows are already limited to the period): comparisons the database
    answers from an index, with no date function run on every row."""
    bound = moment or (lambda day: day)
    return Case(
        *(
            When(**{f"{field}__lt": bound(next_quarter(q))}, then=Value(i))
            for i, q in enumerate(quarters)
        ),
        default=Value(len(quarters)),
        output_field=IntegerField(),
    )


def quarter_name(start: date) -> str:
    """``2027-Q1``: a quarter as scripts read it."""
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    since = quarter_of(today)
    for _ in range(DEFAULT_QUARTERS - 1):
        since = quarter_of(since - timedelta(days=1))
    return since, today


def own_area_only(user: User) -> bool:
    """A manager (who is not also a co-ordinator or partnership officer) sees their area."""
    return (
        user.has_role(Role.MANAGER)
        and not user.has_role(Role.CAF_COORDINATOR)
        and not user.has_role(Role.PARTNERSHIP_OFFICER)
    )


def coordinators_team(user: User) -> bool:
    """The CAF co-ordinator's team sees small numbers as they are, on pages only."""
    return user.has_role(Role.CAF_COORDINATOR)


@dataclass(frozen=True)
class Scope:
    """A period (both days included), an area ("" for the region) and an agency type."""

    since: date
    until: date
    area: str = ""
    agency_type: str = ""

    @property
    def narrowed(self) -> bool:
        return bool(self.area or self.agency_type)

    def agencies(self) -> QuerySet[Organisation]:
        """The agencies in scope (a query, so the database joins it, however many)."""
        found = Organisation.objects.all()
        if self.area:
            found = found.filter(local_authority=self.area)
        if self.agency_type:
            found = found.filter(type=self.agency_type)
        return found

    def agency_ids(self) -> QuerySet[Organisation, Any] | None:
        """The agency IDs in scope, as a subquery; None when nothing narrows them."""
        return self.agencies().values("agency_id") if self.narrowed else None

    def quarters(self) -> list[date]:
        return quarters_between(self.since, self.until)

    def described(self) -> str:
        where = self.area or "the whole region"
        kind = dict(OrganisationType.choices).get(self.agency_type, "")
        who = f", {kind.lower()} agencies only" if kind else ""
        return f"{self.since:%-d %B %Y} to {self.until:%-d %B %Y}, {where}{who}"


def areas() -> list[str]:
    """The areas (local authorities) agencies belong to, for the filter."""
    return sorted(
        set(
            Organisation.objects.exclude(local_authority="").values_list(
                "local_authority", flat=True
            )
        )
    )
