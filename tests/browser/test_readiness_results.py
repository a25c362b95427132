"""An officer reads a round's results, opens the workshop and records an agreed score;
the workshop and the results then show it. axe checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..readiness.conftest import bank_version, readiness_round, respondents  # noqa: F401 - fixtures
from ..readiness.test_results import answered  # noqa: F401 - fixture
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_records_the_workshops_agreed_score(
    page,
    partnership_officer,
    answered,  # noqa: F811
):
    signed_in(page, partnership_officer)
    page.visit(f"/readiness/rounds/{answered.pk}/results")
    expect(page.get_by_role("heading", name="Results: Autumn 2026")).to_be_visible()
    expect(page.get_by_text("2 of 3 respondents have submitted their answers.")).to_be_visible()
    heat = page.get_by_role("table", name="Score of each building block in each dimension")
    scoping = heat.get_by_role("row", name="Scoping statement and business case")
    expect(scoping.get_by_role("cell").first).to_have_text("2.0")
    heat_map = page.get_by_role("img", name="Heat map of the building blocks by dimension")
    expect(heat_map).to_be_visible()
    assert heat_map.evaluate("img => img.naturalWidth") > 0  # the SVG was drawn and loaded
    page.save_screenshot("readiness-results")

    page.get_by_role("link", name="Workshop: 2 statements where respondents differ").click()
    page.check()
    expect(page.get_by_role("heading", name="Workshop", exact=True)).to_be_visible()
    expect(page.get_by_text("Our protocol is signed by every partner.")).to_be_visible()

    page.get_by_role("link", name="Record the agreed score for SC-P-1").click()
    page.check()
    page.get_by_role("button", name="Record the agreed score").click()  # nothing chosen
    page.check()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("1: We are beginning to see a way forward").check()
    page.get_by_label("Why the workshop agreed this score").fill(
        "The partners agreed only the first steps are taken."
    )
    page.get_by_role("button", name="Record the agreed score").click()
    page.check()

    expect(page.get_by_text("Agreed score recorded for SC-P-1: 1")).to_be_visible()
    expect(page.get_by_text("The partners agreed only the first steps are taken.")).to_be_visible()
    expect(page.get_by_text("Recorded by Pat Partner")).to_be_visible()
    page.save_screenshot("readiness-workshop")

    page.get_by_role("link", name="Back to the results").click()
    page.check()
    expect(scoping.get_by_role("cell").first).to_have_text("1.0")
    expect(page.get_by_text("Agreed at 1")).to_be_visible()

    page.get_by_role("link", name="Compare with earlier rounds and between partners").click()
    page.check()
    expect(page.get_by_text("1 partner chose not to be compared and is not shown.")).to_be_visible()
    partners = page.get_by_role("img", name="Bar chart of each partner's score in each dimension")
    assert partners.evaluate("img => img.naturalWidth") > 0
    page.save_screenshot("readiness-comparison")
