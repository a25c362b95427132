"""A budget-holding Lead Professional in the browser, axe on every page: the CAF co-ordinator
allocates a budget to a CAF from the queue; the Lead Professional (a health visitor, for a
CAF the school holds) commissions a service picked from the directory, is refused a second
beyond what is left, and records what was spent.

The live server is hub and node at once; the CAF is made through the hub's own pages
(Django's test client, signed in as the assessor), so the browser walks only the budget.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fame.caf.models import BudgetAllocation, BudgetCommitment, BudgetSpend, CafOverview
from fame.directory.models import Organization, Service
from fame.node.outbox import deliver_once

from .test_caf_journey import open_olivia
from .test_caf_roles import completed_caf, fill_date, meeting_recorded, region  # noqa: F401
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def directory(db):
    trust = Organization.objects.create(id="org-nft", name="Northmoor Family Trust")
    Service.objects.create(
        id="svc-parenting",
        name="Incredible Years parenting course",
        description="Twelve weekly sessions for parents of children aged 3 to 8.",
        organization=trust,
    )
    Service.objects.create(id="svc-sleep", name="Sleep clinic for families", organization=trust)


def test_a_budget_holding_lead_professional_commissions_a_directory_service(
    page,
    region,  # noqa: F811 - the imported fixture
    directory,
):
    client, handle = completed_caf(region["alice"])
    meeting_recorded(client, handle, lead="bob")  # a health visitor leads the school's CAF
    deliver_once()  # the co-ordinator's facts, and the Lead Professional, reach the hub
    reference = f"CAF-{CafOverview.objects.get().pk:04d}"

    # The co-ordinator allocates £500 from the queue.
    signed_in(page, region["cora"])
    page.get_by_role("link", name="CAF co-ordination").click()
    page.check()
    page.get_by_role("link", name=f"Budget for {reference}").click()
    page.check()
    expect(page.get_by_role("heading", name=f"Budget for {reference}")).to_be_visible()
    page.get_by_label("Budget for this CAF").fill("five hundred")
    page.get_by_role("button", name="Save the budget").click()
    page.check()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("Budget for this CAF").fill("500")
    page.get_by_label("Note (optional)").fill("Agreed at the early help panel")
    page.get_by_role("button", name="Save the budget").click()
    page.check()
    expect(page.get_by_text(f"The budget for {reference} is saved.")).to_be_visible()
    expect(page.get_by_text("£500.00 on", exact=False)).to_be_visible()
    assert BudgetAllocation.objects.get().amount_pence == 50000
    page.save_screenshot("budget-allocated")
    page.page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()

    # The Lead Professional commissions a parenting course found in the directory.
    signed_in(page, region["bob"])
    open_olivia(page)
    page.get_by_role("link", name="Open the CAF").click()
    page.check()
    page.get_by_role("link", name="The CAF's budget").click()
    page.check()
    page.get_by_role("button", name="Commission a service").click()
    page.check()
    page.get_by_label("Search the service directory").fill("parenting")
    page.get_by_role("button", name="Search", exact=True).click()
    page.check()
    page.get_by_label("Incredible Years parenting course").check()
    page.get_by_label("Amount to commit").fill("£320")
    page.get_by_role("button", name="Commission the service").click()
    page.check()
    expect(page.get_by_text("Incredible Years parenting course is commissioned")).to_be_visible()
    course = page.page.get_by_role("link", name="Incredible Years parenting course", exact=True)
    expect(course).to_have_attribute("href", "/directory/services/svc-parenting")

    # A second service beyond what is left is refused, with what was typed kept.
    page.get_by_role("button", name="Commission a service").click()
    page.check()
    page.get_by_label("Search the service directory").fill("sleep")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_label("Sleep clinic for families").check()
    page.get_by_label("Amount to commit").fill("200")
    page.get_by_role("button", name="Commission the service").click()
    page.check()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    refusal = page.page.get_by_role("link", name="£200.00 is more than the £180.00 left")
    expect(refusal).to_be_visible()
    expect(page.get_by_label("Amount to commit")).to_have_value("200")
    assert BudgetCommitment.objects.count() == 1
    page.save_screenshot("budget-beyond-refused")

    # Spend on the course.
    page.get_by_role("link", name="Back to the budget").click()
    page.check()
    page.get_by_role("link", name="Record spend on Incredible Years parenting course").click()
    page.check()
    page.get_by_label("Amount spent").fill("160")
    fill_date(page, "spent_on", timezone.localdate())
    page.get_by_label("What it paid for (optional)").fill("First six sessions")
    page.get_by_role("button", name="Record the spend").click()
    page.check()
    expect(
        page.get_by_text("The spend on Incredible Years parenting course is recorded.")
    ).to_be_visible()
    spent = page.locator(".govuk-summary-list__row", has_text="Spent")
    expect(spent).to_contain_text("£160.00")
    assert BudgetSpend.objects.get().amount_pence == 16000
    page.save_screenshot("budget-spent")

    # A meeting's action names a directory service, linked to its page.
    page.get_by_role("link", name="Back to the CAF").click()
    page.check()
    page.get_by_role("link", name="Meeting on", exact=False).first.click()
    page.check()
    page.get_by_label("Find a service in the directory (optional)").fill("sleep")
    page.get_by_role("button", name="Search the directory").click()
    page.check()
    page.get_by_label("What needs to be done").fill("Refer the family to the sleep clinic")
    page.get_by_label("Who will do it").fill("Bob, health visitor")
    fill_date(page, "due_on", timezone.localdate())
    page.get_by_label("Sleep clinic for families").check()
    page.get_by_role("button", name="Add the action").click()
    page.check()
    expect(page.get_by_text("The action is added.")).to_be_visible()
    clinic = page.page.get_by_role("link", name="Sleep clinic for families")
    expect(clinic).to_have_attribute("href", "/directory/services/svc-sleep")
    page.save_screenshot("meeting-action-names-a-service")
