"""The demonstrator's client and practitioner perspectives, watched as a partnership board
would: one child's journey in FAME beside the same child as things are, a practitioner's
week with the pages they saw, and a case chosen in one window followed in another."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fame.audit import record_event

from .conftest import CheckedPage
from .test_child_index import signed_in
from .test_demonstrator import SMALL, board_member, watching  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

BESIDE = SMALL + "&versus=as_is"


def to_the_end(page) -> None:
    """Scrub to the end of the run with the keyboard, as a person may."""
    page.page.get_by_label("Simulated time").press("End")
    page.page.wait_for_function(
        "() => window.fameDemonstrator.player.state.t >= window.fameDemonstrator.player.end"
    )


def test_a_childs_journey_in_fame_and_as_is(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    watching(page, "client", BESIDE)
    chosen = page.page.get_by_label("Child whose journey to show")
    first = chosen.input_value()
    assert first.startswith("child-")
    expect(page.locator("svg.fame-people__chart g.step")).to_have_count(0)  # day 1: nothing yet

    page.page.get_by_label("Speed").select_option(label="A month a second")
    page.page.get_by_role("button", name="Play").click()
    page.page.wait_for_function("() => window.fameDemonstrator.player.state.t > 40")
    page.page.get_by_role("button", name="Pause").click()
    to_the_end(page)

    rows = page.locator("svg.fame-people__chart g.row")
    expect(rows).to_have_count(2)
    for row in (rows.nth(0), rows.nth(1)):  # the same child's steps in both approaches
        expect(row.locator("g.step").first).to_be_visible()
        expect(row.locator("g.step text", has_text="Concern noticed")).to_have_count(1)
    expect(rows.nth(0).locator("text", has_text="Team Around the Child met")).to_have_count(1)
    words = page.locator("#text-alternatives table")
    expect(words).to_have_count(2)
    for table in (words.nth(0), words.nth(1)):
        expect(table.locator("thead")).to_contain_text("Days waited")
        expect(table).to_contain_text("CAF completed")
    expect(words.nth(0)).to_contain_text("searched the index")
    expect(words.nth(1)).to_contain_text("phoned round")
    expect(page.get_by_text(re.compile(r"told their story \d+ times?"))).not_to_have_count(0)
    page.check()
    page.save_screenshot("demonstrator-client")

    other = [v for v in chosen.locator("option").evaluate_all("o => o.map(x => x.value)")]
    other = next(value for value in other if value != first)
    chosen.select_option(other)
    expect(page.locator("#text-alternatives p").first).to_contain_text(other)
    page.check()


def test_choosing_a_case_in_a_practitioners_week_moves_the_client_view(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    client = CheckedPage(page.page.context.new_page(), page.base_url)
    watching(client, "client", BESIDE)
    watching(page, "practitioner", BESIDE)
    # Scrubbed to just after the first Team Around the Child meeting: its assessor's week.
    page.page.evaluate(
        """() => {
          const { player, runs } = window.fameDemonstrator
          const run = runs[0]
          for (let i = 0; i < run.length; i++) {
            if (run.activity(i) === 'TAC meeting held') return player.seek(run.event(i).t + 0.01)
          }
        }"""
    )
    expect(page.locator("#text-alternatives p").first).to_contain_text(
        re.compile(r": [1-9][\d.]* hours this week so far")
    )

    who = page.page.get_by_label("Practitioner")
    expect(who.locator("option:checked")).to_contain_text("(assessed a CAF)")
    panels = page.locator(".fame-people__panel")
    expect(panels).to_have_count(2)
    fame, as_is = panels.nth(0), panels.nth(1)
    expect(fame.locator("img[alt^='What they saw: FAME’s page']").first).to_be_visible()
    expect(as_is.locator("img")).to_have_count(0)  # as is, nothing is on this system's screens
    expect(as_is.get_by_text(re.compile("By telephone|On paper")).first).to_be_visible()
    page.page.wait_for_function(  # each picture loads: it ships with FAME
        "() => [...document.querySelectorAll('.fame-people__panel img')]"
        ".every((i) => i.complete && i.naturalWidth === 320)"
    )
    expect(page.locator("#text-alternatives table").first.locator("thead")).to_contain_text("Forms")
    page.check()
    page.save_screenshot("demonstrator-practitioner")

    # Up a level: the practitioner's agency, its busiest, then back down to one of them.
    page.page.get_by_label("Practitioner").select_option("")
    busiest = fame.locator("button[data-practitioner]")
    expect(busiest.first).to_be_visible()
    page.check()
    page.save_screenshot("demonstrator-practitioner-agency")
    page.page.get_by_label("Agency").select_option("")
    expect(page.locator("h2", has_text="Every practitioner in the region")).to_be_visible()
    busiest.first.click()
    expect(page.locator("h2", has_text=re.compile(r"^practitioner-"))).to_be_visible()

    # Back to an assessor of a CAF, and one of their cases into the client window.
    assessor = who.locator("option", has_text="(assessed a CAF)").nth(1).get_attribute("value")
    who.select_option(assessor)
    case = fame.locator("button[data-case]").first
    child = case.get_attribute("data-case")
    case.click()
    expect(client.page.get_by_label("Child whose journey to show")).to_have_value(child)
    expect(client.locator("#text-alternatives p").first).to_contain_text(child)
    client.check()
    client.save_screenshot("demonstrator-client-followed")


def test_a_live_case_is_a_pseudonym_with_its_journey(page, settings, auditor, school_teacher):
    settings.FAME_DEMONSTRATOR_FEED_SECONDS = 0  # the backlog, then the browser reconnects
    for action in ("index.record_opened", "caf.started", "caf.meeting_recorded"):
        record_event(action, actor=school_teacher, target="person:olivia-hartley-uid")
    signed_in(page, auditor)
    watching(page, "client", "live=1")

    chosen = page.page.get_by_label("Case (a pseudonym)")
    expect(chosen).to_have_value(re.compile(r"^child-[0-9a-f]{20}$"))
    words = page.locator("#text-alternatives table").first
    expect(words).to_contain_text("CAF started")
    expect(words).to_contain_text("Team Around the Child met")
    expect(page.locator("svg.fame-people__chart g.step")).to_have_count(3)
    assert "olivia" not in page.content().lower()
    page.check()
    page.save_screenshot("demonstrator-client-live")

    watching(page, "practitioner", "live=1")
    expect(page.locator(".fame-people__panel img").first).to_be_visible()
    expect(page.locator("#text-alternatives p").first).to_contain_text("steps this week")
    page.check()
