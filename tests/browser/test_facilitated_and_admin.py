"""An ISA officer acting for a practitioner without an account finds the child that practitioner
may see; an administrator manages users and nodes and is told they may not search. Axe on every
page."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import expect

from fame.accounts.models import TrainingCourse
from fame.audit.models import AuditEvent
from fame.federation.actions import register_node
from fame.federation.keys import public_pem
from fame.index.actions import ingest_record

from ..factories import UserFactory
from ..index.conftest import record
from .test_child_index import open_olivias_record, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_isa_officer_acts_for_a_practitioner_and_finds_the_child(
    page, isa_only, auditor, school, health_trust
):
    ingest_record(record(), organisation=school, by=None)
    ingest_record(record(agency_id="hlt-001", local_id="N1"), organisation=health_trust, by=None)
    signed_in(page, isa_only)
    expect(page.get_by_role("heading", name="Hello, Ines")).to_be_visible()
    page.save_screenshot("home-isa-officer")

    page.get_by_role("link", name="Act for a practitioner without an account").click()
    page.check()
    page.get_by_label("Practitioner's full name").fill("Dee Nurse")
    page.get_by_label("Job title").fill("School nurse")
    page.get_by_label("Organisation they work for").select_option(label=health_trust.name)
    expect(page.get_by_label("Practitioner", exact=True)).to_be_checked()
    page.get_by_label("Phone number or secure email address").fill("01632 960111")
    fill_date(page, "Date of their enhanced vetting check", "4", "3", "2022")
    for course in TrainingCourse.objects.filter(required=True):
        fill_date(page, f"Date they completed {course.name}", "1", "9", "2025")
    page.get_by_label("Why are you acting for them?").fill("Asked on the phone who is involved")
    page.get_by_role("button", name="Start acting for them").click()
    page.check()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Their enhanced vetting check expired on 4 March 2025")
    expect(page.get_by_label("Practitioner's full name")).to_have_value("Dee Nurse")

    fill_date(page, "Date of their enhanced vetting check", "4", "3", "2025")
    page.get_by_role("button", name="Start acting for them").click()
    page.check()
    expect(page.get_by_text("You are acting for Dee Nurse, School nurse")).to_be_visible()

    open_olivias_record(page)
    # Dee's organisation holds a record of Olivia: what it holds is hers to see, address too.
    expect(page.locator("main")).to_contain_text("12 Mill Lane")
    page.save_screenshot("record-acting-for")

    opened = AuditEvent.objects.get(action="index.record_opened")
    assert opened.actor_username == "ines"
    assert opened.details["on_behalf_of"]["name"] == "Dee Nurse"

    page.get_by_role("button", name="Stop acting for Dee Nurse").click()
    page.check()
    expect(page.get_by_text("You are no longer acting for Dee Nurse.")).to_be_visible()
    assert AuditEvent.objects.filter(action="access.facilitated_ended").exists()

    # The audit shows both names, as an auditor sees it.
    page.page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    page.page.wait_for_load_state("load")
    signed_in(page, auditor)
    page.visit("/audit?username=ines&action=index.record_opened")
    expect(page.locator("main")).to_contain_text("Dee Nurse")
    expect(page.locator("main")).to_contain_text("ines")


def test_administrator_pages_users_nodes_and_is_told_they_may_not_search(
    page, administrator, school
):
    for n in range(30):
        UserFactory(username=f"teach{n:02d}", last_name=f"Teach{n:02d}", organisation=school)
    register_node(
        name="schools",
        base_url="http://127.0.0.1:8101",
        agencies=["sch-001"],
        public_key=public_pem(Ed25519PrivateKey.generate().public_key()),
    )
    signed_in(page, administrator)
    expect(page.get_by_role("heading", name="Hello, Dana")).to_be_visible()
    navigation = page.page.get_by_role("navigation", name="Menu")
    expect(navigation.get_by_role("link", name="Find a child")).to_have_count(0)
    page.save_screenshot("home-administrator")

    page.get_by_role("link", name="Users", exact=True).click()
    page.check()
    page.get_by_label("Find a user").fill("Hollins")
    page.get_by_role("button", name="Find").click()
    page.check()
    expect(page.locator("caption")).to_contain_text("30 users matching “Hollins”, 1 to 25 shown")
    page.get_by_role("link", name="Next").click()
    page.check()
    expect(page.locator("caption")).to_contain_text("26 to 30 shown")
    expect(page.get_by_label("Find a user")).to_have_value("Hollins")
    page.save_screenshot("users-page-2")

    page.get_by_role("link", name="Agency nodes", exact=True).click()
    page.check()
    current = navigation.locator(".govuk-service-navigation__item--active")
    expect(current).to_have_text("Agency nodes")
    page.save_screenshot("agency-nodes")

    page.visit("/children")
    expect(page.get_by_role("heading", name="You cannot search for children")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Your roles do not include searching for children or seeing their records."
    )
    page.save_screenshot("administrator-may-not-search")
    assert AuditEvent.objects.filter(
        action="access.refused", actor_username="dana", target="/children"
    ).exists()
