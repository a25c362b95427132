"""A readiness round from opening to submission: the partnership officer opens it with its
partners and invites a respondent; the respondent answers a block with evidence, saves,
comes back, checks their answers and submits. axe checks every page on the way."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from fame.readiness import facts
from fame.readiness.bank import read_bank
from fame.readiness.facts import Fact
from fame.readiness.models import Answer, BankVersion, Respondent, Round

from ..readiness.banks import small_bank_text
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

SCHOOL = "Hollins Lane Primary School"
TOLD = Fact(
    "protocols_in_force",
    "3 information sharing protocols are in force",
    datetime(2026, 12, 1, tzinfo=UTC),
)


@pytest.fixture
def kept_bank(db):
    return BankVersion.keep(read_bank(small_bank_text()))


@pytest.fixture(autouse=True)
def live_facts(monkeypatch):
    monkeypatch.setattr(facts, "live_facts", lambda keys: [TOLD], raising=False)


def statement(page, sid):
    """The radios of one statement, found by the statement's words."""
    return page.get_by_role("group", name=f"({sid}).")


def test_a_round_is_opened_answered_and_submitted(
    page, partnership_officer, school_teacher, kept_bank
):
    # The partnership officer opens a round with two partners.
    signed_in(page, partnership_officer)
    page.visit("/readiness/")
    page.get_by_role("button", name="Open a round").click()
    page.check()
    page.get_by_role("button", name="Open the round").click()
    page.check()
    expect(page.page).to_have_title("Error: Open a round – FAME")
    expect(page.page.get_by_role("link", name="Enter the partnership assessed")).to_be_visible()
    page.get_by_label("Partnership", exact=True).fill("Northshire Children's Trust")
    page.get_by_label("Title of the round").fill("Spring 2027")
    page.get_by_label("Test bank, version test.1").check()
    page.get_by_label("Partners", exact=True).fill(f"Northmoor Children's Services\n{SCHOOL}")
    page.get_by_role("button", name="Open the round").click()
    page.check()
    expect(page.get_by_role("heading", name="Spring 2027")).to_be_visible()
    expect(page.get_by_role("rowheader", name=SCHOOL)).to_be_visible()

    # ... and invites a teacher to answer for the school.
    page.get_by_role("button", name="Invite a respondent").click()
    page.check()
    page.get_by_label("Username or email address").fill("alice")
    page.get_by_label(SCHOOL).check()
    page.get_by_label("Practice lead").check()
    page.get_by_role("button", name="Invite").click()
    page.check()
    expect(page.get_by_text(f"is invited to answer for {SCHOOL}")).to_be_visible()
    round_ = Round.objects.get(title="Spring 2027")
    assert Respondent.objects.get(round=round_).user == school_teacher
    page.context.clear_cookies()

    # The teacher signs in and finds the round.
    signed_in(page, school_teacher)
    page.visit("/readiness/")
    expect(page.get_by_role("cell", name="0 of 27 answered")).to_be_visible()
    page.get_by_role("link", name="Spring 2027").click()
    page.check()
    page.get_by_role("button", name="Answer the statements").click()
    page.check()
    page.get_by_role("link", name="Information sharing").click()
    page.check()

    # A score without evidence is refused, and nothing typed is lost.
    statement(page, "IS-P-1").get_by_label("2: We have agreed what to do and started").check()
    statement(page, "IS-T-1").get_by_label("Don't know").check()
    page.get_by_label("Link to evidence (optional) for IS-T-1").fill("https://example.org/x")
    page.get_by_role("button", name="Save and come back later").click()
    page.check()
    expect(page.page).to_have_title("Error: Information sharing – FAME")
    problem = page.page.get_by_role("link", name="IS-P-1 is scored 2: give evidence for it")
    expect(problem).to_be_visible()
    expect(page.get_by_label("Link to evidence (optional) for IS-T-1")).to_have_value(
        "https://example.org/x"
    )
    assert Answer.objects.count() == 0
    page.save_screenshot("readiness-answering-block-refused")

    # With evidence and the live fact attached, it saves.
    page.get_by_label("Evidence for IS-P-1", exact=True).fill(
        "Joint training on the protocol runs monthly."
    )
    expect(page.get_by_text("3 information sharing protocols are in force")).to_be_visible()
    statement(page, "IS-G-1").get_by_label(
        "3: It is in place for some partners or services"
    ).check()
    page.get_by_label("Evidence for IS-G-1", exact=True).fill("The protocols register.")
    page.get_by_label("Attach this fact to my evidence for IS-G-1").check()
    page.get_by_role("button", name="Save and come back later").click()
    page.check()
    expect(page.get_by_text("Your answers are saved")).to_be_visible()
    expect(page.get_by_role("heading", name="3 of 27 statements answered")).to_be_visible()

    # Coming back, the answers are as they were left.
    page.get_by_role("link", name="Information sharing").click()
    page.check()
    expect(page.get_by_label("Evidence for IS-P-1", exact=True)).to_have_value(
        "Joint training on the protocol runs monthly."
    )
    expect(statement(page, "IS-T-1").get_by_label("Don't know")).to_be_checked()
    page.get_by_role("link", name="Back to your answers").click()
    page.check()

    # The other blocks were answered "don't know" on another day.
    respondent = Respondent.objects.get(round=round_)
    Answer.objects.bulk_create(
        Answer(respondent=respondent, statement_id=s.id, dont_know=True)
        for s in round_.bank.statements
        if s.block != "information-sharing"
    )
    page.get_by_role("button", name="Check your answers").click()
    page.check()
    expect(
        page.get_by_text("Fact attached: 3 information sharing protocols are in force")
    ).to_be_visible()
    page.get_by_role("button", name="Submit your answers").click()
    page.check()
    expect(page.get_by_text("Your answers are submitted")).to_be_visible()
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None
    answer = Answer.objects.get(respondent=respondent, statement_id="IS-T-1")
    assert (answer.dont_know, answer.score) == (True, None)
    page.save_screenshot("readiness-answering-submitted")
