"""The Regional Demonstrator's views, watched as a partnership board would: choose a run,
open a perspective, play it; axe checks each view as it plays."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..conftest import UserFactory
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

SMALL = "scenario=small&approach=index_caf_federated&seed=2026&replication=0"


@pytest.fixture
def board_member(health_trust):
    """Someone who sits on the partnership board: signed in, with no work with children."""
    return UserFactory(
        username="bea",
        first_name="Bea",
        last_name="Board",
        organisation=health_trust,
        job_title="Partnership board member",
        roles=["caf_coordinator"],
    )


def watching(page, perspective: str, query: str = SMALL) -> None:
    """Open a perspective of a run and wait until it has loaded."""
    page.page.goto(f"{page.base_url}/demonstrator/{perspective}?{query}")
    ready = page.locator("body")
    expect(ready).to_have_attribute("data-demonstrator-ready", "true", timeout=30_000)
    page.check()


def test_a_board_member_chooses_a_run_and_plays_it(page, board_member):
    signed_in(page, board_member)
    page.visit("/demonstrator/")
    expect(page.get_by_role("heading", name="Regional Demonstrator")).to_be_visible()
    watching(page, "management")
    page.page.get_by_label("Speed").select_option(label="A month a second")
    page.page.get_by_role("button", name="Play").click()
    expect(page.page.get_by_role("button", name="Pause")).to_be_visible()
    page.page.wait_for_function("() => window.fameDemonstrator.player.state.t > 20")
    page.page.keyboard.press("Space")  # keys: space pauses
    expect(page.page.get_by_role("button", name="Play")).to_be_visible()
    words = page.locator("#text-alternatives table")
    expect(words.nth(2)).to_contain_text("Finding who is involved")
    page.check()
    page.save_screenshot("demonstrator-management")
