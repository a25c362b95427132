"""Case studies from contribution to the public: a practitioner shares one, a partnership
officer publishes it, and a visitor who is not signed in finds it by building block and by
words; the framework's pages are read on the way. axe on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..guidance.conftest import two_banks, worded_framework
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def guidance_words(monkeypatch) -> None:
    """The test framework's words and the small test bank (the live server runs in this
    process, so it reads them too)."""
    fw, banks = worded_framework(), two_banks()
    monkeypatch.setattr("fame.guidance.queries.framework", lambda: fw)
    monkeypatch.setattr("fame.guidance.queries.shipped_banks", lambda: banks)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.check()


def test_case_study_contributed_published_and_found_signed_out(
    page, school_teacher, partnership_officer, guidance_words
):
    # A practitioner shares a case study from the framework's pages.
    signed_in(page, school_teacher)
    page.visit("/framework/")
    page.get_by_role("link", name="Share your partnership's case study").click()
    page.check()
    page.get_by_role("button", name="Send for checking").click()
    page.check()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.page).to_have_title("Error: Share a case study – FAME")
    # The error summary links to the field (within the page: no new page loads).
    page.page.get_by_role("link", name="Select at least one building block").click()
    expect(page.locator("#id_blocks")).to_be_focused()
    page.get_by_label("Title").fill("One front door for referrals")
    page.get_by_label("Partnership").fill("Northshire Children's Trust")
    page.get_by_label("What did you try?").fill("A single front door for every agency's referrals.")
    page.get_by_label("What barrier did you meet? (optional)").fill(
        "Partners feared losing control."
    )
    page.get_by_label("What worked?").fill("A weekly triage meeting of every agency's lead.")
    page.get_by_label("Identity management").check()
    page.get_by_label("ICT infrastructure and applications").check()
    page.get_by_label("Poor data quality").check()
    page.get_by_label("Contact name (optional)").fill("Robin Shaw")
    page.get_by_label("Contact email address (optional)").fill("robin.shaw@example.org")
    page.get_by_role("button", name="Send for checking").click()
    page.check()
    expect(
        page.get_by_text("will be published once a partnership officer has checked it")
    ).to_be_visible()
    expect(page.locator("#case-study-count")).to_have_text("0 case studies")
    page.save_screenshot("guidance-contributed")
    sign_out(page)

    # A partnership officer checks it and publishes it.
    signed_in(page, partnership_officer)
    page.visit("/readiness/case-studies/moderate")
    page.get_by_role("link", name="One front door for referrals").click()
    page.check()
    page.get_by_role("button", name="Save the decision").click()
    page.check()
    expect(
        page.page.get_by_role("link", name="Select whether to publish the case study")
    ).to_be_visible()
    page.get_by_label("Yes, publish it").check()
    page.get_by_label("Note").fill("Names no child or family.")
    page.get_by_role("button", name="Save the decision").click()
    page.check()
    expect(page.get_by_text("“One front door for referrals” is published.")).to_be_visible()
    expect(page.locator("#nothing-waiting")).to_be_visible()
    page.save_screenshot("guidance-moderated")
    sign_out(page)

    # A visitor who is not signed in finds it through the identity management block.
    page.visit("/framework/")
    page.get_by_role("link", name="Identity management").click()
    page.check()
    expect(page.get_by_role("heading", name="Identity management", level=1)).to_be_visible()
    expect(page.locator("#IM-T-1")).to_contain_text("Move IM-T-1 up from 0.")
    page.save_screenshot("guidance-block")
    page.get_by_role("link", name="Find case studies about identity management").click()
    page.check()
    expect(page.locator("#case-study-count")).to_have_text("1 case study found")
    page.get_by_role("link", name="One front door for referrals").click()
    page.check()
    expect(page.get_by_text("A weekly triage meeting of every agency's lead.")).to_be_visible()
    expect(page.page.get_by_role("link", name="robin.shaw@example.org")).to_be_visible()

    # And by words, through the case studies' search.
    page.visit("/framework/case-studies")
    page.get_by_label("Words to look for").fill("TRIAGE")
    page.get_by_role("button", name="Find case studies").click()
    page.check()
    expect(page.locator("#case-study-count")).to_have_text("1 case study found")
    page.get_by_label("Words to look for").fill("nothing like it")
    page.get_by_role("button", name="Find case studies").click()
    page.check()
    expect(page.locator("#case-study-count")).to_have_text("0 case studies found")

    # A dimension's page, and the way back to the framework.
    page.visit("/framework/dimensions/ict")
    expect(page.locator("#IM-T-1")).to_be_visible()
    page.get_by_role("link", name="The framework").click()
    page.check()
    page.save_screenshot("guidance-framework")


def test_every_guidance_page_with_the_shipped_framework_and_banks_passes_axe(page):
    """Whatever framework and banks ship: each block's and dimension's page, signed out."""
    from fame.readiness.framework import framework

    page.visit("/framework/")
    for block in framework().blocks:
        page.visit(f"/framework/{block.key}")
        expect(page.get_by_role("heading", name=block.name, level=1)).to_be_visible()
    for dimension in framework().dimensions:
        page.visit(f"/framework/dimensions/{dimension.key}")
        expect(page.get_by_role("heading", name=dimension.name, level=1)).to_be_visible()
    page.visit("/framework/case-studies")
