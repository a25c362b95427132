"""A CAF's budget in figures: allocated, committed, spent and left, and the area's totals.

Reads only. Money is held in whole pence (integers), so nothing is rounded
until it is shown (``pounds``). The allocation in force is the latest
``BudgetAllocation`` row of a CAF; commitments and spends add up. The writes
that keep the figures true (a commitment never beyond what is left) are in
``budget_actions``. ``budget_figures`` gives management information: totals
by quarter and by directory service, never a child or a CAF (ADR 0036).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum
from django.utils import timezone

from fame.accounts.models import OrganisationType
from fame.benefits.figures import quarter_label, quarter_of
from fame.caf.models.hub import BudgetAllocation, BudgetCommitment, BudgetSpend, CafOverview

__all__ = [
    "AgencyTypeBudget",
    "Budget",
    "BudgetFigures",
    "CommitmentLine",
    "QuarterBudget",
    "ServiceBudget",
    "budget_figures",
    "budget_of",
    "pounds",
]


def pounds(pence: int) -> str:
    """``£1,250.00`` for 125000 pence: how every page shows an amount."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


@dataclass(frozen=True)
class CommitmentLine:
    """One commissioned service, with what has been spent on it so far."""

    commitment: BudgetCommitment
    spends: list[BudgetSpend]

    @property
    def spent(self) -> int:
        return sum(s.amount_pence for s in self.spends)

    @property
    def unspent(self) -> int:
        return self.commitment.amount_pence - self.spent


@dataclass(frozen=True)
class Budget:
    """One CAF's budget: every allocation made (the latest in force) and every commitment."""

    allocations: list[BudgetAllocation]
    commitments: list[CommitmentLine]

    @property
    def allocated(self) -> int:
        return self.allocations[-1].amount_pence if self.allocations else 0

    @property
    def committed(self) -> int:
        return sum(c.commitment.amount_pence for c in self.commitments)

    @property
    def spent(self) -> int:
        return sum(c.spent for c in self.commitments)

    @property
    def remaining(self) -> int:
        """What may still be committed: allocated less committed."""
        return self.allocated - self.committed

    @property
    def exists(self) -> bool:
        return bool(self.allocations)

    def line(self, commitment_id: int) -> CommitmentLine | None:
        return next((c for c in self.commitments if c.commitment.pk == commitment_id), None)


def budget_of(overview: CafOverview) -> Budget:
    """The budget of the CAF ``overview`` stands for, as the rows say now."""
    allocations = list(
        BudgetAllocation.objects.filter(overview=overview).select_related("by").order_by("at", "id")
    )
    commitments = list(
        BudgetCommitment.objects.filter(overview=overview).select_related("by").order_by("at", "id")
    )
    spends: dict[int, list[BudgetSpend]] = defaultdict(list)
    for spend in BudgetSpend.objects.filter(commitment__overview=overview).order_by(
        "spent_on", "id"
    ):
        spends[spend.commitment_id].append(spend)
    return Budget(
        allocations=allocations,
        commitments=[CommitmentLine(c, spends[c.pk]) for c in commitments],
    )


@dataclass
class QuarterBudget:
    """What was allocated (net of changes), committed and spent in one quarter."""

    quarter: date
    allocated: int = 0
    committed: int = 0
    spent: int = 0

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)


@dataclass
class ServiceBudget:
    """One directory service: how many commitments, on how many CAFs, committed and spent."""

    service_id: str
    service_name: str
    commitments: int = 0
    cafs: int = 0
    committed: int = 0
    spent: int = 0


@dataclass
class AgencyTypeBudget:
    """CAFs held by one type of agency: committed and spent on them."""

    agency_type: str
    label: str
    committed: int = 0
    spent: int = 0


@dataclass(frozen=True)
class BudgetFigures:
    """The area's budgets over a period: totals by quarter and by service; no child, no CAF."""

    start: date
    end: date
    quarters: list[QuarterBudget]
    services: list[ServiceBudget]
    agency_types: list[AgencyTypeBudget]
    """By the type of the agency holding the CAF (school, health, ...)."""
    cafs_with_budget: int
    """CAFs with a budget allocated (changed) in the period."""
    allocated_in_force: int
    """Every CAF's allocation in force at the end of the period, added up."""
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.cafs_with_budget and not self.services


def _local_day(moment: object) -> date:
    return timezone.localdate(moment)  # type: ignore[arg-type]


def budget_figures(start: date, end: date, area: str | None = None) -> BudgetFigures:
    """Totals of the CAF budgets between ``start`` and ``end`` (both days included), by quarter,
    by directory service and by the type of agency holding the CAF; ``area`` narrows them to
    CAFs held in one local authority.

    An allocation counts in its quarter as the change it made to its CAF's budget (a raise
    from £500 to £800 counts £300), so the quarters add up to what is allocated now.
    Commitments count on the day they were made, spends on the day money was spent.
    """
    overviews = CafOverview.objects.all()
    if area:
        overviews = overviews.filter(holder__local_authority=area)
    quarters: dict[date, QuarterBudget] = {}

    def quarter(day: date) -> QuarterBudget:
        start_of = quarter_of(day)
        return quarters.setdefault(start_of, QuarterBudget(start_of))

    in_force: dict[int, int] = {}
    with_budget: set[int] = set()
    rows = BudgetAllocation.objects.filter(overview__in=overviews).order_by("overview", "at", "id")
    for overview_id, amount, at in rows.values_list("overview_id", "amount_pence", "at"):
        day = _local_day(at)
        if day > end:
            continue
        before = in_force.get(overview_id, 0)
        in_force[overview_id] = amount
        if day >= start:
            quarter(day).allocated += amount - before
            with_budget.add(overview_id)

    services: dict[str, ServiceBudget] = {}
    cafs: dict[str, set[int]] = defaultdict(set)
    labels = dict(OrganisationType.choices)
    kinds: dict[str, AgencyTypeBudget] = {}

    def kind(agency_type: str) -> AgencyTypeBudget:
        return kinds.setdefault(
            agency_type, AgencyTypeBudget(agency_type, labels.get(agency_type, "Not known"))
        )

    commitments = BudgetCommitment.objects.filter(overview__in=overviews)
    for service_id, name, overview_id, amount, at, holder_type in commitments.values_list(
        "service_id", "service_name", "overview_id", "amount_pence", "at", "overview__holder__type"
    ):
        day = _local_day(at)
        if not start <= day <= end:
            continue
        quarter(day).committed += amount
        kind(holder_type).committed += amount
        line = services.setdefault(service_id, ServiceBudget(service_id, name))
        line.commitments += 1
        line.committed += amount
        cafs[service_id].add(overview_id)
    for service_id, seen in cafs.items():
        services[service_id].cafs = len(seen)

    spends = BudgetSpend.objects.filter(
        commitment__overview__in=overviews, spent_on__gte=start, spent_on__lte=end
    )
    for row in spends.values("spent_on").annotate(total=Sum("amount_pence")):
        quarter(row["spent_on"]).spent += row["total"]
    for row in spends.values("commitment__overview__holder__type").annotate(
        total=Sum("amount_pence")
    ):
        kind(row["commitment__overview__holder__type"]).spent += row["total"]
    for row in spends.values("commitment__service_id", "commitment__service_name").annotate(
        total=Sum("amount_pence")
    ):
        line = services.setdefault(
            row["commitment__service_id"],
            ServiceBudget(row["commitment__service_id"], row["commitment__service_name"]),
        )
        line.spent += row["total"]

    ordered = [quarters[q] for q in sorted(quarters)]
    return BudgetFigures(
        start=start,
        end=end,
        quarters=ordered,
        services=sorted(services.values(), key=lambda s: (-s.committed, s.service_name)),
        agency_types=sorted(kinds.values(), key=lambda k: k.label),
        cafs_with_budget=len(with_budget),
        allocated_in_force=sum(in_force.values()),
        totals={
            "allocated": sum(q.allocated for q in ordered),
            "committed": sum(q.committed for q in ordered),
            "spent": sum(q.spent for q in ordered),
        },
    )
