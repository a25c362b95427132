"""The real pages of FAME a practitioner sees, as small pictures for the demonstrator.

The practitioner perspective shows, beside each step of a practitioner's work, the page of
this system it showed (``PAGES`` in ``fame/static/fame/demonstrator/views/cases.mjs``).
The pictures ship in ``fame/static/fame/demonstrator/pages/``; nothing is fetched at run
time. To make them again after the pages change (a school teacher's walk through them,
axe on each):

    FAME_THUMBNAILS=1 PYTHONPATH=. FAME_ENV=test .venv/bin/pytest -p no:cacheprovider \\
        tests/browser/test_page_thumbnails.py

Without ``FAME_THUMBNAILS`` only the check that every named page has its picture runs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fame.caf import structure
from fame.caf.models import Assessment
from fame.caf.node import actions
from fame.caf.structure import SECTION_KEYS

from .test_caf_journey import DOMAIN, FILLED, arrange_a_meeting
from .test_child_index import search_for_olivia, signed_in
from .test_detail_requests import region_on_live_server  # noqa: F401 - fixture

STATIC = Path(__file__).resolve().parents[2] / "fame" / "static" / "fame" / "demonstrator"
PAGES = STATIC / "pages"
VIEWS = STATIC / "views"
WIDTH, HEIGHT, SCALE = 1280, 800, 0.25  # a laptop's screen, drawn at a quarter: 320 by 200


def named_pages() -> list[str]:
    """The pages the practitioner view names (the keys of ``PAGES`` in cases.mjs)."""
    source = (VIEWS / "cases.mjs").read_text()
    block = re.search(r"export const PAGES = \{(.*?)\n\}", source, re.S)
    assert block, "cases.mjs no longer declares PAGES"
    return re.findall(r"^\s+(\w+):", block.group(1), re.M)


def test_every_page_the_practitioner_view_names_has_its_picture():
    names = named_pages()
    pictures = {path.stem: path for path in PAGES.glob("*.png")}

    assert set(names) >= {"search", "record", "ask", "caf", "meeting"}
    assert sorted(pictures) == sorted(names)
    for path in pictures.values():
        width, height = _png_size(path)
        assert (width, height) == (WIDTH * SCALE, HEIGHT * SCALE), path.name


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("FAME_THUMBNAILS"), reason="FAME_THUMBNAILS=1 remakes them")
def test_the_pictures_are_taken_from_the_pages(
    browser,
    live_server,
    school_teacher,
    local_authority,
    region_on_live_server,  # noqa: F811
):
    from .conftest import AXE, CheckedPage

    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=SCALE
    )
    context.add_init_script(path=str(AXE))
    page = CheckedPage(context.new_page(), live_server.url)
    taken: list[str] = []

    def picture(name: str) -> None:
        page.check()
        page.page.evaluate("window.scrollTo(0, 0)")
        page.page.screenshot(path=str(PAGES / f"{name}.png"))
        taken.append(name)

    try:
        PAGES.mkdir(exist_ok=True)
        signed_in(page, school_teacher)
        page.get_by_role("link", name="Find a child").click()
        search_for_olivia(page)
        picture("search")
        page.get_by_role("link", name="Olivia Hartley").click()
        page.get_by_label("Early help", exact=False).check()
        page.get_by_role("button", name="Open the record").click()
        picture("record")
        record = page.url
        with page.page.expect_navigation(wait_until="load"):
            asking = re.compile(r"^Ask .* for more information$")
            page.page.get_by_role("link", name=asking).first.click()
        picture("ask")
        page.goto(record)
        page.get_by_role("link", name="Start a CAF").click()
        for fieldset in page.locator("fieldset").all()[:5]:
            fieldset.get_by_label("No concerns").check()
        group = page.get_by_role("group", name="Has the child or family agreed")
        group.get_by_label("Yes").check()
        page.get_by_role("button", name="Start the assessment").click()
        expect(page.get_by_text("1 of 20 sections completed")).to_be_visible()
        picture("caf")

        # The meeting needs a completed CAF: its sections are saved as the node would.
        assessment = Assessment.objects.get()
        by = actions.Actor("alice", "Alice", "sch-001")
        for key in SECTION_KEYS:
            if key == "checklist":
                continue
            content = {
                q.key: FILLED.get(key, DOMAIN).get(q.key, "")
                for q in structure.section(key).questions
            }
            actions.save_section(
                assessment=assessment, section=key, content=content, complete=True, by=by
            )
        actions.complete_assessment(assessment=assessment, by=by)
        page.goto(record + "/caf")
        page.get_by_role("link", name="Arrange a meeting").click()
        arrange_a_meeting(page)
        picture("meeting")
    finally:
        context.close()

    assert taken == named_pages()
