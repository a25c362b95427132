"""A CAF in the browser: checklist, check answers, a TAC meeting with an absence and an
escalation, a review making version 2, closure; and another agency refused. axe on each page.

The live server is hub and node at once; the hub reaches the node over real HTTP.
"""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fame.caf import structure
from fame.caf.models import (
    Assessment,
    AssessmentVersion,
    CafOverview,
    Escalation,
    EscalationFollowUp,
)
from fame.caf.node import actions
from fame.caf.structure import SECTION_KEYS
from fame.index.actions import ingest_record
from fame.index.models import Person

from ..conftest import UserFactory
from ..index.conftest import record
from .test_child_index import signed_in
from .test_detail_requests import region_on_live_server  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

DOMAIN = {"strengths": "Enjoys reading", "needs": ""}
FILLED = {
    "identifying_details": {
        "given_names": "Olivia Grace",
        "family_name": "Hartley",
        "sex": "female",
        "date_of_birth": "2017-03-04",
        "address": "12 Mill Lane",
        "ethnicity": "white_british",
        "child_language": "English",
        "disability": "no",
        "interpreter": "no",
    },
    "assessment_information": {
        "people_present": "Olivia and her mother",
        "what_led": "Tiredness in class",
        "parental_responsibility": "Jo Hartley",
        "family_situation": "Lives with her mother",
        "assessor": "Alice",
    },
    "conclusions": {
        "conclusions": "Morning routines",
        "solutions": "Breakfast club",
        "actions": "Place",
    },
    "views": {"child_views": "I like school", "family_views": ""},
    "consent": {
        "storage": "yes",
        "sharing": "no",
        "share_with": [],
        "given_by": "parent",
        "how": "written",
        "given_on": "2026-11-20",
    },
}


def open_olivia(page) -> None:
    page.get_by_role("link", name="Find a child").click()
    page.get_by_label("Family name").fill("Hartley")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2017")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Olivia Hartley").click()
    page.get_by_label("Early help", exact=False).check()
    page.get_by_role("button", name="Open the record").click()
    page.check()


def answer(page, question, value) -> None:
    """Type one answer into its GOV.UK component, as a person would."""
    if value in ("", []):
        return
    if question.kind == "date":
        year, month, day = value.split("-")
        for part, typed in (("day", day), ("month", month), ("year", year)):
            page.locator(f"#id_{question.key}-{part}").fill(str(int(typed)))
    elif question.kind == "choice":
        page.locator(f"input[name='{question.key}'][value='{value}']").check()
    elif question.kind == "list":
        page.locator(f"select[name='{question.key}']").select_option(value)
    elif question.kind == "organisations":
        for agency in value:
            page.locator(f"input[name='{question.key}'][value='{agency}']").check()
    else:
        page.locator(f"[name='{question.key}']").fill(value)


def type_every_section(page) -> None:
    """Open each section from the task list, type minimal answers, Save and continue."""
    for n, key in enumerate(SECTION_KEYS):
        section = structure.section(key)
        page.get_by_role("link", name=section.title, exact=True).click()
        if n in (0, 2):  # axe on a details section and a domain section; the rest share them
            page.check()
        for question in section.questions:
            answer(page, question, FILLED.get(key, DOMAIN).get(question.key, ""))
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_text(f"{section.title}: saved.")).to_be_visible()


def arrange_a_meeting(page) -> None:
    """On the arrange-a-meeting page: 1 December 2026, everyone invited."""
    page.locator("#id_held_on-day").fill("1")
    page.locator("#id_held_on-month").fill("12")
    page.locator("#id_held_on-year").fill("2026")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Arrange the meeting").click()


def review_learning(page) -> None:
    """From the task list: one answer changed (Learning's strengths), saved as version 2."""
    page.get_by_role("link", name="Learning").click()
    page.check()
    page.get_by_label("Strengths").fill("Reading age up a year")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Check your answers").click()
    page.check()
    page.get_by_role("button", name="Save the review as version 2").click()
    expect(page.get_by_text("Version 2 is saved by")).to_be_visible()
    page.check()


def test_a_whole_caf_with_a_team_around_the_child_review_and_closure(
    page,
    school_teacher,
    local_authority,
    region_on_live_server,  # noqa: F811
):
    ingest_record(
        record(agency_id="lasc-001", local_id="SC1", service="Family support"),
        organisation=local_authority,
        by=None,
    )
    signed_in(page, school_teacher)
    open_olivia(page)
    page.get_by_role("link", name="Start a CAF").click()
    page.check()
    for fieldset in page.locator("fieldset").all()[:5]:
        fieldset.get_by_label("No concerns").check()
    page.get_by_role("group", name="Has the child or family agreed").get_by_label("Yes").check()
    page.get_by_role("button", name="Start the assessment").click()
    page.check()
    expect(page.get_by_text("1 of 20 sections completed")).to_be_visible()
    expect(page.get_by_text("a Team Around the Child meeting is needed")).to_be_visible()

    type_every_section(page)
    expect(page.get_by_text("20 of 20 sections completed")).to_be_visible()
    page.get_by_role("button", name="Check your answers").click()
    page.check()
    page.get_by_role("button", name="Complete the assessment").click()
    page.check()
    expect(page.get_by_role("heading", name="Versions")).to_be_visible()

    # A Team Around the Child meeting: health does not come; the Lead Professional escalates.
    page.get_by_role("link", name="Back to the CAF").click()
    page.get_by_role("link", name="Arrange a meeting").click()
    page.check()
    arrange_a_meeting(page)
    page.check()
    for group, answer in (
        ("Hollins Lane Primary School", "Attended"),
        ("Northmoor Community Health", "Did not attend"),
        ("Northmoor Children", "Sent apologies"),
    ):
        page.get_by_role("group", name=group).get_by_label(answer).check()
    page.get_by_label("Lead Professional agreed with the family").select_option("alice")
    page.locator("#id_next_review_on-day").fill("12")
    page.locator("#id_next_review_on-month").fill("1")
    page.locator("#id_next_review_on-year").fill("2027")
    page.get_by_role("button", name="Record the meeting").click()
    page.check()
    page.get_by_role("button", name="Escalate Northmoor Community Health's absence").click()
    page.check()
    expect(page.get_by_text("The CAF co-ordinator is told")).to_be_visible()
    assert Escalation.objects.count() == 1

    # A review makes version 2.
    page.get_by_role("link", name="Back to the CAF").click()
    review_learning(page)
    assert AssessmentVersion.objects.count() == 2

    # Closure: needs met.
    page.get_by_role("link", name="Back to the CAF").click()
    page.get_by_role("link", name="Close the CAF").click()
    page.check()
    page.get_by_label("The child's needs are met").check()
    page.get_by_role("button", name="Close the CAF").click()
    page.check()
    expect(page.get_by_text("This CAF is closed")).to_be_visible()
    assert Assessment.objects.get().status == "closed"


def test_another_agency_without_consent_cannot_read_it(
    page,
    school_teacher,
    health_visitor,
    region_on_live_server,  # noqa: F811
):
    assessment = actions.start_assessment(
        agency_id="sch-001",
        local_id="UPN-1001",
        checklist={"family_agrees": "yes"},
        by=actions.Actor("alice", "Alice", "sch-001"),
    )
    Person.objects.update(caf_status="open", caf_holder=school_teacher.organisation)
    assert assessment.status == "draft"
    signed_in(page, health_visitor)
    open_olivia(page)
    page.visit(page.url.replace(page.base_url, "") + "/caf")
    expect(page.get_by_role("heading", name="You cannot open this CAF")).to_be_visible()
    expect(page.get_by_text("no information-sharing protocol")).to_be_visible()


def test_the_coordinator_follows_up_an_escalated_absence(page, school, local_authority):
    CafOverview.objects.create(
        caf=uuid.uuid4(),
        holder=school,
        local_id="UPN-1001",
        status="open",
        initiating_organisation=school.agency_id,
        escalations=[{"agency": "Wealdshire Police", "raised_on": "2026-11-20", "by": "Alice"}],
        as_of=timezone.now(),
    )
    coordinator = UserFactory(
        username="cora", organisation=local_authority, roles=["caf_coordinator"]
    )
    signed_in(page, coordinator)
    page.visit("/caf/queue")
    expect(page.get_by_text("1 CAF with an escalated non-attendance to follow up")).to_be_visible()
    page.get_by_label("Wealdshire Police did not attend").fill("Called the duty sergeant")
    page.get_by_role("button", name="Record the follow-up").click()
    page.check()
    expect(page.get_by_text("The follow-up is recorded.")).to_be_visible()
    expect(page.get_by_text("Called the duty sergeant")).to_be_visible()
    assert EscalationFollowUp.objects.get().by == coordinator
