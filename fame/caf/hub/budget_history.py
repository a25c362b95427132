"""The CAF budgets in a demo region's history, played through the hub's own budget actions.

Seed 003's budget-holding Lead Professional: for about one completed CAF in
three that has a Lead Professional, the CAF co-ordinator allocates a budget
(£300 to £1,500) soon after completion, the Lead Professional commissions one
or two services from the directory for the needs the CAF found, and records
what was spent on them, all before the CAF closed (or before today). Each is
done by ``budget_actions`` (``allocate_budget``, ``commission_service``,
``record_spend``) with the clock moved back (time-machine) to its moment, so
the actions' checks, the rows' times and the audit log are those a real past
would have left (ADR 0034, ADR 0036).

Played from the facts the hub holds (``CafOverview``): the Lead Professional
is the one the holding node named (``lead_professional_username``, which
``commission_service`` and ``record_spend`` also check), nothing is
commissioned before the first TAC meeting (where the node names them) and
nothing happens on or after the day the CAF closed. So it is played once the
nodes' history has reached the hub, and once: a hub with any budget keeps it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.db.models import Q

from fame.accounts.models import Role, User
from fame.caf.models.hub import BudgetAllocation, CafOverview
from fame.directory.models import Service
from fame.synth.directory import NEEDS_TAXONOMY

from .budget_actions import allocate_budget, commission_service, record_spend
from .directory_pick import PickedService, find_service

__all__ = ["BudgetPlan", "BudgetStory", "plan_budgets", "play_budget_history"]

SHARE = 1 / 3
"""About one completed CAF with a Lead Professional in this many gets a budget."""

POUNDS = (300, 1_500)
"""A budget between these, in whole £50s."""


@dataclass(frozen=True)
class Commission:
    """One service commissioned on a day, and what was spent on it when."""

    service: PickedService
    need: str
    on: date
    amount_pence: int
    spends: tuple[tuple[date, int], ...]


@dataclass(frozen=True)
class BudgetStory:
    """How one CAF's budget goes: allocated on a day, then its commissions."""

    overview_id: int
    lead: str
    allocated_on: date
    amount_pence: int
    commissions: tuple[Commission, ...]


@dataclass
class BudgetPlan:
    """Every CAF's budget, and the totals a report of the played history should show."""

    stories: list[BudgetStory] = field(default_factory=list)

    @property
    def allocated(self) -> int:
        return sum(s.amount_pence for s in self.stories)

    @property
    def committed(self) -> int:
        return sum(c.amount_pence for s in self.stories for c in s.commissions)

    @property
    def spent(self) -> int:
        return sum(p for s in self.stories for c in s.commissions for _, p in c.spends)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cafs": len(self.stories),
            "commitments": sum(len(s.commissions) for s in self.stories),
            "allocated_pence": self.allocated,
            "committed_pence": self.committed,
            "spent_pence": self.spent,
        }


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _day_between(rnd: random.Random, first: date, before: date) -> date | None:
    """A weekday from ``first`` up to the day before ``before``; None if there is none."""
    span = (before - first).days
    if span <= 0:
        return None
    day = _weekday(first + timedelta(days=rnd.randrange(span)))
    return day if day < before else None


def services_by_need() -> dict[str, list[PickedService]]:
    """Services open for referral, by the need they meet (the directory's needs taxonomy), each
    as the CAF pages pick it (``find_service``)."""
    found: dict[str, list[PickedService]] = {}
    rows = (
        Service.objects.filter(status=Service.Status.ACTIVE)
        .filter(Q(terms__taxonomy__name=NEEDS_TAXONOMY) | Q(terms__taxonomy_name=NEEDS_TAXONOMY))
        .order_by("terms__name", "id")
        .values_list("terms__name", "id")
    )
    for need, service_id in rows:
        picked = find_service(service_id)
        if picked is not None:
            found.setdefault(need, []).append(picked)
    return found


def plan_budgets(
    overviews: list[CafOverview],
    needs: dict[str, list[PickedService]],
    *,
    seed: int,
    today: date,
) -> BudgetPlan:
    """Decide, reproducibly for ``seed``, which CAFs get a budget and how it goes. Pure: it
    reads only what it is given."""
    rnd = random.Random(f"budgets-{seed}")  # noqa: S311 - a made-up past, reproducible
    plan = BudgetPlan()
    kinds = sorted(needs)
    if not kinds:
        return plan
    for o in sorted(overviews, key=lambda o: (o.completed_on or today, str(o.caf))):
        if o.completed_on is None or not o.lead_professional_username:
            continue
        if rnd.random() >= SHARE:
            continue
        last = min(o.closed_on or today, today)  # everything happens before this day
        soon = min(last, o.completed_on + timedelta(days=21))
        allocated_on = _day_between(rnd, o.completed_on + timedelta(days=2), soon)
        if allocated_on is None:
            continue
        amount = rnd.randrange(POUNDS[0], POUNDS[1] + 1, 50) * 100
        # The Lead Professional commissions once the team has met (the node names them there).
        from_day = max(allocated_on + timedelta(days=1), o.first_meeting_on or allocated_on)
        commissions: list[Commission] = []
        left = amount * rnd.randint(60, 100) // 100
        for need in rnd.sample(kinds, k=min(len(kinds), rnd.choice((1, 1, 2)))):
            on = _day_between(rnd, from_day, last)
            if on is None or left < 1_000:
                break
            share = left if commissions or rnd.random() < 0.5 else left * rnd.randint(40, 70) // 100
            committed = max(1_000, share // 1_000 * 1_000)  # whole £10s
            left -= committed
            spends: list[tuple[date, int]] = []
            unspent = committed * rnd.randint(50, 100) // 100
            for _ in range(rnd.randint(1, 3)):
                day = _day_between(rnd, on + timedelta(days=1), last)
                if day is None or unspent < 500:
                    break
                spent = unspent if rnd.random() < 0.4 else max(500, unspent // 2 // 500 * 500)
                spends.append((day, spent))
                unspent -= spent
            commissions.append(
                Commission(rnd.choice(needs[need]), need, on, committed, tuple(sorted(spends)))
            )
        plan.stories.append(
            BudgetStory(
                o.pk, o.lead_professional_username, allocated_on, amount, tuple(commissions)
            )
        )
    return plan


def _coordinator(username: str | None) -> User | None:
    if username:
        return User.objects.filter(username=username).first()
    for user in User.objects.filter(organisation__isnull=False).order_by("username"):
        if user.has_role(Role.CAF_COORDINATOR):
            return user
    return None


def play_budget_history(
    seed: int, *, today: date, coordinator: str | None = None
) -> BudgetPlan | None:
    """Play the budgets of the completed CAFs the hub knows of, in the order things happened;
    the plan played. None when nothing is played: a hub with budgets already keeps them, and
    a hub with no CAF co-ordinator, no directory or no CAF facts has none to play."""
    if BudgetAllocation.objects.exists():
        return None
    by = _coordinator(coordinator)
    if by is None:
        return None
    known = CafOverview.objects.exclude(completed_on=None).exclude(lead_professional_username="")
    leads = {
        u.username: u
        for u in User.objects.filter(
            username__in=known.values_list("lead_professional_username", flat=True)
        )
    }
    overviews = [o for o in known if o.lead_professional_username in leads]
    plan = plan_budgets(overviews, services_by_need(), seed=seed, today=today)
    if not plan.stories:
        return None
    steps: list[tuple[datetime, int, Any]] = []
    for story in plan.stories:
        steps += _steps(story, by, leads[story.lead], len(steps))
    for _, _, step in sorted(steps, key=lambda s: (s[0], s[1])):
        step()
    return plan


def _steps(story: BudgetStory, by: User, lead: User, n: int) -> list[tuple[datetime, int, Any]]:
    """One CAF's steps, each with its moment, as calls to the hub's budget actions."""
    overview = CafOverview.objects.get(pk=story.overview_id)
    made: dict[int, int] = {}

    def travel(moment: datetime, act: Any) -> Any:
        def step() -> None:
            with time_machine.travel(moment, tick=False):
                act()

        return step

    def allocate() -> None:
        allocate_budget(
            overview=overview,
            amount_pence=story.amount_pence,
            note="Budget for the family's plan agreed at the TAC meeting.",
            by=by,
        )

    steps = [(_at(story.allocated_on, 10), n, travel(_at(story.allocated_on, 10), allocate))]
    for i, c in enumerate(story.commissions):

        def commission(i: int = i, c: Commission = c) -> None:
            made[i] = commission_service(
                overview=overview,
                service=c.service,
                amount_pence=c.amount_pence,
                note=f"For the family's need: {c.need.lower()}.",
                by=lead,
            ).pk

        moment = _at(c.on, 14, i)
        steps.append((moment, n + len(steps), travel(moment, commission)))
        for day, amount in c.spends:

            def spend(i: int = i, day: date = day, amount: int = amount) -> None:
                record_spend(
                    overview=overview,
                    commitment_id=made[i],
                    amount_pence=amount,
                    spent_on=day,
                    note="Invoice paid.",
                    by=lead,
                )

            moment = _at(day, 16, i)
            steps.append((moment, n + len(steps), travel(moment, spend)))
    return steps
