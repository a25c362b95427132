"""Finding a child, opening the record with a reason, and reviewing a possible match."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from fame.index.actions import ingest_record
from fame.index.models import ReviewItem

from ..conftest import authenticator, current_code
from ..index.conftest import record, review_band_around
from .test_journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(page, user) -> None:
    device = authenticator(user)
    sign_in(page, user.username)
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.check()


def search_for_olivia(page) -> None:
    """From the search page: search by Olivia's family name and date of birth."""
    page.get_by_label("Family name").fill("Hartley")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2017")
    page.get_by_role("button", name="Search").click()
    page.check()


def open_olivias_record(page) -> None:
    """From the search page: find Olivia by family name and date of birth, open her record
    for co-ordinating services."""
    search_for_olivia(page)
    page.get_by_role("link", name="Olivia Hartley").click()
    page.check()
    page.get_by_label("Co-ordinating services", exact=False).check()
    page.get_by_role("button", name="Open the record").click()
    page.check()
    expect(page.get_by_role("heading", name="Olivia Hartley")).to_be_visible()


def test_practitioner_finds_child_and_opens_record(page, school_teacher, health_trust):
    ingest_record(record(), organisation=school_teacher.organisation, by=None)
    signed_in(page, school_teacher)
    page.get_by_role("link", name="Find a child").click()
    page.check()
    page.get_by_role("button", name="Search").click()
    page.check()
    assert page.title() == "Error: Find a child – FAME"
    open_olivias_record(page)
    page.get_by_role("button", name="Record my involvement").click()
    page.check()
    page.go_back()
    page.get_by_role("button", name="Record a consent decision").click()
    page.check()
    page.get_by_role("button", name="Record the decision").click()
    page.check()
    assert page.title() == "Error: Record a consent decision – FAME"


def test_isa_officer_reviews_possible_match(page, isa_officer, school, health_trust, monkeypatch):
    moved = record(
        agency_id="hlt-001",
        local_id="N9",
        date_of_birth=date(2017, 4, 3),
        address_line_1="3 Station Road",
        postcode="NM7 1AB",
        middle_names=(),
    )
    review_band_around(monkeypatch, record(), moved)
    ingest_record(record(), organisation=school, by=None)
    ingest_record(moved, organisation=health_trust, by=None)
    signed_in(page, isa_officer)
    page.get_by_role("link", name="Possible matches").click()
    page.check()
    page.locator("table a").first.click()
    page.check()
    page.get_by_role("button", name="Same child: link them").click()
    page.check()
    assert ReviewItem.objects.get().status == "linked"
    page.visit("/matches/decisions")
    page.visit("/sharing/protocols")
    page.visit("/children")
    page.visit("/sharing/protocols/new")
