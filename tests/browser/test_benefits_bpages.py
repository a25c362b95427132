"""Building a benefits model in the browser.

A partnership officer starts a model, adds three partners, changes the optimism bias,
adds a running cost shared by population and a one-off cost in custom shares (first
typed so they add up to 0.9, which is refused, then put right), changes the default time
benefit shared by practitioners, checks the answers, saves version 1 and downloads its
JSON, which the calculator reads. axe checks every page on the way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fame.benefits.model import read_model
from fame.benefits.models import BenefitsModel

from .test_child_index import signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PARTNERS = [
    ("la", "Northshire County Council", "40000", "600"),
    ("pct", "Northshire Primary Care Trust", "40000", "250"),
    ("police", "Northshire Police", "38000", "150"),
]


def keep(page) -> None:
    page.get_by_role("button", name="Keep in my draft").click()
    page.check()


def to_section(page, name: str) -> None:
    page.get_by_role("link", name="Back to the model's sections").click()
    page.check()
    link = page.page.get_by_role("main").get_by_role("link", name=name, exact=True)
    with page.page.expect_navigation(wait_until="load"):
        link.click()
    page.check()


def test_officer_builds_a_model_with_three_partners(page, partnership_officer, tmp_path: Path):
    signed_in(page, partnership_officer)
    page.get_by_role("link", name="Benefits", exact=True).click()
    page.check()
    page.get_by_role("button", name="Start a new model").click()
    page.check()
    page.get_by_label("Name of the model").fill("Finding who is involved")
    page.get_by_label("Partnership").fill("Northshire Children's Trust")
    expect(page.get_by_label("Years the model covers")).to_have_value("5")
    page.get_by_role("button", name="Start the model").click()
    page.check()

    expect(page.get_by_role("heading", name="Partners", exact=True)).to_be_visible()
    for pid, name, population, practitioners in PARTNERS:
        page.get_by_role("button", name="Add a partner").click()
        page.check()
        page.get_by_label("Short id").fill(pid)
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Population served").fill(population)
        page.get_by_label("Practitioners").fill(practitioners)
        keep(page)
        expect(page.get_by_text(f"{name} is kept in your draft.")).to_be_visible()

    to_section(page, "Settings")
    expect(page.get_by_text("Default 3.5%. Source: HM Treasury, The Green Book")).to_be_visible()
    page.get_by_label("Optimism bias added to costs, %").fill("44")
    keep(page)

    to_section(page, "Costs")
    page.get_by_role("button", name="Add a cost").click()
    page.check()
    page.get_by_label("Name of the cost").fill("Hub hosting")
    page.get_by_label("Running, each year in a range").check()
    page.get_by_label("From year").fill("1")
    page.get_by_label("To year").fill("5")
    page.get_by_label("Amount, £").fill("30000")
    page.get_by_label("By the population each partner serves").check()
    keep(page)

    page.get_by_role("button", name="Add a cost").click()
    page.check()
    page.get_by_label("Name of the cost").fill("Integration")
    page.get_by_label("One-off, in one year").check()
    page.get_by_label("Year", exact=True).fill("1")
    page.get_by_label("Amount, £").fill("20000")
    page.get_by_label("In shares you give").check()
    for (_, name, _, _), share in zip(PARTNERS, ["0.5", "0.3", "0.1"], strict=True):
        page.get_by_label(f"Share of {name}").fill(share)
    keep(page)
    expect(page.page).to_have_title("Error: Add a cost – FAME")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The shares add up to 0.9, not 1")
    page.get_by_label("Share of Northshire County Council").fill("0.6")
    keep(page)
    expect(page.get_by_role("heading", name="Integration")).to_be_visible()

    to_section(page, "Benefits")
    page.get_by_role("link", name="Change Finding who is involved").click()
    page.check()
    expect(page.get_by_label("By each partner's practitioners")).to_be_checked()
    page.get_by_label("Hourly cost of a practitioner, £").fill("40")
    keep(page)

    page.get_by_role("link", name="Back to the model's sections").click()
    page.check()
    page.get_by_role("link", name="Check the model and save a new version").click()
    page.check()
    expect(page.get_by_text("£30,000.00")).to_be_visible()
    expect(page.get_by_text("In shares: la 0.6, pct 0.3, police 0.1")).to_be_visible()
    page.get_by_label("Note for this version (optional)").fill("First cut for the board")
    page.get_by_role("button", name="Save as a new version").click()
    page.check()
    expect(page.get_by_text("Version 1 of Finding who is involved is saved.")).to_be_visible()

    with page.page.expect_download() as waiting:
        page.page.get_by_role("link", name="Version 1 as JSON").click()
    data = json.loads(Path(waiting.value.path()).read_text(encoding="utf-8"))
    model = read_model(data)
    assert [p.id for p in model.partners] == ["la", "pct", "police"]
    assert [(c.name, c.shared.rule) for c in model.costs] == [
        ("Hub hosting", "population"),
        ("Integration", "custom"),
    ]
    assert str(model.costs_bias) == "0.44"
    assert model.benefits[0].input("hourly_cost") == 40
    assert data == BenefitsModel.objects.get().current().data
