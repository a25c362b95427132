"""The management perspective as a partnership board watches it: two approaches of the small
scenario played to the end, the charts' words and figures filled in, the intervals worked
out, and each chart, the measures and the board paper taken away."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ARTEFACTS
from .test_child_index import signed_in
from .test_demonstrator import board_member, watching  # noqa: F401  (a fixture, used by name)

pytestmark = pytest.mark.django_db(transaction=True)

COMPARED = "scenario=small&approach=index_caf_federated&versus=as_is&seed=2026&replication=0"


def test_a_board_member_plays_a_comparison_to_the_end_and_takes_it_away(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    page.visit("/demonstrator/")
    expect(page.get_by_role("heading", name="Figures for a board paper")).to_be_visible()
    watching(page, "management", COMPARED)
    words = page.locator("#text-alternatives")
    expect(words.locator("table")).to_have_count(5)

    page.page.get_by_label("Speed").select_option(label="A month a second")
    page.page.get_by_role("button", name="Play").click()
    page.page.wait_for_function(
        "() => { const p = window.fameDemonstrator.player; return p.state.t >= p.end }",
        timeout=60_000,
    )
    expect(page.page.get_by_role("button", name="Play")).to_be_visible()
    completed = page.page.evaluate(
        "() => window.fameDemonstrator.runs.map((run) => { let n = 0;"
        " for (let i = 0; i < run.count(run.days); i++) n += run.activity(i) === 'CAF completed';"
        " return n })"
    )
    cafs = words.locator("table").nth(0)
    expect(cafs).to_contain_text("Quarter 4, Index, shared CAF and federated requests (FAME)")
    expect(words.locator("p").nth(0)).to_contain_text(
        f"(FAME), {completed[0]} CAFs completed; As is: no index, phone and email round, "
        f"{completed[1]} CAFs completed."
    )
    hours = words.locator("table").nth(2)
    expect(hours).to_contain_text("Finding who is involved")
    refused = words.locator("table").nth(4)
    expect(refused).to_contain_text("No consent in force")
    page.check()
    page.save_screenshot("demonstrator-management-end")

    chart = page.locator("[data-chart=cafs]")
    with page.page.expect_download() as svg_download:
        chart.get_by_role("button", name="Download SVG").click()
    svg = Path(svg_download.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "Quarter 4" in svg
    with page.page.expect_download() as png_download:
        chart.get_by_role("button", name="Download PNG").click()
    png = Path(png_download.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5_000
    (ARTEFACTS / "demonstrator-management-cafs.png").write_bytes(png)  # to look at
    assert page.csp_violations == []

    # Back to the start: the charts empty again.
    page.page.evaluate("() => window.fameDemonstrator.player.seek(0)")
    expect(words.locator("p").nth(0)).to_contain_text("0 CAFs completed; ")

    page.page.get_by_label("Runs of each approach").fill("3")
    page.page.get_by_role("button", name="Work out the intervals").click()
    panel = page.locator("#intervals")
    expect(panel.get_by_role("status")).to_contain_text("Worked out over 3 runs", timeout=60_000)
    expect(panel.locator("table")).to_contain_text("Difference: Index, shared CAF")
    expect(panel.locator("svg circle").first).to_be_visible()
    page.check()
    page.save_screenshot("demonstrator-management-intervals")

    with page.page.expect_download() as csv_download:
        panel.get_by_role("link", name="The measures as CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text())))
    assert {r["approach"] for r in rows} == {"as_is", "index_caf_federated"}
    with page.page.expect_download() as pdf_download:
        panel.get_by_role("link", name="A board paper of this comparison (PDF)").click()
    assert Path(pdf_download.value.path()).read_bytes().startswith(b"%PDF")
