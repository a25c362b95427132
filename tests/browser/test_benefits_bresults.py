"""An officer reads a three-partner model's results and charts, looks at its sensitivity,
makes a Monte Carlo run, takes figures from a Demonstrator comparison (small scenario, few
replications) into version 2, and looks at benefits realisation. axe checks every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fame.benefits.models import BenefitsModel

from ..benefits.examples import example
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def three_partners(by) -> BenefitsModel:
    data = example()
    data["partners"].append({"id": "police", "population": 40000, "practitioners": 150})
    found = BenefitsModel.objects.create(
        name="Finding who is involved", partnership="Northshire", created_by=by
    )
    found.save_version(data, by=by, note="Three partners")
    return found


def loaded(image) -> None:
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") > 0  # the SVG was drawn and loaded


def test_an_officer_reads_results_runs_sensitivity_and_takes_demonstrator_figures(
    page, partnership_officer
):
    model = three_partners(partnership_officer)
    signed_in(page, partnership_officer)

    page.visit(f"/benefits/{model.pk}/results")
    expect(page.get_by_role("heading", name="Results: Finding who is involved")).to_be_visible()
    years = page.get_by_role("table", name="Costs, benefits and net by year")
    expect(years.get_by_role("row")).to_have_count(6)  # a header and five years
    partners = page.get_by_role("table", name="Each partner's costs, benefits and net")
    expect(partners.get_by_role("rowheader", name="police")).to_have_count(3)
    loaded(page.get_by_role("img", name="Bar chart of costs and benefits by year"))
    loaded(page.get_by_role("img", name="Line chart of the cumulative discounted net"))
    loaded(page.get_by_role("img", name="Bar chart of each partner's net position"))
    page.save_screenshot("benefits-results")

    page.get_by_role("link", name="Sensitivity and a Monte Carlo run").click()
    page.check()
    expect(page.get_by_role("heading", name="Sensitivity", exact=True)).to_be_visible()
    loaded(page.get_by_role("img", name="Tornado chart of the net present value"))
    page.get_by_label("Number of runs").fill("200")
    page.get_by_role("button", name="Run").click()
    page.check()
    expect(page.get_by_text("Net present value over 200 runs (seed 0)")).to_be_visible()
    loaded(page.get_by_role("img", name="Histogram of the net present value"))
    page.get_by_label("Number of runs").fill("0")
    page.get_by_role("button", name="Run").click()
    page.check()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.save_screenshot("benefits-sensitivity")

    page.get_by_role("link", name="Back to the results").click()
    page.check()
    page.get_by_role("link", name="Take figures from a Demonstrator comparison").click()
    page.check()
    page.get_by_label("Replications").fill("2")
    page.get_by_role("button", name="Run the comparison").click()
    page.check()
    figures = page.get_by_role("table", name="Figures for the time benefit and activity")
    expect(figures.get_by_role("rowheader", name="Share of the time saved")).to_be_visible()
    page.get_by_label("Finding who is involved").check()
    page.get_by_role("button", name="Use these figures").click()
    page.check()
    expect(page.get_by_text("Version 2 saved with the hours a month")).to_be_visible()
    expect(page.get_by_text("Version 2 (Hours and share saved from Demonstrator")).to_be_visible()
    page.save_screenshot("benefits-comparison-used")

    page.get_by_role("link", name="Benefits realisation").click()
    page.check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Planned a year at full use by la").fill("400")
    page.get_by_label("Planned a year at full use by pct").fill("200")
    page.get_by_label("Planned a year at full use by police").fill("100")
    page.get_by_role("button", name="Compare").click()
    page.check()
    expect(page.get_by_role("table", name="Searches of the index planned")).to_be_visible()
    loaded(page.get_by_role("img", name="Bar chart of the activity recorded each quarter"))
