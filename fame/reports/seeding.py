"""The demo region's comparator areas: seed 004's figures, entered once by the demo's
partnership officer, so that the comparison report has something to set beside."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from fame.accounts.models import User

from .models import ComparatorFigures

SOURCE = "Medway Children's Trust Board, 2 March 2010, agenda item 4"
COMPARATORS = (
    ("Medway", 2010, 65_500, Decimal("1"), 179),
    ("Kent", 2010, 327_000, Decimal("12"), None),
)
"""Area, year, children, CAF staff and CAFs in the year, as the board paper gives them
(Medway's 179 CAFs completed in 2009; Kent's count is not given)."""


def seed_comparators(*, logins: Mapping[str, str]) -> int:
    """Enter the comparator areas once (none entered yet); how many were entered."""
    if ComparatorFigures.objects.exists():
        return 0
    officer = User.objects.filter(username=logins.get("partnership_officer", "")).first()
    if officer is None:
        return 0
    for area, year, children, staff, cafs in COMPARATORS:
        ComparatorFigures(
            area=area,
            year=year,
            children=children,
            caf_staff=staff,
            cafs_started=cafs,
            source=SOURCE,
            entered_by=officer,
        ).save()
    return len(COMPARATORS)
