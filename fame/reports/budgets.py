"""The CAF budgets report: what co-ordinators allocated to budget-holding Lead Professionals
and what they committed and spent with services from the directory (seed 003), by quarter,
by service and by the type of agency holding the CAF.

The sums come from ``fame.caf.hub.budget.budget_figures``, the same arithmetic the CAF's own
budget page uses. A service's money is left out where it rests on fewer than 5 CAFs, as a
median is (ADR 0037). The totals by quarter and by agency type are shown as they are: a
quarter with a single budget shows that budget's sum (money, with no child or service
beside it). Budgets are counted by the area of the agency holding the CAF; the agency-type
filter narrows the agency-type table only.
"""

from __future__ import annotations

from collections.abc import Callable

from fame.caf.hub.budget import budget_figures

from .scope import Scope
from .suppression import is_small
from .tables import Cell, Column, Kind, Table


def _pounds(pence: int) -> float:
    return pence / 100


def _service_row(name: str, commitments: int, cafs: int, committed: int, spent: int) -> list[Cell]:
    few = cafs == 0 or is_small(cafs)
    return [
        name,
        commitments,
        cafs,
        None if few else _pounds(committed),
        None if few else _pounds(spent),
    ]


def budgets(scope: Scope) -> list[Table]:
    figures = budget_figures(scope.since, scope.until, area=scope.area or None)
    money = Kind.MONEY
    quarters = Table(
        "budget-quarters",
        "Budgets allocated, committed to services and spent, by quarter",
        [
            Column("Quarter", Kind.LABEL),
            Column("Allocated", money),
            Column("Committed", money),
            Column("Spent", money),
        ],
        [
            [q.label, _pounds(q.allocated), _pounds(q.committed), _pounds(q.spent)]
            for q in figures.quarters
        ],
        chart="bars",
        charted=("Committed", "Spent"),
        note=(
            f"{figures.cafs_with_budget:,} CAFs given a budget in the period; "
            f"£{_pounds(figures.allocated_in_force):,.2f} allocated to them in all. "
            "A change to a CAF's budget counts in its quarter as the change it made."
        ),
    )
    services = Table(
        "budget-services",
        "Services commissioned from the directory",
        [
            Column("Service", Kind.LABEL),
            Column("Commitments"),
            Column("CAFs"),
            Column("Committed", money),
            Column("Spent", money),
        ],
        [
            _service_row(s.service_name, s.commitments, s.cafs, s.committed, s.spent)
            for s in figures.services
        ],
        note="Money is left out for a service commissioned for fewer than 5 CAFs.",
    )
    kinds = [
        k
        for k in figures.agency_types
        if not scope.agency_type or k.agency_type == scope.agency_type
    ]
    agency_types = Table(
        "budget-agency-types",
        "Committed and spent, by the type of agency holding the CAF",
        [Column("Agency type", Kind.LABEL), Column("Committed", money), Column("Spent", money)],
        [[k.label, _pounds(k.committed), _pounds(k.spent)] for k in kinds],
        chart="bars",
        charted=("Committed", "Spent"),
    )
    return [quarters, services, agency_types]


BUDGET_TABLES: dict[str, Callable[[Scope], list[Table]]] = {
    "budget-quarters": budgets,
    "budget-services": budgets,
    "budget-agency-types": budgets,
}
"""Each table by its key; one count of the budgets makes all three."""
