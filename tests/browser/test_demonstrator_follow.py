"""Levels of detail across windows: an agency or a case chosen in the Practitioner or Client
window, and the Management and Technology windows follow it, say so, and let it go."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import CheckedPage
from .test_child_index import signed_in
from .test_demonstrator import SMALL, board_member, watching  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

# CAFs completed by the end of the run's days, counted from the events themselves: every
# one, or those started by an agency type (a CAF completed carries the type that started it).
COMPLETED = """(agency) => {
  const run = window.fameDemonstrator.runs[0]
  let n = 0
  for (let i = 0; i < run.count(run.days); i++) {
    if (run.activity(i) !== 'CAF completed') continue
    if (!agency || run.event(i).attributes.agency_type === agency) n++
  }
  return n
}"""

# A child other than ``shown`` with a TAC meeting within the run's days, and the CAFs
# completed and meetings held for them by then.
A_CASE_WITH_A_MEETING = """(shown) => {
  const run = window.fameDemonstrator.runs[0]
  const end = run.count(run.days)
  let child = null
  for (let i = 0; i < end && !child; i++) {
    if (run.activity(i) !== 'TAC meeting held') continue
    const found = run.event(i).objects.find((o) => o.kind === 'child')
    if (found && found.id !== shown) child = found.id
  }
  const counts = { 'CAF completed': 0, 'TAC meeting held': 0 }
  for (let i = 0; i < end; i++) {
    const activity = run.activity(i)
    if (!(activity in counts)) continue
    if (run.event(i).objects.some((o) => o.id === child)) counts[activity]++
  }
  return [child, counts['CAF completed'], counts['TAC meeting held']]
}"""


def caption(page):
    return page.locator(".fame-showing")


def cafs_summary(page):
    return page.locator("#text-alternatives p").first


def opened_beside(page, first: str, second: str, query: str = SMALL) -> CheckedPage:
    """``first`` in the page, ``second`` in another window of the same browser."""
    other = CheckedPage(page.page.context.new_page(), page.base_url)
    watching(page, first, query)
    watching(other, second, query)
    return other


def test_management_counts_only_the_agency_chosen_in_the_practitioner_window(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    practitioner = opened_beside(page, "management", "practitioner")
    page.page.evaluate(
        "() => window.fameDemonstrator.player.seek(window.fameDemonstrator.player.end)"
    )
    every = page.page.evaluate(COMPLETED, "")
    schools = page.page.evaluate(COMPLETED, "school")
    assert 0 < schools < every
    expect(caption(page)).to_contain_text("Showing: the whole region")
    expect(cafs_summary(page)).to_contain_text(f"(FAME), {every} CAFs completed.")

    practitioner.page.get_by_label("Agency").select_option("school")

    expect(caption(page)).to_contain_text("Showing: school")
    expect(caption(page)).to_contain_text("Only what school practitioners did")
    expect(cafs_summary(page)).to_contain_text(", for school: ")
    expect(cafs_summary(page)).to_contain_text(f"(FAME), {schools} CAFs completed.")
    cafs = page.locator("#text-alternatives table").first
    expect(cafs.locator("thead")).to_contain_text("School")
    expect(page.locator("#text-alternatives p").nth(3)).to_contain_text("the whole region’s queues")
    page.check()
    page.save_screenshot("demonstrator-management-following-school")

    page.page.get_by_role("button", name="Clear: show the whole region").click()

    expect(caption(page)).to_contain_text("Showing: the whole region")
    expect(cafs_summary(page)).to_contain_text(f"(FAME), {every} CAFs completed.")
    expect(page.page.get_by_role("button", name="Clear: show the whole region")).to_be_hidden()
    expect(practitioner.locator("h2", has_text="Every practitioner in the region")).to_be_visible()


def test_management_follows_one_case_chosen_in_the_client_window(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    client = opened_beside(page, "management", "client")
    page.page.evaluate(
        "() => window.fameDemonstrator.player.seek(window.fameDemonstrator.player.end)"
    )
    chosen = client.page.get_by_label("Child whose journey to show")
    child, completed, held = page.page.evaluate(A_CASE_WITH_A_MEETING, chosen.input_value())
    assert completed >= 1 and held >= 1

    chosen.select_option(child)

    expect(caption(page)).to_contain_text(f"Showing: {child}’s case")
    expect(cafs_summary(page)).to_contain_text(f", for {child}’s case: ")
    expect(cafs_summary(page)).to_contain_text(f"(FAME), {completed} CAFs completed.")
    meetings = page.locator("#text-alternatives p").nth(1)
    expect(meetings).to_contain_text(f"(FAME), {held} first meetings")
    page.check()


def test_technology_highlights_the_agency_chosen_and_dims_the_rest(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    practitioner = opened_beside(page, "technology", "practitioner")
    page.page.evaluate("() => window.fameDemonstrator.player.seek(60)")
    nodes = page.locator(".fame-technology__node")
    dimmed = page.locator(".fame-technology__node--dimmed")
    expect(dimmed).to_have_count(0)
    schools = page.page.evaluate("() => window.fameDemonstrator.runs[0].region.agencies.school")
    total = nodes.count()
    assert 0 < schools < total

    practitioner.page.get_by_label("Agency").select_option("school")

    expect(caption(page)).to_contain_text("Showing: school")
    summary = page.locator("#text-alternatives p").first
    expect(summary).to_contain_text(re.compile(r"Of them \d+ for school\."))
    expect(summary).to_contain_text(re.compile(rf"Highlighted: \d+ of {total} nodes"))
    # The school nodes stand out, and no more than the nodes school messages have reached.
    highlighted = total - dimmed.count()
    assert highlighted >= schools and dimmed.count() > 0
    recent = page.locator(".fame-technology__recent button")
    expect(recent.first).to_be_visible()
    expect(page.get_by_role("heading", name="Recent messages of school")).to_be_visible()
    page.check()
    page.save_screenshot("demonstrator-technology-following-school")

    page.page.get_by_role("button", name="Clear: show the whole region").click()

    expect(caption(page)).to_contain_text("Showing: the whole region")
    expect(dimmed).to_have_count(0)
    expect(summary).not_to_contain_text("Highlighted:")


# The first request for details, its time and the child whose CAF it was asked for.
A_REQUEST = """() => {
  const run = window.fameDemonstrator.runs[0]
  const children = new Map()
  for (let i = 0; i < run.length; i++) {
    const e = run.event(i)
    const caf = e.objects.find((o) => o.kind === 'caf')
    const child = e.objects.find((o) => o.kind === 'child')
    if (e.activity === 'CAF started' && caf && child) children.set(caf.id, child.id)
    if (e.activity === 'details requested' && caf) return [e.t, children.get(caf.id)]
  }
  return null
}"""


def test_technology_shows_the_messages_of_a_case_chosen_in_the_client_window(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    client = opened_beside(page, "technology", "client")
    asked, child = page.page.evaluate(A_REQUEST)
    page.page.evaluate("(t) => window.fameDemonstrator.player.seek(t)", asked + 0.01)
    expect(client.page.get_by_label("Simulated time")).to_have_value(re.compile(r"^\d"))

    client.page.get_by_label("Child whose journey to show").select_option(child)

    expect(caption(page)).to_contain_text(f"Showing: {child}’s case")
    page.page.wait_for_function("() => window.fameDemonstrator.technology.chosenInFlight >= 1")
    moving = page.page.evaluate("() => window.fameDemonstrator.technology.inFlight")
    chosen = page.page.evaluate("() => window.fameDemonstrator.technology.chosenInFlight")
    assert chosen < moving
    summary = page.locator("#text-alternatives p").first
    expect(summary).to_contain_text(f"Of them {chosen} for {child}’s case.")
    # The recent messages are the case's own: its search, the request and what came back.
    recent = page.locator(".fame-technology__recent button")
    expect(recent.and_(page.locator("[data-kind=request]"))).not_to_have_count(0)
    expect(recent.and_(page.locator("[data-kind=update]"))).to_have_count(0)
    expect(page.locator(".fame-technology__node--dimmed")).not_to_have_count(0)
    page.check()
