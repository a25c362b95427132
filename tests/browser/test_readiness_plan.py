"""The action plan in the browser: an officer accepts two suggestions, gives one an owner
and a due date, marks the other done and opens the roadmap; axe checks every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fame.readiness.bank import read_bank
from fame.readiness.models import Answer, BankVersion, Lead, Partner, PlanAction, Respondent, Round
from tests.factories import UserFactory
from tests.readiness.banks import small_bank_text

from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def answered_round(partnership_officer, local_authority, school) -> Round:
    round_ = Round.objects.create(
        partnership="Northshire Children's Trust",
        title="Autumn 2026",
        bank_version=BankVersion.keep(read_bank(small_bank_text())),
        opened_by=partnership_officer,
    )
    people = [
        UserFactory(username="la.governance", organisation=local_authority),
        UserFactory(username="school.practice", organisation=school),
    ]
    for user in people:
        partner = Partner.objects.create(round=round_, name=user.organisation.name)
        Respondent.objects.create(round=round_, user=user, partner=partner, lead=Lead.OTHER)
    low = {"SC-P-1": (1, 1), "FE-T-1": (0, 4)}
    for statement in round_.bank.statements:
        for respondent, score in zip(
            round_.respondents.order_by("id"), low.get(statement.id, (4, 4)), strict=True
        ):
            Answer.objects.create(respondent=respondent, statement_id=statement.id, score=score)
    return round_


def test_officer_plans_and_opens_the_roadmap(page, partnership_officer, answered_round):
    signed_in(page, partnership_officer)
    page.visit(f"/readiness/rounds/{answered_round.pk}/plan")
    expect(page.get_by_role("heading", name="Action plan")).to_be_visible()

    page.get_by_role("button", name="Accept the action for SC-P-1").click()
    page.check()
    expect(page.get_by_text("Added to the plan: Move SC-P-1 up from 1.")).to_be_visible()
    page.get_by_role("button", name="Accept agreeing FE-T-1").click()
    page.check()
    assert PlanAction.objects.filter(round=answered_round).count() == 2

    page.get_by_role("link", name="Change Move SC-P-1 up from 1.").click()
    page.check()
    due = timezone.localdate() + timedelta(days=45)
    page.get_by_label("Owner (optional)").fill("Scoping group")
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Save").click()
    page.check()
    expect(page.get_by_role("cell", name="Scoping group")).to_be_visible()

    page.get_by_role("link", name="Change Agree at the workshop").click()
    page.check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2000")
    page.get_by_role("button", name="Save").click()
    page.check()
    summary = page.page.get_by_role("alert")
    expect(summary.get_by_text("The due date must be today or in the future")).to_be_visible()
    page.get_by_label("Day").fill("")
    page.get_by_label("Month").fill("")
    page.get_by_label("Year").fill("")
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Save").click()
    page.check()
    done = PlanAction.objects.get(round=answered_round, suggestion="workshop")
    assert (done.status, done.done_on) == ("done", timezone.localdate())

    page.get_by_role("link", name="See the roadmap").click()
    page.check()
    expect(page.get_by_role("heading", name="Roadmap")).to_be_visible()
    short = page.page.locator("section", has=page.page.get_by_role("heading", name="Short term"))
    expect(short.get_by_text("Move SC-P-1 up from 1.")).to_be_visible()
    expect(page.get_by_role("table", name="Each action's term and due date")).to_be_visible()

    page.visit("/readiness/roadmaps")
    expect(
        page.page.get_by_role("link", name="Northshire Children's Trust roadmap")
    ).to_be_visible()
