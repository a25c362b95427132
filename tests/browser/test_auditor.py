"""An auditor's main journey: the log, one child's accesses, one person's actions, overrides
and refusals, the check and a download; axe on every page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fame.audit import record_event
from fame.audit.models import AuditEvent
from fame.index.actions import ingest_record
from fame.index.models import Person

from ..index.conftest import OLIVIA
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def olivias_log(school_teacher, health_visitor) -> Person:
    """Olivia's record, opened by her teacher; a request without consent; a refusal."""
    ingest_record(OLIVIA, organisation=school_teacher.organisation, by=None)
    olivia = Person.objects.get()
    record_event(
        "index.record_opened",
        actor=school_teacher,
        target=f"person:{olivia.uid}",
        details={"purpose": "service_coordination"},
    )
    record_event(
        "federation.detail_requested",
        actor=health_visitor,
        target=f"person:{olivia.uid}",
        details={"override_reason": "Bruising seen at clinic today", "override_authoriser": "dana"},
    )
    record_event(
        "access.refused",
        actor=school_teacher,
        target="/manage/users",
        outcome="refused",
        details={"action": "manage_users"},
    )
    return olivia


def test_auditor_walks_the_log_a_childs_accesses_and_a_download(page, auditor, olivias_log):
    signed_in(page, auditor)
    expect(page.get_by_role("heading", name="Hello, Judy")).to_be_visible()
    assert "use children's information" not in page.locator("main").inner_text()
    page.save_screenshot("home-auditor")

    page.get_by_role("link", name="The audit log: who did what, when, and how it ended").click()
    page.check()
    page.save_screenshot("audit-log")
    page.get_by_label("Who (username)").fill("alice")
    page.get_by_role("button", name="Show events").click()
    page.check()
    expect(page.locator("#event-count")).to_contain_text("2 events, newest first")

    page.get_by_role("link", name="every access to this child").click()
    page.check()
    expect(page.get_by_role("heading", name="Every access to Olivia Hartley")).to_be_visible()
    expect(page.locator("#event-count")).to_contain_text("2 events")
    assert str(olivias_log.uid) not in page.content() + page.url

    page.get_by_role("link", name="Find a child's accesses").click()
    page.check()
    page.get_by_label("Family name").fill("Hartley")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2017")
    page.get_by_label("Complaint or investigation reference").fill("Complaint C-2026-031")
    page.get_by_role("button", name="Find the child").click()
    page.check()
    expect(page.get_by_role("heading", name="1 child matches")).to_be_visible()
    page.get_by_role("link", name="Every access to Olivia Hartley").click()
    page.check()
    expect(page.get_by_role("heading", name="Every access to Olivia Hartley")).to_be_visible()

    page.get_by_role("link", name="bob").first.click()
    page.check()
    expect(page.get_by_role("heading", name="What Bob")).to_be_visible()

    page.get_by_role("link", name="Overrides and refusals", exact=True).click()
    page.check()
    expect(
        page.get_by_text("Override: Bruising seen at clinic today (authorised by dana)")
    ).to_be_visible()
    expect(page.get_by_text("Refused: manage_users")).to_be_visible()

    page.get_by_role("link", name="Check the log", exact=True).click()
    page.check()
    page.get_by_role("button", name="Check the log now").click()
    page.check()
    expect(page.get_by_role("heading", name="The log is intact")).to_be_visible()

    page.get_by_role("link", name="Audit", exact=True).click()
    page.check()
    page.get_by_label("What (action)").fill("index.record_opened")
    page.get_by_role("button", name="Show events").click()
    page.check()
    with page.page.expect_download() as waiting:
        page.page.get_by_role("link", name="Download this event as CSV").click()
    download = waiting.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0] == [
        "sequence",
        "time",
        "username",
        "organisation",
        "action",
        "target",
        "outcome",
        "details",
    ]
    assert len(rows) == 2
    username, organisation, action, target, outcome = rows[1][2:7]
    assert (username, organisation, action, outcome) == (
        "alice",
        "sch-001",
        "index.record_opened",
        "success",
    )
    assert target.startswith("child ") and str(olivias_log.uid) not in rows[1][7]
    assert AuditEvent.objects.filter(action="audit.exported", outcome="success").count() == 1
