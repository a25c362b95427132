"""Several screens on one run: windows on one machine keep in step, screens on two machines
keep in step through a room, and a live view of a demo region shows what happens after it
opened, pauses while events keep coming, replays the last hour and reconnects without losing
or repeating an event. axe checks each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from fame.accounts.models import User
from fame.accounts.seeding import DEMO_PASSWORD
from fame.audit.models import AuditEvent
from fame.demonstrator.drive import Played, Practitioner, region_children
from fame.demonstrator.live import ACTIVITIES

from ..demonstrator.conftest import demo_login, demo_region
from .conftest import AXE, CheckedPage
from .test_child_index import signed_in
from .test_demonstrator import SMALL, board_member, watching

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["board_member", "demo_region"]  # fixtures, used by name

STATE = "() => window.fameDemonstrator.player.state"
DAY_MINUTES = 1440
ALL_SHOWN = (
    "() => { const source = window.fameDemonstrator.runs[0]; "
    "return source.length > 0 && source.count(window.fameDemonstrator.player.state.t) "
    "=== source.length }"
)


def _t(page) -> float:
    return float(page.page.evaluate(f"() => ({STATE})().t"))


def _apart(leader, follower) -> float:
    """How far apart two playing clocks are, in seconds of play: each read with the moment
    it was read, and brought to the same moment."""
    read = f"() => [({STATE})(), performance.timeOrigin + performance.now()]"
    (one, at_one), (two, at_two) = leader.page.evaluate(read), follower.page.evaluate(read)
    days_a_ms = one["speed"] / 86400 / 1000
    return abs(one["t"] + (at_two - at_one) * days_a_ms - two["t"]) / days_a_ms / 1000


def _seek(page, day: float) -> None:
    """Move the time line's slider, as a person dragging it does."""
    page.locator("#scrub").evaluate(
        "(scrub, day) => { scrub.value = String(day); "
        "scrub.dispatchEvent(new Event('input', {bubbles: true})) }",
        day,
    )


def _button(page, name: str):
    return page.page.get_by_role("button", name=name, exact=True)


def _another_window(page) -> CheckedPage:
    return CheckedPage(page.page.context.new_page(), page.base_url)


def _another_machine(browser, base_url: str) -> CheckedPage:
    context = browser.new_context()
    context.add_init_script(path=str(AXE))
    return CheckedPage(context.new_page(), base_url)


def _drive_and_follow(leader, follower) -> None:
    """Play, pause, seek and select in ``leader``; ``follower`` shows the same each time."""
    leader.page.get_by_label("Speed").select_option(label="A month a second")
    _button(leader, "Play").click()
    expect(_button(follower, "Pause")).to_be_visible(timeout=5_000)
    expect(follower.locator("#leading")).to_have_text("This window follows another window.")
    leader.page.wait_for_function(f"() => ({STATE})().t > 20")
    assert _apart(leader, follower) < 0.25  # playing: within a quarter of a second
    _button(leader, "Pause").click()
    expect(_button(follower, "Play")).to_be_visible(timeout=5_000)
    expect(follower.locator("#clock")).to_have_text(leader.locator("#clock").text_content())
    _seek(leader, 100.5)
    expect(follower.locator("#clock")).to_contain_text("Day 101 of", timeout=5_000)
    leader.page.evaluate("() => window.fameDemonstrator.player.select({case: 'child-3'})")
    follower.page.wait_for_function(
        f"() => ({STATE})().selection.case === 'child-3'", timeout=5_000
    )
    assert abs(_t(leader) - _t(follower)) < 1e-9


def test_two_windows_on_one_machine_keep_in_step(page, board_member):
    signed_in(page, board_member)
    other = _another_window(page)
    watching(page, "management")
    watching(other, "client")
    expect(page.locator("#leading")).to_contain_text("Drive any window")

    _drive_and_follow(page, other)
    _button(other, "Step forward").click()  # the other window drives: it leads now

    expect(page.locator("#clock")).to_have_text(other.locator("#clock").text_content())
    expect(page.locator("#leading")).to_have_text("This window follows another window.")
    page.check()
    other.check()
    page.save_screenshot("demonstrator-screens-leader")
    other.save_screenshot("demonstrator-screens-follower")


def test_screens_on_two_machines_keep_in_step_through_a_room(
    page, browser, live_server, board_member, auditor
):
    signed_in(page, board_member)
    page.visit(f"/demonstrator/?{SMALL}")
    page.get_by_role("button", name="Share these screens").click()
    page.check()
    page.get_by_role("button", name="Make a room code").click()
    page.check()
    code = page.locator("#room-code").text_content()
    page.save_screenshot("demonstrator-room")
    elsewhere = _another_machine(browser, live_server.url)
    signed_in(elsewhere, auditor)
    elsewhere.visit("/demonstrator/")
    elsewhere.get_by_label("Join screens on another machine").fill(code.lower())
    elsewhere.get_by_role("button", name="Join the room").click()
    elsewhere.check()
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text(f"Room {code}")

    watching(page, "client", f"room={code.replace('-', '')}")
    watching(elsewhere, "management", f"room={code.replace('-', '')}")
    expect(elsewhere.locator("#room-code")).to_have_text(code)
    _drive_and_follow(page, elsewhere)
    _button(elsewhere, "Step forward").click()

    expect(page.locator("#clock")).to_have_text(
        elsewhere.locator("#clock").text_content(), timeout=5_000
    )
    assert page.locator("#room-problem").text_content() == ""
    page.check()
    elsewhere.check()
    elsewhere.save_screenshot("demonstrator-room-elsewhere")
    elsewhere.page.context.close()


def _activity_seqs(after: int) -> list[int]:
    rows = AuditEvent.objects.filter(seq__gt=after, action__in=list(ACTIVITIES))
    return list(rows.exclude(outcome="failure").values_list("seq", flat=True))


def _arrived(page) -> list[int]:
    return sorted(page.page.evaluate("() => [...window.fameDemonstrator.runs[0].arrivals.keys()]"))


@pytest.mark.slow
def test_a_live_view_shows_new_activity_pauses_replays_and_reconnects(
    page, demo_region: Path, live_server, settings, partnership_officer
):
    settings.FAME_DEMONSTRATOR_FEED_SECONDS = 3  # the feed ends each connection quickly
    teacher = User.objects.get(username=demo_login(demo_region, "school_teacher"))
    children = region_children(demo_region)
    signed_in(page, partnership_officer)
    watching(page, "technology", "live=1")
    opened = max(_activity_seqs(0), default=0)
    searching = Practitioner(live_server.url, teacher, DEMO_PASSWORD)

    searching.search_and_open(children[0], Played())  # after the view opened
    expect(page.locator("#latest")).to_contain_text("record opened", timeout=5_000)
    assert _arrived(page) == _activity_seqs(opened)
    page.page.wait_for_function(ALL_SHOWN, timeout=2_000)  # the views' clock reached them
    expect(page.locator(".fame-technology__recent")).to_contain_text("Record opened")
    expect(page.locator("#clock")).to_contain_text("Live:")

    _button(page, "Pause").click()
    paused_at = _t(page)
    searching.search_and_open(children[1], Played())
    expect(page.locator("#waiting")).to_contain_text("newer events not shown yet", timeout=5_000)
    assert _t(page) == paused_at
    page.check()
    page.save_screenshot("demonstrator-live-paused")
    _button(page, "Back to now").click()
    expect(page.locator("#waiting")).to_have_text("", timeout=3_000)
    page.page.wait_for_function(ALL_SHOWN, timeout=2_000)

    page.page.wait_for_function(
        "() => window.fameDemonstrator.runs[0].connections >= 2", timeout=10_000
    )
    searching.search_and_open(children[2], Played())
    expect(page.locator("#latest")).to_contain_text("record opened", timeout=5_000)
    page.page.wait_for_function(
        f"() => window.fameDemonstrator.runs[0].arrivals.size >= {len(_activity_seqs(0))}",
        timeout=5_000,
    )
    assert _arrived(page) == _activity_seqs(0)  # nothing lost across the reconnection
    assert page.page.evaluate("() => window.fameDemonstrator.runs[0].repeated") == 0

    _button(page, "Replay the last hour").click()
    expect(page.locator("#clock")).to_contain_text("Replaying:")
    assert abs((page.page.evaluate("() => window.fameDemonstrator.runs[0].now()") - _t(page))
               * DAY_MINUTES - 60) < 1  # fmt: skip
    shown = page.content()
    assert children[0]["family_name"] not in shown and teacher.username not in shown
    page.check()
    page.save_screenshot("demonstrator-live-replay")
    searching.client.close()
