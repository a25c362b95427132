"""The Regional Business Case as a partnership officer makes it: writes two sections,
chooses a readiness round, reads the document and downloads the PDF. axe checks every
page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fame.benefits.models import BusinessCase

from ..benefits.bcase_fixtures import fixture_benefits_model, fixture_readiness_round  # noqa: F401
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_writes_the_case_and_downloads_it(
    page, partnership_officer, benefits_model, readiness_round
):
    signed_in(page, partnership_officer)
    page.visit(f"/benefits/{benefits_model.pk}/case")
    expect(page.page.get_by_role("heading", name="Regional Business Case")).to_be_visible()

    # The strategic case: an empty save is allowed, a written one is kept.
    page.get_by_role("link", name="Write strategic case").click()
    page.check()
    expect(page.get_by_text("Explain the case for change")).to_be_visible()
    page.get_by_label("Your text").fill("Agencies work apart today.\n\nJoining up changes that.")
    page.get_by_role("button", name="Save strategic case").click()
    page.check()
    expect(page.get_by_text("Strategic case saved.")).to_be_visible()

    # The economic case.
    page.get_by_role("link", name="Write economic case").click()
    page.check()
    page.get_by_label("Your text").fill("Doing nothing costs more than joining up.")
    page.get_by_role("button", name="Save economic case").click()
    page.check()
    expect(page.page.get_by_role("link", name="Change economic case")).to_be_visible()

    # The readiness round to draw in.
    page.get_by_label("Readiness round to draw in").select_option(
        label=("Autumn 2026 (Northshire Children's Trust)")
    )
    page.get_by_role("button", name="Use this round").click()
    page.check()
    expect(page.get_by_text("draws in the readiness round you chose")).to_be_visible()
    case = BusinessCase.objects.get(benefits_model=benefits_model)
    assert case.sections["strategic"] == "Agencies work apart today.\n\nJoining up changes that."

    # The document, with the figures to the penny and the readiness summary.
    page.get_by_role("link", name="View the business case").click()
    page.check()
    expect(page.page.get_by_role("heading", name="Strategic case")).to_be_visible()
    expect(page.get_by_text("Agencies work apart today.")).to_be_visible()
    npv = page.page.get_by_role("row", name="Net present value")
    expect(npv).to_contain_text("£1,311,390.84")
    expect(
        page.get_by_text("Readiness score of each building block in each dimension")
    ).to_be_visible()
    expect(page.get_by_text("Not yet written.").first).to_be_visible()

    with page.page.expect_download() as pdf_download:
        page.page.get_by_role("button", name="Download as PDF").click()
    download = pdf_download.value
    assert download.suggested_filename == f"business-case-{benefits_model.pk}-v1.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
