"""A practitioner's CAF work at the hub: the CAFs they started or lead, meetings coming up,
escalations with the co-ordinator's follow-ups; and the facts the node sends for it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from fame.caf import caf_work, record_caf_facts
from fame.caf.hub.coordination import follow_up_escalation
from fame.caf.models import Assessment, CafOverview
from fame.caf.node import actions, team
from fame.caf.node.queries import coordination_facts
from fame.index.actions import ingest_record
from fame.index.models import Person

from ..conftest import UserFactory
from ..index.conftest import record

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)


def overview(holder, **fields) -> CafOverview:
    values = {
        "caf": uuid.uuid4(),
        "holder": holder,
        "local_id": "UPN-1001",
        "status": "completed",
        "initiating_organisation": holder.agency_id,
        "as_of": timezone.now(),
        **fields,
    }
    return CafOverview.objects.create(**values)


@pytest.fixture
def olivia(school) -> Person:
    ingest_record(record(), organisation=school, by=None)
    return Person.objects.get()


def test_caf_work_lists_the_cafs_a_practitioner_leads_or_started_overdue_first(
    school, school_teacher
):
    on_time = overview(
        school, lead_professional_username="alice", review_due=TODAY + timedelta(days=30)
    )
    late = overview(
        school,
        assessor="alice",
        review_due=TODAY + timedelta(days=60),
        action_due_dates=["2026-12-01", "2026-12-20"],
    )

    work = caf_work(school_teacher, today=TODAY)

    assert [(c.role, c.review_due) for c in work.cafs] == [
        ("Assessor", late.review_due),
        ("Lead Professional", on_time.review_due),
    ]
    first = work.cafs[0]
    assert (first.overdue_actions, first.open_actions, first.next_action_due) == (
        1,
        2,
        date(2026, 12, 1),
    )
    assert first.overdue and not work.cafs[1].overdue


def test_caf_work_leaves_out_closed_cafs_and_other_practitioners_cafs(school, school_teacher):
    overview(school, lead_professional_username="alice", status="closed")
    overview(school, lead_professional_username="bob", assessor="bob")
    overview(
        school,
        lead_professional_username="bob",
        next_meeting_on=TODAY + timedelta(days=2),
        next_meeting_invited=["bob", "carol"],
    )

    work = caf_work(school_teacher, today=TODAY)

    assert work.cafs == [] and work.meetings == [] and work.escalations == []


def test_the_lead_professional_on_the_index_counts_before_the_node_says_so(
    school, school_teacher, olivia
):
    olivia.lead_professional = school_teacher
    olivia.save()
    overview(school, person=olivia)

    assert [c.role for c in caf_work(school_teacher, today=TODAY).cafs] == ["Lead Professional"]


def test_meetings_coming_up_include_those_the_practitioner_is_invited_to(school, school_teacher):
    overview(school, assessor="alice", next_meeting_on=TODAY + timedelta(days=9))
    overview(
        school,
        assessor="bob",
        next_meeting_on=TODAY + timedelta(days=2),
        next_meeting_invited=["alice", "bob"],
    )
    overview(school, assessor="alice", next_meeting_on=TODAY - timedelta(days=1))  # held

    meetings = caf_work(school_teacher, today=TODAY).meetings

    assert [(m.held_on, m.role) for m in meetings] == [
        (TODAY + timedelta(days=2), "Invited"),
        (TODAY + timedelta(days=9), "Assessor"),
    ]
    assert len(caf_work(school_teacher, today=TODAY).cafs) == 2  # invited is not held


def test_the_lead_professional_sees_the_coordinators_follow_up(school, school_teacher):
    escalations = [
        {"agency": "Northmoor Community Health", "raised_on": "2026-11-20", "by": "Alice"},
        {"agency": "Wealdshire Police", "raised_on": "2026-11-27", "by": "Alice"},
    ]
    led = overview(school, lead_professional_username="alice", escalations=escalations)
    overview(school, assessor="alice", escalations=escalations)
    cora = UserFactory(username="cora", first_name="Cora", last_name="Price")
    follow_up_escalation(
        overview_id=led.pk,
        agency="Wealdshire Police",
        raised_on="2026-11-27",
        note="Called the duty sergeant",
        by=cora,
    )

    news = caf_work(school_teacher, today=TODAY).escalations

    assert [(e.agency, e.note, e.followed_up_by) for e in news] == [
        ("Wealdshire Police", "Called the duty sergeant", "Cora Price"),
        ("Northmoor Community Health", "", ""),
    ]
    assert news[0].followed_up_at is not None  # the CAF alice only started is not hers to lead


def test_a_follow_up_stays_when_the_node_no_longer_reports_the_escalation(school, school_teacher):
    escalation = {"agency": "Wealdshire Police", "raised_on": "2026-11-27", "by": "Alice"}
    led = overview(school, lead_professional_username="alice", escalations=[escalation])
    follow_up_escalation(
        overview_id=led.pk,
        agency="Wealdshire Police",
        raised_on="2026-11-27",
        note="Called",
        by=UserFactory(username="cora"),
    )
    CafOverview.objects.filter(pk=led.pk).update(escalations=[])

    news = caf_work(school_teacher, today=TODAY).escalations

    assert [(e.agency, e.note) for e in news] == [("Wealdshire Police", "Called")]


def test_caf_work_takes_two_queries_however_many_cafs(
    school, school_teacher, django_assert_num_queries
):
    escalation = {"agency": "Wealdshire Police", "raised_on": "2026-11-27", "by": "Alice"}
    for _ in range(5):
        overview(
            school,
            lead_professional_username="alice",
            escalations=[escalation],
            next_meeting_on=TODAY,
        )

    with django_assert_num_queries(2):
        work = caf_work(school_teacher, today=TODAY)

    assert len(work.cafs) == len(work.meetings) == len(work.escalations) == 5


def test_the_node_sends_the_next_meeting_who_is_invited_and_who_leads(school, olivia):
    alice = actions.Actor("alice", "Alice", "sch-001")
    assessment = actions.start_assessment(
        agency_id="sch-001", local_id="UPN-1001", checklist={"family_agrees": "yes"}, by=alice
    )
    coming = timezone.localdate() + timedelta(days=7)
    team.arrange_meeting(
        assessment=assessment,
        held_on=timezone.localdate() - timedelta(days=7),
        invitees=[{"username": "dan", "name": "Dan", "organisation": "hlt-001"}],
        by=alice,
    )
    team.arrange_meeting(
        assessment=assessment,
        held_on=coming,
        invitees=[
            {"username": "bob", "name": "Bob", "organisation": "hlt-001"},
            {"name": "A family friend", "organisation": "vol-001"},
        ],
        by=alice,
    )
    Assessment.objects.filter(pk=assessment.pk).update(lead_professional="bob")

    facts = coordination_facts(Assessment.objects.get(pk=assessment.pk))
    assert record_caf_facts(organisation=school, facts={**facts, "local_id": "UPN-1001"}) == (
        "caf facts kept"
    )

    kept = CafOverview.objects.get()
    assert (kept.assessor, kept.lead_professional_username) == ("alice", "bob")
    assert (kept.next_meeting_on, kept.next_meeting_invited) == (coming, ["bob"])
    assert kept.person == olivia


def test_facts_with_a_malformed_invitation_list_change_nothing(school):
    facts = {"caf": str(uuid.uuid4()), "as_of": timezone.now().isoformat()}
    with pytest.raises(ValueError, match="next_meeting_invited must be a list"):
        record_caf_facts(organisation=school, facts={**facts, "next_meeting_invited": "bob"})
    with pytest.raises(ValueError, match="is not a date"):
        record_caf_facts(organisation=school, facts={**facts, "next_meeting_on": "soon"})
    assert not CafOverview.objects.exists()
