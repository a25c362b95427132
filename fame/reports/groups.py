"""The report groups: each a page, its tables, and who it is for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .caf import caf_tables
from .comparison import comparison
from .scope import Scope
from .tables import Table
from .usage import usage_tables
from .workforce import workforce_tables


@dataclass(frozen=True)
class Group:
    slug: str
    title: str
    summary: str
    tables: Callable[[Scope], list[Table]]


GROUPS = {
    g.slug: g
    for g in (
        Group(
            "caf",
            "CAFs",
            "CAFs started and completed each quarter by initiating agency type; open, closed "
            "and stepped up; reviews; time to the first meeting and to completion; meeting "
            "attendance and escalations; Lead Professionals; the co-ordinator's queue.",
            caf_tables,
        ),
        Group(
            "usage",
            "Use of the index and of sharing",
            "Searches, records opened and their purposes, detail requests by outcome, "
            "safeguarding overrides, consents, facilitated access and the identity-match "
            "review queue.",
            usage_tables,
        ),
        Group(
            "workforce",
            "Workforce readiness",
            "Organisations accredited, practitioners vetted and trained (and due to expire), "
            "training sessions and their take-up, by agency type.",
            workforce_tables,
        ),
        Group(
            "comparison",
            "Comparison with other areas",
            "CAFs and CAF staff per 10,000 children beside the comparator areas' figures.",
            lambda scope: [comparison(scope)],
        ),
    )
}
