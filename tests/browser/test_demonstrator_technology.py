"""The Technology perspective: the hub, the nodes and the messages between them, played as a
partnership board would; a node goes down and comes back; the bonnet opened on a request."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fame.federation.actions import note_contact, note_failure
from fame.federation.models import FederationNode

from .test_child_index import signed_in
from .test_demonstrator import board_member, watching  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_BESIDE = "scenario=small&approach=index&versus=index_caf_federated&seed=2026&replication=0"
FIRST = """(activity) => {
  const run = window.fameDemonstrator.runs[0]
  for (let i = 0; i < run.length; i++) if (run.activity(i) === activity) return run.event(i)
  return null
}"""


def summary(page):
    return page.locator("#text-alternatives p").first


def test_the_technology_view_plays_and_a_node_goes_down_and_comes_back(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    watching(page, "technology")
    page.page.get_by_label("Speed").select_option(label="A day a second")
    page.page.get_by_role("button", name="Play").click()
    page.page.wait_for_function("() => window.fameDemonstrator.player.state.t > 3")
    page.page.wait_for_function("() => window.fameDemonstrator.technology.inFlight > 0")
    page.page.keyboard.press("Space")
    expect(page.page.get_by_role("button", name="Play")).to_be_visible()
    expect(summary(page)).to_contain_text("messages moving")

    down = page.page.evaluate(FIRST, "node down")
    node = down["objects"][0]["id"]  # node-<type>-<n>
    kind, number = node.removeprefix("node-").rsplit("-", 1)
    label = f"node {int(number) + 1}"
    up = page.page.evaluate(
        """(node) => { const run = window.fameDemonstrator.runs[0]
        for (let i = 0; i < run.length; i++) { const e = run.event(i)
          if (e.activity === 'node up' && e.objects[0].id === node) return e }
        return null }""",
        node,
    )
    page.page.evaluate("(t) => window.fameDemonstrator.player.seek(t)", down["t"] + 1e-6)
    expect(summary(page)).to_contain_text(re.compile(rf"Nodes down: [^.]*{label}"))
    expect(summary(page)).to_contain_text(f"{label} went down")
    page.check()
    page.save_screenshot("demonstrator-technology-node-down")

    page.page.evaluate("(t) => window.fameDemonstrator.player.seek(t)", up["t"] + 1e-6)
    expect(summary(page)).to_contain_text(f"{label} came back up")
    expect(summary(page)).not_to_contain_text(re.compile(rf"Nodes down: [^.]*{label}\b"))
    assert kind in {"school", "health", "gp", "social_care", "police", "youth", "voluntary"}


def test_the_bonnet_shows_what_a_details_request_carries(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    watching(page, "technology")
    asked = page.page.evaluate(FIRST, "details requested")
    page.page.evaluate("(t) => window.fameDemonstrator.player.seek(t)", asked["t"])

    recent = page.page.locator(".fame-technology__recent button[data-kind=request]").first
    expect(recent).to_be_visible()
    recent.focus()
    page.page.keyboard.press("Enter")  # a keyboard user's way in

    bonnet = page.page.locator(".fame-bonnet")
    expect(bonnet.get_by_role("heading", name=re.compile("Under the bonnet"))).to_be_focused()
    expect(bonnet).to_contain_text("Checked with the receiver’s verifier: valid")
    headers = bonnet.get_by_role("table", name="Signed headers")
    expect(headers).to_contain_text("Signature-Input")
    expect(headers).to_contain_text("FAME-User-Assertion")
    claims = bonnet.get_by_role("table", name=re.compile("The user assertion’s claims"))
    expect(claims).to_contain_text("purpose_of_use")
    expect(claims).to_contain_text("early_help")
    expect(bonnet).to_contain_text("The policy decision")
    expect(bonnet.locator("[data-decision]")).to_have_count(1)
    page.check()
    page.save_screenshot("demonstrator-technology-bonnet")

    bonnet.get_by_role("button", name="Close").click()
    expect(bonnet).to_be_hidden()


def test_the_live_view_draws_the_real_nodes_and_marks_one_the_hub_cannot_reach(
    page, auditor, health_trust, settings
):
    settings.FAME_DEMONSTRATOR_FEED_SECONDS = 0  # each look at the log ends its stream
    reached = FederationNode.objects.create(
        name="health-north", base_url="http://127.0.0.1:9", agencies=["hlt-001"], public_key="-"
    )
    silent = FederationNode.objects.create(
        name="lasc-node", base_url="http://127.0.0.1:9", agencies=["lasc-001"], public_key="-"
    )
    note_contact(reached)
    note_failure(silent, "timed out")
    signed_in(page, auditor)
    watching(page, "technology", "live=1")

    expect(summary(page)).to_contain_text("Nodes down: lasc-node (Social care)")
    expect(page.page.locator(".fame-technology__node")).to_have_count(2)
    expect(page.page.locator(".fame-technology__node--down")).to_have_count(1)
    page.check()
    page.save_screenshot("demonstrator-technology-live")
    page.page.goto("about:blank")  # the feed stops reconnecting before the database goes


def test_two_approaches_side_by_side_have_a_diagram_each(page, board_member):  # noqa: F811
    signed_in(page, board_member)
    watching(page, "technology", SMALL_BESIDE)

    diagrams = page.page.locator(".fame-technology__run")
    expect(diagrams).to_have_count(2)
    expect(diagrams.first).to_contain_text("This approach has no nodes: requests go by phone.")
    expect(diagrams.nth(1).locator(".fame-technology__node")).not_to_have_count(0)
    page.page.evaluate("() => window.fameDemonstrator.player.seek(20)")
    expect(page.page.locator("#text-alternatives table")).to_have_count(2)
    page.check()
    page.save_screenshot("demonstrator-technology-beside")
