"""The hub's overview of a CAF carries the dates of its life that reports count, as the node
sends them: completion, each meeting with each agency's attendance, each review set and when
it was held, every escalation, closure and step-up. Played at the node, days apart."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fame.caf import record_caf_facts
from fame.caf.models import Assessment, CafOverview
from fame.caf.node import team
from fame.caf.node.actions import Actor, complete_assessment, save_section, start_assessment
from fame.caf.node.history import answers_for
from fame.caf.structure import SECTION_KEYS
from fame.node.outbox import deliver_once

pytestmark = pytest.mark.django_db

ALICE = Actor("alice", "Alice Teacher", "sch-001")


def on(day: date, hour: int = 10):
    return time_machine.travel(
        datetime.combine(day, time(hour), tzinfo=ZoneInfo("Europe/London")), tick=False
    )


def invitee(username: str, organisation: str) -> dict[str, str]:
    return {
        "username": username,
        "name": username.title(),
        "organisation": organisation,
        "organisation_name": organisation,
    }


def completed_caf(started: date, completed: date) -> Assessment:
    with on(started):
        assessment = start_assessment(
            agency_id="sch-001",
            local_id="UPN-1001",
            checklist=answers_for("checklist", on=started, agency_id="sch-001"),
            by=ALICE,
        )
    with on(completed):
        for key in SECTION_KEYS[1:]:
            content = answers_for(key, on=completed, agency_id="sch-001")
            save_section(
                assessment=assessment, section=key, content=content, complete=True, by=ALICE
            )
        complete_assessment(assessment=assessment, by=ALICE)
    return assessment


def meet(assessment: Assessment, day: date, review: date, attendance: dict[str, str]):
    people = [
        invitee("alice", "sch-001"),
        invitee("bob", "hlt-001"),
        invitee("bea", "hlt-001"),
        invitee("sam", "lasc-001"),
    ]
    with on(day, 9):
        meeting = team.arrange_meeting(
            assessment=assessment, held_on=day, invitees=people, by=ALICE
        )
    by_name = {i.username: i for i in meeting.invitations.all()}
    with on(day, 16):
        team.record_meeting(
            meeting=meeting,
            attendance={by_name[u].pk: a for u, a in attendance.items()},
            lead_professional="alice",
            lead_professional_name="Alice Teacher",
            next_review_on=review,
            by=ALICE,
        )
    return {i.username: i for i in meeting.invitations.all()}


def test_a_cafs_life_shows_in_the_hubs_overview(olivia, local_authority):
    assessment = completed_caf(date(2025, 1, 6), date(2025, 1, 20))
    absent = meet(
        assessment,
        date(2025, 2, 3),
        date(2025, 3, 17),
        {"alice": "attended", "bob": "absent", "bea": "apologies", "sam": "absent"},
    )
    with on(date(2025, 2, 4)):
        team.escalate(invitation=absent["sam"], reason="Did not come", by=ALICE)
    with on(date(2025, 3, 19)):
        complete_assessment(assessment=assessment, by=ALICE, note="Reviewed")
    meet(
        assessment,
        date(2025, 3, 19),
        date(2025, 5, 12),
        {"alice": "attended", "bob": "attended", "bea": "absent", "sam": "apologies"},
    )
    deliver_once()
    overview = CafOverview.objects.get()
    assert overview.started_on == date(2025, 1, 6)
    assert overview.completed_on == date(2025, 1, 20)
    assert overview.first_meeting_on == date(2025, 2, 3)
    assert overview.meetings == [
        {
            "held_on": "2025-02-03",
            "attendance": {"hlt-001": "apologies", "lasc-001": "absent", "sch-001": "attended"},
        },
        {
            "held_on": "2025-03-19",
            "attendance": {"hlt-001": "attended", "lasc-001": "apologies", "sch-001": "attended"},
        },
    ]
    assert overview.reviews == [
        {"due": "2025-03-17", "held": "2025-03-19"},
        {"due": "2025-05-12", "held": ""},
    ]
    assert overview.escalations_raised == [{"agency_id": "lasc-001", "raised_on": "2025-02-04"}]
    assert overview.closed_on is None and overview.referred_to == ""

    with on(date(2025, 6, 2)):
        team.close(assessment=assessment, reason="stepped_up", referred_to="lasc-001", by=ALICE)
    deliver_once()
    overview.refresh_from_db()
    assert (overview.status, overview.closed_reason) == ("closed", "stepped_up")
    assert overview.closed_on == date(2025, 6, 2)
    assert overview.referred_to == "lasc-001"
    assert overview.escalations_raised == [{"agency_id": "lasc-001", "raised_on": "2025-02-04"}]


def test_a_draft_has_no_dates_beyond_its_start(olivia):
    with on(date(2025, 4, 1)):
        start_assessment(
            agency_id="sch-001",
            local_id="UPN-1001",
            checklist=answers_for("checklist", on=date(2025, 4, 1), agency_id="sch-001"),
            by=ALICE,
        )
    deliver_once()
    overview = CafOverview.objects.get()
    assert overview.started_on == date(2025, 4, 1)
    assert (overview.completed_on, overview.first_meeting_on, overview.closed_on) == (None,) * 3
    assert overview.meetings == overview.reviews == overview.escalations_raised == []


def test_facts_with_malformed_history_are_refused_and_old_ones_count_as_none(school):
    facts = {"caf": "6f1c1a3e-8d1f-4a59-9c55-0d2b1a7e9f10", "as_of": "2025-01-01T10:00:00+00:00"}
    for bad in (
        {"meetings": "yesterday"},
        {"meetings": [{"held_on": "2025-01-02", "attendance": ["sch-001"]}]},
        {"reviews": [{"due": "soon"}]},
        {"completed_on": "2025-13-01"},
        {"escalations_raised": ["lasc-001"]},
    ):
        with pytest.raises(ValueError):
            record_caf_facts(organisation=school, facts={**facts, **bad})
    assert not CafOverview.objects.exists()
    record_caf_facts(organisation=school, facts=facts)
    overview = CafOverview.objects.get()
    assert overview.meetings == overview.reviews == overview.escalations_raised == []
    assert overview.completed_on is None and overview.referred_to == ""
