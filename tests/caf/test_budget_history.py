"""The demo's CAF budgets, played at the hub through its own budget actions with the clock
moved back: reproducible for a seed, dated when they happened, within each CAF's life, and
the management figures total what was played."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fame.accounts.models import User
from fame.audit.models import AuditEvent
from fame.caf.hub.budget import budget_figures, budget_of
from fame.caf.hub.budget_actions import BudgetRefused, allocate_budget
from fame.caf.hub.budget_history import plan_budgets, play_budget_history, services_by_need
from fame.caf.models.hub import BudgetAllocation, BudgetCommitment, BudgetSpend, CafOverview

pytestmark = pytest.mark.django_db

SEED = 11  # the demo_history fixture's


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _planned(seed: int = SEED):
    overviews = list(CafOverview.objects.all())
    return plan_budgets(overviews, services_by_need(), seed=seed, today=timezone.localdate())


def test_the_plan_is_the_same_for_the_same_seed(demo_history):
    first, again = _planned(), _planned()
    assert first.stories and first.stories == again.stories
    assert _planned(SEED + 1).stories != first.stories


def test_about_one_completed_caf_in_three_with_a_lead_professional_has_a_budget(demo_history):
    candidates = CafOverview.objects.exclude(completed_on=None).exclude(
        lead_professional_username=""
    )
    with_budget = CafOverview.objects.filter(
        pk__in=BudgetAllocation.objects.values("overview")
    ).count()
    assert 0 < with_budget <= candidates.count()
    assert set(BudgetAllocation.objects.values_list("overview", flat=True)) <= set(
        candidates.values_list("pk", flat=True)
    )
    for allocation in BudgetAllocation.objects.all():
        assert 300_00 <= allocation.amount_pence <= 1_500_00
        assert allocation.amount_pence % 50_00 == 0


def test_the_figures_total_what_was_played(demo_history):
    plan = _planned()
    figures = budget_figures(date(2000, 1, 1), timezone.localdate())
    assert figures.cafs_with_budget == len(plan.stories) == BudgetAllocation.objects.count()
    assert figures.totals == {
        "allocated": plan.allocated,
        "committed": plan.committed,
        "spent": plan.spent,
    }
    assert plan.committed <= plan.allocated and plan.spent <= plan.committed
    assert BudgetCommitment.objects.count() == sum(len(s.commissions) for s in plan.stories)
    assert BudgetSpend.objects.count() == sum(
        len(c.spends) for s in plan.stories for c in s.commissions
    )


def test_each_step_happened_in_the_cafs_life_by_the_right_person(demo_history):
    today = timezone.localdate()
    for overview in CafOverview.objects.filter(pk__in=BudgetAllocation.objects.values("overview")):
        budget = budget_of(overview)
        allocated_on = timezone.localdate(budget.allocations[0].at)
        assert overview.completed_on < allocated_on < (overview.closed_on or today + timedelta(1))
        assert budget.allocations[0].by.has_role("caf_coordinator")
        for line in budget.commitments:
            on = timezone.localdate(line.commitment.at)
            assert allocated_on <= on < (overview.closed_on or today + timedelta(1))
            assert on >= (overview.first_meeting_on or allocated_on)
            assert line.commitment.by.username == overview.lead_professional_username
            for spend in line.spends:
                assert on < spend.spent_on < (overview.closed_on or today + timedelta(1))
                assert timezone.localdate(spend.at) == spend.spent_on


def test_the_audit_log_dates_each_action_when_it_happened(demo_history):
    allocated = AuditEvent.objects.filter(action="caf.budget_allocated")
    assert allocated.count() == BudgetAllocation.objects.count()
    assert (
        AuditEvent.objects.filter(action="caf.service_commissioned").count()
        == BudgetCommitment.objects.count()
    )
    assert AuditEvent.objects.filter(action="caf.budget_spent").count() == (
        BudgetSpend.objects.count()
    )
    assert {timezone.localdate(e.time) for e in allocated} == {
        timezone.localdate(a.at) for a in BudgetAllocation.objects.all()
    }
    assert all(timezone.localdate(e.time) < timezone.localdate() for e in allocated)


def test_the_budgets_are_played_once(demo_history):
    before = BudgetAllocation.objects.count()
    assert play_budget_history(SEED, today=timezone.localdate()) is None
    assert BudgetAllocation.objects.count() == before


def test_a_closed_caf_took_budget_changes_only_before_the_day_it_closed(demo_history):
    closed = (
        CafOverview.objects.filter(status="closed")
        .exclude(closed_on=None)
        .exclude(completed_on=None)
        .exclude(pk__in=BudgetAllocation.objects.values("overview"))
        .first()
    )
    assert closed is not None
    coordinator = next(u for u in User.objects.all() if u.has_role("caf_coordinator"))
    with time_machine.travel(_noon(closed.closed_on), tick=False), pytest.raises(BudgetRefused):
        allocate_budget(overview=closed, amount_pence=500_00, note="", by=coordinator)
    with pytest.raises(BudgetRefused, match="closed"):
        allocate_budget(overview=closed, amount_pence=500_00, note="", by=coordinator)
    day_before = closed.closed_on - timedelta(days=1)
    with time_machine.travel(_noon(day_before), tick=False):
        allocate_budget(overview=closed, amount_pence=500_00, note="", by=coordinator)
    assert budget_of(closed).allocated == 500_00


@pytest.fixture
def no_budgets_yet(monkeypatch):
    """The demo_history fixture (asked for after this) without the hub's part of its history
    (consents, searches, budgets, detail requests): as `fame demo`'s hub is once its nodes
    have delivered their history."""
    from fame.web.management.commands import _region

    monkeypatch.setattr(_region, "play_demo_hub_history", lambda region, *, say: None)


def test_fame_history_budgets_plays_them_once_the_nodes_have_delivered(
    no_budgets_yet, demo_history, monkeypatch, tmp_path
):
    monkeypatch.undo()
    region = str(tmp_path / "demo" / "region")
    assert not BudgetAllocation.objects.exists()
    out = StringIO()
    call_command("history", "hub", "--region", region, "--wait", "30", stdout=out)
    assert "Played the hub's history in " in out.getvalue()
    assert BudgetAllocation.objects.count() == len(_planned().stories)

    again = StringIO()
    call_command("history", "hub", "--region", region, stdout=again)
    assert "has its history already" in again.getvalue()
    assert BudgetAllocation.objects.count() == len(_planned().stories)


def test_fame_history_budgets_waits_for_the_nodes_then_gives_up(
    no_budgets_yet, demo_history, monkeypatch, tmp_path
):
    from fame.federation.models import FederationNode
    from fame.web.management.commands import history

    monkeypatch.undo()
    monkeypatch.setattr(history, "POLL", 0.01)
    FederationNode.objects.update(outbox_backlog=3)
    region = str(tmp_path / "demo" / "region")
    with pytest.raises(CommandError, match="had not delivered their outboxes"):
        call_command("history", "hub", "--region", region, "--wait", "0.1")
    assert not BudgetAllocation.objects.exists()


def test_fame_history_refuses_in_production(settings, tmp_path):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not in production"):
        call_command("history", "hub", "--region", str(tmp_path))
