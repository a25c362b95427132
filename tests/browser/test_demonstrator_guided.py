"""The guided scenario, as a room would follow it: step through the story, pausing at
each question to show its answer, with a perspective window open beside it that follows
each step's moment and case; axe checks every step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fame.demonstrator.guided import stories

from .conftest import CheckedPage
from .test_child_index import signed_in
from .test_demonstrator import board_member  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _guide(page) -> dict:
    page.page.wait_for_function("() => document.body.dataset.guideReady === 'true'")
    return page.page.evaluate(
        "() => ({t: window.fameGuide.state.t, selection: window.fameGuide.state.selection})"
    )


def _following(window, guide: dict) -> None:
    """Wait until the perspective window shows the guide's moment and case."""
    window.wait_for_function(
        """([t, child]) => {
            const state = window.fameDemonstrator.player.state
            return Math.abs(state.t - t) < 1e-6 && state.selection.case === child
        }""",
        arg=[guide["t"], guide["selection"]["case"]],
        timeout=10_000,
    )


def test_the_room_steps_through_the_story_and_the_windows_follow(page, board_member):  # noqa: F811
    story = stories()["school_nurse"]
    signed_in(page, board_member)
    page.visit("/demonstrator/")
    page.get_by_role("link", name="a school nurse's concern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(story.steps[0].title)
    guide = _guide(page)

    with page.page.context.expect_page() as opened:
        page.page.locator('#perspective-links a[data-perspective="management"]').click()
    window = opened.value
    expect(window.locator("body")).to_have_attribute(
        "data-demonstrator-ready", "true", timeout=30_000
    )
    CheckedPage(window, page.base_url).check()
    _following(window, guide)

    for number, step in enumerate(story.steps, start=1):
        if number > 1:
            following = re.compile(f"^Next step.*{re.escape(step.title)}")
            page.get_by_role("link", name=following).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(step.title)
        guide = _guide(page)
        _following(window, guide)
        expect(window.locator("#clock")).to_have_text(page.locator("#moment-when").inner_text())
        if step.question:
            expect(page.locator("#question")).to_contain_text(step.question)
            page.page.get_by_text("Show the answer").click()
            expect(page.locator("#answer .govuk-details__text")).to_be_visible()
        page.check()
        if "sexual health" in (step.question or ""):
            expect(page.locator("#answer")).to_contain_text("Refused: no consent in force")
            page.save_screenshot("demonstrator-guided-police")
        if number == 1:
            page.save_screenshot("demonstrator-guided-first")
    expect(page.page.get_by_role("link", name="Next step")).to_have_count(0)
    page.save_screenshot("demonstrator-guided-last")
    CheckedPage(window, page.base_url).save_screenshot("demonstrator-guided-window")


def test_the_steps_work_without_javascript(browser, live_server, board_member):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = CheckedPage(context.new_page(), live_server.url)
    page.check = lambda: None  # axe is JavaScript: it ran on every step above
    try:
        signed_in(page, board_member)
        page.page.goto(f"{live_server.url}/demonstrator/guided?step=7")
        expect(page.get_by_role("heading", level=1)).to_have_text("The health node is down")
        page.page.get_by_text("Show the answer").click()
        expect(page.locator("#answer")).to_contain_text("Share of requests that found")
        page.get_by_role("link", name=re.compile("^Previous step.*police officer")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("The police officer's question")
    finally:
        context.close()
