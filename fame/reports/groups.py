"""The report groups: each a page, its tables, and who it is for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .budgets import BUDGET_TABLES
from .caf import CAF_TABLES
from .comparison import comparison
from .scope import Scope
from .tables import Table
from .usage import USAGE_TABLES
from .workforce import WORKFORCE_TABLES


@dataclass(frozen=True)
class Group:
    slug: str
    title: str
    summary: str
    makers: dict[str, Callable[[Scope], list[Table]]]
    """Each table's key and what makes it (a maker may make more than one table)."""

    def tables(self, scope: Scope) -> list[Table]:
        """Every table of the group, in order, each maker run once."""
        made: list[Table] = []
        for maker in dict.fromkeys(self.makers.values()):
            made.extend(maker(scope))
        return made

    def table(self, scope: Scope, key: str) -> Table | None:
        """One table (for its chart), making only what it needs."""
        maker = self.makers.get(key)
        return None if maker is None else next(t for t in maker(scope) if t.key == key)


GROUPS = {
    g.slug: g
    for g in (
        Group(
            "caf",
            "CAFs",
            "CAFs started and completed each quarter by initiating agency type; open, closed "
            "and stepped up; reviews; time to the first meeting and to completion; meeting "
            "attendance and escalations; Lead Professionals; the co-ordinator's queue.",
            CAF_TABLES,
        ),
        Group(
            "usage",
            "Use of the index and of sharing",
            "Searches, records opened and their purposes, detail requests by outcome, "
            "safeguarding overrides, consents, facilitated access and the identity-match "
            "review queue.",
            USAGE_TABLES,
        ),
        Group(
            "workforce",
            "Workforce readiness",
            "Organisations accredited, practitioners vetted and trained (and due to expire), "
            "training sessions and their take-up, by agency type.",
            WORKFORCE_TABLES,
        ),
        Group(
            "comparison",
            "Comparison with other areas",
            "CAFs and CAF staff per 10,000 children beside the comparator areas' figures.",
            {"comparison": lambda scope: [comparison(scope)]},
        ),
        Group(
            "budgets",
            "CAF budgets",
            "What co-ordinators allocated to budget-holding Lead Professionals, and what they "
            "committed and spent with services from the directory, by quarter, service and "
            "agency type.",
            BUDGET_TABLES,
        ),
    )
}
