"""A budget-holding Lead Professional: the co-ordinator allocates a CAF's budget, the Lead
Professional commissions a directory service against it and records what is spent; the
figures add up, and management information counts them by quarter and by service."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from fame.accounts.models import User
from fame.appendonly import AppendOnlyError
from fame.audit.models import AuditEvent
from fame.caf.hub.budget import budget_figures, budget_of, pounds
from fame.caf.hub.budget_actions import BudgetRefused, commission_service
from fame.caf.hub.budget_forms import AllocateForm
from fame.caf.hub.directory_pick import find_service, search_services
from fame.caf.models import (
    BudgetAllocation,
    BudgetCommitment,
    BudgetSpend,
    CafOverview,
    Invitation,
    Meeting,
    TeamAction,
)
from fame.caf.node import team
from fame.caf.node.actions import Actor
from fame.directory.models import Organization, Service
from fame.directory.named import involved_services
from fame.node.outbox import deliver_once

from ..conftest import UserFactory, signed_in_client
from .conftest import caf_url, open_caf_record
from .test_team import arrange, caf, day_parts  # noqa: F401 - the caf fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(db):
    """Two services in the directory, and one no longer offered."""
    trust = Organization.objects.create(id="org-1", name="Northmoor Family Trust")
    return {
        "parenting": Service.objects.create(
            id="svc-parenting",
            name="Incredible Years parenting course",
            description="A twelve-week parenting course for parents of children aged 3 to 8.",
            organization=trust,
        ),
        "speech": Service.objects.create(
            id="svc-speech", name="Chatterbox speech and language group", organization=trust
        ),
        "gone": Service.objects.create(
            id="svc-gone",
            name="Old parenting drop-in",
            status=Service.Status.DEFUNCT,
            organization=trust,
        ),
    }


@pytest.fixture
def led(caf):  # noqa: F811 - the imported fixture
    """Olivia's CAF after a meeting that agreed Alice as Lead Professional; the hub's facts."""
    client, handle = caf
    meeting_url = arrange(client, handle)
    attendance = {f"attendance_{i.pk}": "attended" for i in Invitation.objects.all()}
    review = timezone.localdate() + timedelta(weeks=6)
    done = client.post(
        meeting_url,
        {
            "step": "record",
            **attendance,
            "lead_professional": "alice",
            **day_parts("next_review_on", review),
        },
    )
    assert done.status_code == 302
    deliver_once()
    overview = CafOverview.objects.get()
    assert overview.lead_professional_username == "alice"
    return client, handle, overview


def allocate(coordinator, overview, amount: str, note: str = ""):
    return signed_in_client(coordinator).post(
        f"/caf/budgets/{overview.pk}", {"amount": amount, "note": note}
    )


def test_amounts_are_typed_in_pounds_and_kept_in_pence() -> None:
    for typed, pence in [("250", 25000), ("£1,250.50", 125050), (" 0.01 ", 1)]:
        form = AllocateForm({"amount": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == pence
    for typed, words in [
        ("", "Enter the budget for this CAF"),
        ("lots", "must be an amount in pounds"),
        ("12.345", "no more than 2 numbers after the point"),
        ("-5", "cannot be less than £0"),
    ]:
        form = AllocateForm({"amount": typed})
        assert not form.is_valid()
        assert words in form.errors["amount"][0]
    assert pounds(125050) == "£1,250.50" and pounds(-5) == "-£0.05"


def test_the_coordinator_allocates_and_a_change_is_a_new_row(led, coordinator):
    _, _, overview = led

    first = allocate(coordinator, overview, "500", "Agreed at panel")
    changed = allocate(coordinator, overview, "£800.00")

    assert first.status_code == changed.status_code == 302
    rows = list(BudgetAllocation.objects.order_by("id").values_list("amount_pence", flat=True))
    assert rows == [50000, 80000]
    assert budget_of(overview).allocated == 80000
    page = signed_in_client(coordinator).get(f"/caf/budgets/{overview.pk}").content.decode()
    assert "£800.00" in page and "(in force)" in page and "Agreed at panel" in page
    assert "Olivia" not in page  # no child's name on the co-ordinator's pages
    queue = signed_in_client(coordinator).get("/caf/queue").content.decode()
    assert f"/caf/budgets/{overview.pk}" in queue
    assert AuditEvent.objects.filter(action="caf.budget_allocated", actor_username="cora").count()
    with pytest.raises(AppendOnlyError, match="never changed; allocate again"):
        BudgetAllocation.objects.update(amount_pence=1)


def test_only_a_coordinator_allocates(led, school_teacher, coordinator):
    _, _, overview = led
    manager = UserFactory(username="hana", roles=["manager"])

    for user in (school_teacher, manager):
        refused = signed_in_client(user).post(f"/caf/budgets/{overview.pk}", {"amount": "900"})
        assert refused.status_code == 403
    assert not BudgetAllocation.objects.exists()
    bad = allocate(coordinator, overview, "lots")
    assert bad.status_code == 400
    assert "There is a problem" in bad.content.decode()
    assert 'value="lots"' in bad.content.decode()  # what was typed is kept


def test_the_lead_professional_commissions_a_directory_service(led, coordinator, services):
    client, handle, overview = led
    allocate(coordinator, overview, "500")

    found = client.get(caf_url(handle, "/budget/commission"), {"q": "parenting"})
    page = found.content.decode()
    assert "Incredible Years parenting course" in page
    assert "Old parenting drop-in" not in page  # no longer offered
    done = client.post(
        caf_url(handle, "/budget/commission"),
        {"q": "parenting", "service": "svc-parenting", "amount": "300", "note": "Course fee"},
    )

    assert done.status_code == 302
    commitment = BudgetCommitment.objects.get()
    assert (commitment.service_id, commitment.service_name) == (
        "svc-parenting",
        "Incredible Years parenting course",
    )
    assert commitment.organisation_name == "Northmoor Family Trust"
    budget = client.get(caf_url(handle, "/budget")).content.decode()
    assert "£300.00" in budget and "£200.00" in budget  # committed, and left
    assert "/directory/services/svc-parenting" in budget
    assert AuditEvent.objects.filter(action="caf.service_commissioned").count() == 1


def test_a_commitment_beyond_the_remaining_budget_is_refused(led, coordinator, services):
    client, handle, overview = led
    allocate(coordinator, overview, "500")
    client.post(
        caf_url(handle, "/budget/commission"), {"service": "svc-parenting", "amount": "300"}
    )

    beyond = client.post(
        caf_url(handle, "/budget/commission"), {"service": "svc-speech", "amount": "250.01"}
    )

    assert beyond.status_code == 400
    page = beyond.content.decode()
    assert "£250.01 is more than the £200.00 left in this CAF&#39;s budget" in page
    assert "(£500.00 allocated, £300.00 already committed)" in page
    assert BudgetCommitment.objects.count() == 1
    # The budget cannot then be cut below what is committed.
    cut = allocate(coordinator, overview, "299.99")
    assert "cannot be less than the £300.00 already committed" in cut.content.decode()
    assert budget_of(overview).allocated == 50000


def test_nothing_is_commissioned_without_a_budget_or_a_listed_service(led, services):
    client, handle, overview = led

    unbudgeted = client.post(
        caf_url(handle, "/budget/commission"), {"service": "svc-speech", "amount": "10"}
    )
    assert "No budget has been allocated to this CAF" in unbudgeted.content.decode()
    clerk = UserFactory(username="clerk")
    BudgetAllocation.objects.create(overview=overview, amount_pence=10000, by=clerk)
    made_up = client.post(
        caf_url(handle, "/budget/commission"), {"service": "svc-gone", "amount": "10"}
    )
    assert "That service is not in the directory" in made_up.content.decode()
    assert not BudgetCommitment.objects.exists()


def test_only_the_lead_professional_commissions_and_spends(led, coordinator, services, school):
    _, _, overview = led
    allocate(coordinator, overview, "500")
    colleague = UserFactory(username="carl", organisation=school)
    other = signed_in_client(colleague)
    other_handle = open_caf_record(other)

    page = other.get(caf_url(other_handle, "/budget"))
    refused = other.post(
        caf_url(other_handle, "/budget/commission"), {"service": "svc-speech", "amount": "10"}
    )

    assert page.status_code == 200 and "Commission a service" not in page.content.decode()
    assert refused.status_code == 403
    assert "Only the CAF&#39;s Lead Professional" in refused.content.decode()
    picked = find_service("svc-speech")
    assert picked is not None
    with pytest.raises(BudgetRefused, match="Only the CAF's Lead Professional"):
        commission_service(
            overview=overview, service=picked, amount_pence=100, note="", by=colleague
        )
    assert not BudgetCommitment.objects.exists()


def test_spend_is_recorded_against_a_commitment_and_never_beyond_it(led, coordinator, services):
    client, handle, overview = led
    allocate(coordinator, overview, "500")
    client.post(
        caf_url(handle, "/budget/commission"), {"service": "svc-parenting", "amount": "300"}
    )
    commitment = BudgetCommitment.objects.get()
    spend_url = caf_url(handle, f"/budget/spend/{commitment.pk}")
    today = timezone.localdate()

    spent = client.post(
        spend_url, {"amount": "120", **day_parts("spent_on", today), "note": "First half"}
    )
    beyond = client.post(spend_url, {"amount": "180.01", **day_parts("spent_on", today)})
    future = client.post(
        spend_url, {"amount": "1", **day_parts("spent_on", today + timedelta(days=1))}
    )

    assert spent.status_code == 302
    assert "£180.01 is more than the £180.00 not yet spent" in beyond.content.decode()
    assert "Date spent must be today or in the past" in future.content.decode()
    assert list(BudgetSpend.objects.values_list("amount_pence", flat=True)) == [12000]
    budget = budget_of(overview)
    assert (budget.allocated, budget.committed, budget.spent, budget.remaining) == (
        50000,
        30000,
        12000,
        20000,
    )
    assert AuditEvent.objects.filter(action="caf.budget_spent", actor_username="alice").exists()
    assert client.get(caf_url(handle, "/budget/spend/999")).status_code == 404


def test_the_directory_search_needs_every_word():
    trust = Organization.objects.create(id="org-2", name="Wealdshire Youth")
    Service.objects.create(
        id="a", name="Youth club", description="Tuesday evenings", organization=trust
    )
    Service.objects.create(id="b", name="Youth mentoring", organization=trust)

    assert [s.id for s in search_services("youth tuesday")] == ["a"]
    assert [s.id for s in search_services("wealdshire")] == ["a", "b"]
    assert search_services("   ") == []


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def test_budget_figures_total_by_quarter_and_service_for_an_area(
    led, coordinator, services, school
):
    _, _, overview = led
    school.local_authority = "Northmoor"
    school.save()
    alice = User.objects.get(username="alice")
    BudgetAllocation.objects.create(
        overview=overview, amount_pence=50000, by=coordinator, at=_at(date(2026, 2, 1))
    )
    BudgetAllocation.objects.create(
        overview=overview, amount_pence=80000, by=coordinator, at=_at(date(2026, 5, 1))
    )
    parenting = BudgetCommitment.objects.create(
        overview=overview,
        service_id="svc-parenting",
        service_name="Incredible Years parenting course",
        amount_pence=30000,
        by=alice,
        at=_at(date(2026, 2, 10)),
    )
    BudgetCommitment.objects.create(
        overview=overview,
        service_id="svc-speech",
        service_name="Chatterbox",
        amount_pence=40000,
        by=alice,
        at=_at(date(2026, 5, 10)),
    )
    BudgetSpend.objects.create(
        commitment=parenting, amount_pence=10000, spent_on=date(2026, 3, 1), by=alice
    )
    BudgetSpend.objects.create(
        commitment=parenting, amount_pence=5000, spent_on=date(2026, 4, 2), by=alice
    )

    year = budget_figures(date(2026, 1, 1), date(2026, 12, 31))
    first = budget_figures(date(2026, 1, 1), date(2026, 3, 31), area="Northmoor")
    elsewhere = budget_figures(date(2026, 1, 1), date(2026, 12, 31), area="Wealdshire")

    assert [(q.label, q.allocated, q.committed, q.spent) for q in year.quarters] == [
        ("January to March 2026", 50000, 30000, 10000),
        ("April to June 2026", 30000, 40000, 5000),
    ]
    assert year.totals == {"allocated": 80000, "committed": 70000, "spent": 15000}
    assert year.allocated_in_force == 80000 and year.cafs_with_budget == 1
    assert [(s.service_id, s.commitments, s.cafs, s.committed, s.spent) for s in year.services] == [
        ("svc-speech", 1, 1, 40000, 0),
        ("svc-parenting", 1, 1, 30000, 15000),
    ]
    assert [(k.label, k.committed, k.spent) for k in year.agency_types] == [
        ("School", 70000, 15000)
    ]
    assert first.totals == {"allocated": 50000, "committed": 30000, "spent": 10000}
    assert first.allocated_in_force == 50000
    assert elsewhere.empty and elsewhere.totals == {"allocated": 0, "committed": 0, "spent": 0}
    assert "Olivia" not in repr(year)  # no child-level data


def test_a_meeting_action_names_a_directory_service(led, services):
    client, handle, _ = led
    meeting_url = arrange(client, handle)
    due = day_parts("due_on", timezone.localdate() + timedelta(days=14))

    found = client.get(meeting_url, {"service_q": "speech"}).content.decode()
    made_up = client.post(
        meeting_url,
        {"step": "action", "description": "Refer", "owner": "Alice", **due, "service": "nope"},
    )
    named = client.post(
        meeting_url,
        {
            "step": "action",
            "description": "Refer Olivia to the speech group",
            "owner": "Alice",
            **due,
            "service_q": "speech",
            "service": "svc-speech",
        },
    )

    assert 'value="svc-speech"' in found and "Chatterbox speech and language group" in found
    assert "That service is not in the directory: search again" in made_up.content.decode()
    assert named.status_code == 302
    action = TeamAction.objects.get()
    assert (action.service_id, action.service_name) == (
        "svc-speech",
        "Chatterbox speech and language group",
    )
    page = client.get(meeting_url).content.decode()
    assert "/directory/services/svc-speech" in page


def test_the_node_keeps_a_service_only_with_its_name(led):
    client, handle, _ = led
    arrange(client, handle)
    meeting = Meeting.objects.order_by("id").last()
    by = Actor(username="alice", name="Alice", organisation="sch-001")

    with pytest.raises(ValueError, match="directory id and its name together"):
        team.add_action(
            meeting=meeting,
            description="x",
            owner="Alice",
            due_on=timezone.localdate(),
            by=by,
            service_id="svc-speech",
        )
    assert not TeamAction.objects.exists()


def test_the_record_links_an_involvement_to_its_directory_service(led):
    client, handle, _ = led
    health = Organization.objects.create(id="org-h", name="Northmoor Community Health")
    Service.objects.create(id="svc-hv", name="Health visiting", organization=health)
    Service.objects.create(id="svc-other", name="Family support", organization=health)

    page = client.get(f"/children/record/{handle}").content.decode()

    assert "/directory/services/svc-hv" in page
    assert "/directory/services/svc-other" not in page  # another agency's family support


def test_involvements_match_the_directory_by_organisation_and_service_name(db):
    trust = Organization.objects.create(id="o", name="Wealdshire Youth")
    Service.objects.create(id="club", name="Youth club (Tuesdays)", organization=trust)
    Service.objects.create(id="mentor", name="Youth mentoring", organization=trust)

    found = involved_services(
        [
            ("wealdshire youth", "Youth club"),
            ("Wealdshire Youth", "Youth"),
            ("Another trust", "Youth club"),
        ]
    )

    assert {k: v.id for k, v in found.items()} == {("wealdshire youth", "Youth club"): "club"}


def test_a_closed_cafs_budget_does_not_change(led, coordinator, services):
    client, handle, overview = led
    allocate(coordinator, overview, "500")
    CafOverview.objects.filter(pk=overview.pk).update(status="closed")

    changed = allocate(coordinator, overview, "900")
    commissioned = client.post(
        caf_url(handle, "/budget/commission"), {"service": "svc-speech", "amount": "10"}
    )

    assert "This CAF is closed: its budget cannot change" in changed.content.decode()
    assert "closed: nothing more can be commissioned" in commissioned.content.decode()
    assert list(BudgetAllocation.objects.values_list("amount_pence", flat=True)) == [50000]
    assert not BudgetCommitment.objects.exists()


def test_no_budget_page_for_a_caf_the_hub_does_not_know(caf, coordinator):  # noqa: F811
    client, handle = caf
    CafOverview.objects.all().delete()

    page = client.get(caf_url(handle, "/budget"))

    assert "No budget has been allocated to this CAF" in page.content.decode()
    assert signed_in_client(coordinator).get("/caf/budgets/999").status_code == 404
