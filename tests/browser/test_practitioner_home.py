"""A practitioner's own work on the home page, in the browser; axe on each page.

Alice, the school's class teacher, works with Olivia and leads her CAF (kept at the
school's node, reached over real HTTP): a review and an action due, a meeting coming
up, an escalated absence the CAF co-ordinator has followed up; a request she made that
health answered, and one from health waiting for the school's answer.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fame.caf import record_caf_facts
from fame.caf.hub.coordination import follow_up_escalation
from fame.caf.models import CafOverview
from fame.caf.node import actions, team
from fame.caf.node.queries import coordination_facts
from fame.index.models import Involvement, Person
from fame.web.jinja import long_date

from ..factories import DetailRequestFactory, UserFactory
from .test_child_index import signed_in
from .test_detail_requests import region_on_live_server  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def olivias_caf_led_by(alice, school) -> dict[str, str]:
    """Olivia's CAF at the school's node, its facts at the hub; the dates it has, in words."""
    today = timezone.localdate()
    by = actions.Actor("alice", "Alice", "sch-001")
    assessment = actions.start_assessment(
        agency_id="sch-001", local_id="UPN-1001", checklist={"family_agrees": "yes"}, by=by
    )
    held = team.arrange_meeting(
        assessment=assessment,
        held_on=today - timedelta(days=14),
        invitees=[
            {"username": "alice", "name": "Alice", "organisation": "sch-001"},
            {
                "username": "bob",
                "name": "Bob",
                "organisation": "hlt-001",
                "organisation_name": "Northmoor Community Health",
            },
        ],
        by=by,
    )
    absent = held.invitations.get(organisation="hlt-001")
    team.record_meeting(
        meeting=held,
        attendance={
            absent.pk: "absent",
            held.invitations.get(organisation="sch-001").pk: "attended",
        },
        lead_professional="alice",
        lead_professional_name="Alice",
        next_review_on=today + timedelta(weeks=6),
        by=by,
    )
    team.add_action(
        meeting=held,
        description="Breakfast club place",
        owner="Alice",
        due_on=today - timedelta(days=2),
        by=by,
    )
    absent.refresh_from_db()
    team.escalate(invitation=absent, reason="Second meeting missed", by=by)
    team.arrange_meeting(
        assessment=assessment,
        held_on=today + timedelta(days=7),
        invitees=[{"username": "alice", "name": "Alice", "organisation": "sch-001"}],
        by=by,
    )
    assessment.refresh_from_db()
    facts = coordination_facts(assessment)
    record_caf_facts(organisation=school, facts={**facts, "local_id": "UPN-1001"})
    overview = CafOverview.objects.get()
    follow_up_escalation(
        overview_id=overview.pk,
        agency="Northmoor Community Health",
        raised_on=overview.escalations[0]["raised_on"],
        note="Spoke to the health visitors' manager",
        by=UserFactory(
            username="cora", first_name="Cora", last_name="Price", roles=["caf_coordinator"]
        ),
    )
    return {
        "review": long_date(today + timedelta(weeks=6)),
        "action": long_date(today - timedelta(days=2)),
        "meeting": long_date(today + timedelta(days=7)),
    }


def test_a_practitioner_sees_their_work_and_follows_it_to_the_child_and_the_caf(
    page,
    school,
    health_trust,
    school_teacher,
    health_visitor,
    region_on_live_server,  # noqa: F811
):
    olivia = Person.objects.get()
    Involvement.objects.filter(organisation=school).update(practitioner=school_teacher)
    due = olivias_caf_led_by(school_teacher, school)
    DetailRequestFactory(
        person=olivia, agency=health_trust, requested_by=school_teacher, status="released"
    )
    DetailRequestFactory(
        person=olivia, agency=school, requested_by=health_visitor, status="no_response"
    )

    signed_in(page, school_teacher)
    page.save_screenshot("home-practitioner")

    cafs = page.locator("#cafs")
    expect(cafs).to_contain_text("Olivia Hartley")
    expect(cafs).to_contain_text("You are the Lead Professional (Hollins Lane Primary School)")
    expect(cafs).to_contain_text(f"Review due {due['review']}")
    expect(cafs).to_contain_text(f"1 action open, next due {due['action']} Overdue")
    expect(page.locator("#meetings")).to_contain_text(f"{due['meeting']}: Olivia Hartley")
    escalations = page.locator("#escalations")
    expect(escalations).to_contain_text("Northmoor Community Health did not attend")
    expect(escalations).to_contain_text("The CAF co-ordinator, Cora Price, followed it up on")
    expect(escalations).to_contain_text("Spoke to the health visitors' manager")
    expect(page.locator("#requests-made")).to_contain_text(
        "Northmoor Community Health about Olivia Hartley: Information released"
    )
    expect(page.locator("#requests-awaiting")).to_contain_text(
        f"Olivia Hartley: {health_visitor.display_name} (Northmoor Community Health) asked on"
    )
    expect(page.locator("#children")).to_contain_text("Olivia Hartley: Primary education")

    # The child: her record, opened with a reason.
    page.locator("#children").get_by_role("link", name="Olivia Hartley").click()
    page.check()
    page.get_by_label("Early help", exact=False).check()
    page.get_by_role("button", name="Open the record").click()
    page.check()
    expect(page.get_by_role("heading", name="Olivia Hartley")).to_be_visible()

    # The CAF: her record is open now, so the home page goes straight to it.
    page.get_by_role("link", name="Home").first.click()
    page.check()
    page.locator("#cafs").get_by_role("link", name="Olivia Hartley").click()
    page.check()
    assert page.url.endswith("/caf")
    expect(page.get_by_role("heading", name="Common Assessment Framework")).to_be_visible()
