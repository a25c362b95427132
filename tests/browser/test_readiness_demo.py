"""The demo region's readiness round as a person who runs `make run` meets it: the waiting
respondent finds the round and its task list; the partnership officer finds its results
and the workshop's disagreements. axe checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fame.accounts.models import OrganisationType
from fame.readiness.bank import read_bank
from fame.readiness.queries import round_results
from fame.readiness.seeding import DEMO_TITLE, seed_demo_round
from tests.factories import OrganisationFactory, UserFactory

from ..readiness.banks import small_bank_text
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_round(isa_officer, health_visitor, school_teacher, partnership_officer):
    police = OrganisationFactory(
        agency_id="pol-001", name="Northmoor Police", type=OrganisationType.POLICE
    )
    police_officer = UserFactory(username="paul", organisation=police)
    logins = {
        "isa_officer": isa_officer.username,
        "health_visitor": health_visitor.username,
        "school_teacher": school_teacher.username,
        "police_officer": police_officer.username,
        "partnership_officer": partnership_officer.username,
    }
    round_ = seed_demo_round(logins=logins, seed=7, bank=read_bank(small_bank_text()))
    assert round_ is not None
    return round_


def test_the_waiting_respondent_finds_the_demo_round_to_answer(page, demo_round, school_teacher):
    signed_in(page, school_teacher)
    page.visit("/readiness/")
    row = page.get_by_role("row", name=DEMO_TITLE)
    expect(row).to_contain_text("0 of 27 answered")
    row.get_by_role("link", name=DEMO_TITLE).click()
    page.check()
    page.visit(f"/readiness/rounds/{demo_round.pk}/answer/")
    page.check()
    expect(page.get_by_text("0 of 27 statements answered")).to_be_visible()


def test_the_officer_finds_the_demo_rounds_disagreements(page, demo_round, partnership_officer):
    flagged = [r for r in round_results(demo_round) if r.flagged]
    signed_in(page, partnership_officer)
    page.visit(f"/readiness/rounds/{demo_round.pk}/results")
    expect(page.get_by_role("heading", name=f"Results: {DEMO_TITLE}")).to_be_visible()
    expect(page.get_by_text("2 of 3 respondents have submitted their answers.")).to_be_visible()
    page.get_by_role(
        "link", name=f"Workshop: {len(flagged)} statements where respondents differ"
    ).click()
    page.check()
    for result in flagged:
        expect(
            page.page.get_by_role("link", name=f"Record the agreed score for {result.statement.id}")
        ).to_be_visible()
