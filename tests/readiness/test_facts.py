"""Live facts: each sentence's figures follow the hub's data, zero included, and a fact the
data cannot give says so."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fame.accounts.models import AccreditationStatus, TrainingRecord
from fame.audit import record_event
from fame.audit.models import AuditEvent
from fame.audit.sequencer import integrate
from fame.caf.models import CafOverview
from fame.federation.actions import note_contact, note_failure
from fame.federation.models import FederationNode
from fame.federation.queries import node_availability
from fame.index.models import Person, ReviewItem, ReviewStatus, SourceRecord
from fame.readiness.bank import FACTS
from fame.readiness.facts import Fact, live_fact, live_facts
from fame.sharing import create_protocol, record_consent
from fame.sharing.actions import withdraw_consent

from ..audit.conftest import sql
from ..conftest import signed_in_client
from ..factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def text(key: str) -> str:
    return live_fact(key).text


def today() -> date:
    return timezone.localdate()


class Clock:
    """The time every ``timezone.now()`` reads, moved on by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


# Every fact, and the door ---------------------------------------------------------------


NOTHING_YET = {
    "accredited_organisations": "No organisations are registered.",
    "vetted_trained_practitioners": "No practitioners have an account.",
    "protocols_in_force": "No information-sharing protocols are recorded.",
    "consents_recorded": "No consent decisions are recorded.",
    "nodes_connected": "No nodes are registered with the hub.",
    "match_review_queue": "No possible matches are waiting for review.",
    "audit_verified": "No check of the audit log is recorded.",
    "cafs_on_time": "The hub has been told of no CAFs.",
}


def test_every_fact_on_an_empty_hub_says_there_is_nothing_to_count():
    facts = live_facts(FACTS)

    assert {fact.key: fact.text for fact in facts} == NOTHING_YET
    assert [fact.key for fact in facts] == list(FACTS)


def test_a_fact_is_dated_now_and_attached_with_its_date(clock):
    fact = live_fact("nodes_connected")

    assert fact.as_of == clock.now
    assert fact.attached() == {
        "key": "nodes_connected",
        "text": "No nodes are registered with the hub.",
        "as_of": "2026-11-02T12:00:00+00:00",
    }


def test_an_unknown_fact_is_a_key_error_naming_the_known_ones():
    with pytest.raises(KeyError, match=r"no live fact 'children_seen'.*accredited_organisations"):
        live_fact("children_seen")


def test_live_facts_with_an_unknown_key_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(KeyError, match="'bogus'"):
        live_facts(["accredited_organisations", "bogus"])


def test_live_facts_keeps_the_order_asked_for():
    facts = live_facts(["cafs_on_time", "accredited_organisations"])

    assert [fact.key for fact in facts] == ["cafs_on_time", "accredited_organisations"]
    assert all(isinstance(fact, Fact) for fact in facts)


# Organisations and practitioners ---------------------------------------------------------


def test_accredited_organisations_counts_the_accredited_of_all_registered():
    first = OrganisationFactory()
    OrganisationFactory()
    OrganisationFactory(accreditation_status=AccreditationStatus.PENDING)
    assert text("accredited_organisations") == (
        "2 of 3 registered organisations are accredited to use child data."
    )

    first.accreditation_status = AccreditationStatus.SUSPENDED
    first.save()
    assert text("accredited_organisations") == (
        "1 of 3 registered organisations is accredited to use child data."
    )


def test_no_accredited_organisation_is_said_as_none(pending_charity):
    assert text("accredited_organisations") == (
        "None of the 1 registered organisation is accredited to use child data."
    )


CLEARED = "vetted and trained: their enhanced vetting check and all required training are current."


def test_practitioners_are_counted_by_the_rule_that_opens_child_data(school):
    alice = UserFactory(organisation=school)
    assert text("vetted_trained_practitioners") == f"1 of 1 practitioner is {CLEARED}"

    UserFactory(organisation=school, vetting_checked_on=None)
    UserFactory(organisation=school, trained=False)
    UserFactory(organisation=school, vetting_checked_on=today() - timedelta(days=4 * 365))
    lapsed = UserFactory(organisation=school)
    TrainingRecord.objects.filter(user=lapsed).update(
        completed_on=today() - timedelta(days=37 * 31)
    )
    # Not practitioners: a manager only, and a practitioner whose account is disabled.
    UserFactory(organisation=school, roles=["manager"])
    UserFactory(organisation=school, is_active=False)

    assert text("vetted_trained_practitioners") == f"1 of 5 practitioners is {CLEARED}"

    alice.vetting_checked_on = None
    alice.save()
    assert text("vetted_trained_practitioners") == f"None of the 5 practitioners is {CLEARED}"


def test_practitioners_are_counted_in_the_same_few_queries_however_many(school):
    UserFactory(organisation=school)
    with CaptureQueriesContext(connection) as one:
        text("vetted_trained_practitioners")
    for _ in range(4):
        UserFactory(organisation=school)
    with CaptureQueriesContext(connection) as five:
        assert text("vetted_trained_practitioners") == f"5 of 5 practitioners are {CLEARED}"

    assert len(five) == len(one)


# Protocols and consents -----------------------------------------------------------------


def protocol(reference: str, parties: list[str], by, **dates: Any):
    dates.setdefault("in_force_from", today() - timedelta(days=60))
    return create_protocol(
        reference=reference,
        title=reference.replace("-", " "),
        scope="regional",
        parties=parties,
        purposes=["early_help"],
        data_categories=["case"],
        lawful_basis="Children Act 2004 s.10",
        by=by,
        **dates,
    )


def test_protocols_in_force_today_and_the_organisations_they_name(
    isa_officer, school, health_trust, local_authority
):
    protocol("early-help", ["sch-001", "hlt-001"], isa_officer)
    assert text("protocols_in_force") == (
        "1 of 1 information-sharing protocol is in force today, naming 2 organisations as parties."
    )

    protocol("from-next-week", ["lasc-001"], isa_officer, in_force_from=today() + timedelta(7))
    protocol(
        "ended",
        ["lasc-001", "sch-001"],
        isa_officer,
        in_force_to=today() - timedelta(days=1),
    )
    protocol("ends-today", ["hlt-001", "lasc-001"], isa_officer, in_force_to=today())

    assert text("protocols_in_force") == (
        "2 of 4 information-sharing protocols are in force today, naming 3 organisations as "
        "parties."
    )


def test_protocols_none_in_force(isa_officer, school):
    protocol("next-week", ["sch-001"], isa_officer, in_force_from=today() + timedelta(days=7))

    assert text("protocols_in_force") == (
        "None of the 1 information-sharing protocol is in force today."
    )


def consent(child_ref: str, decision: str, by):
    return record_consent(
        child_ref=child_ref,
        grantor="parent",
        decision=decision,
        organisations=["sch-001"],
        purposes=["early_help"],
        data_categories=["assessment"],
        in_force_from=today() - timedelta(days=10),
        recorded_how="written",
        by=by,
    )


def test_consents_recorded_by_child_decision_and_withdrawal(health_visitor, school):
    first = consent("person-1", "permit", health_visitor)
    assert text("consents_recorded") == (
        "1 consent decision recorded for 1 child: 1 agreeing to sharing, 0 refusing it; "
        "0 since withdrawn."
    )

    consent("person-1", "deny", health_visitor)
    consent("person-2", "permit", health_visitor)
    withdraw_consent(consent=first, by=health_visitor)

    assert text("consents_recorded") == (
        "3 consent decisions recorded for 2 children: 2 agreeing to sharing, 1 refusing it; "
        "1 since withdrawn."
    )


# Nodes ------------------------------------------------------------------------------------


def register(name: str) -> FederationNode:
    return FederationNode.objects.create(
        name=name, base_url="http://127.0.0.1:9", agencies=[], public_key="-"
    )


def test_nodes_answering_now_and_their_availability_over_30_days(clock):
    north = register("north")
    note_contact(north)
    assert text("nodes_connected") == (
        "1 of 1 registered node is answering now; it was registered too recently to tell "
        "how reachable it is."
    )

    clock.advance(seconds=10)
    note_contact(north)
    assert text("nodes_connected") == (
        "1 of 1 registered node is answering now; over the last 30 days it was reachable "
        "100.0% of the time, with 0 outages recorded."
    )

    clock.advance(days=10)
    note_failure(north, "timed out")
    clock.advance(days=1)
    note_contact(north)
    clock.advance(days=9)
    # Down one day of the twenty since it was registered; not heard from for nine days.
    assert text("nodes_connected") == (
        "None of the 1 registered node is answering now (1 silent); over the last 30 days "
        "it was reachable 95.0% of the time, with 1 outage recorded."
    )

    note_contact(north)
    register("south")
    assert text("nodes_connected") == (
        "1 of 2 registered nodes is answering now (1 never seen); over the last 30 days they "
        "were reachable 95.0% of the time, with 1 outage recorded."
    )


def test_availability_counts_only_the_period_and_a_node_still_down(clock):
    north = register("north")
    clock.advance(days=1)
    note_failure(north, "refused")
    clock.advance(days=2)
    note_contact(north)
    clock.advance(days=29)
    # The period starts two days after registration: one of its 30 days was down, and the
    # outage itself began before it.
    counted = node_availability()
    assert (counted.outages, round(counted.reachable_share or 0, 4)) == (0, round(29 / 30, 4))
    assert "reachable 96.6% of the time, with 0 outages recorded" in text("nodes_connected")

    note_failure(north, "refused again")
    clock.advance(days=3)
    # Down for the last three days, and still down; the first outage has left the period.
    counted = node_availability()
    assert counted.outages == 1
    assert counted.reachable_share == pytest.approx(1 - 3 / 30)
    assert text("nodes_connected").startswith(
        "None of the 1 registered node is answering now (1 unreachable);"
    )


def test_availability_ignores_other_nodes_events(clock):
    north = register("north")
    note_contact(north)
    record_event("federation.node_unreachable", target="node:elsewhere")
    clock.advance(days=1)

    assert node_availability().reachable_share == 1


# The match review queue -------------------------------------------------------------------


def possible_match(organisation, local_id: str, waiting_since: datetime) -> ReviewItem:
    def source(suffix: str) -> SourceRecord:
        return SourceRecord.objects.create(
            organisation=organisation,
            local_id=f"{local_id}{suffix}",
            data={},
            content_hash="-",
            person=Person.objects.create(),
            link_method="new",
        )

    item = ReviewItem.objects.create(record=source("a"), candidate=source("b"), weight=4.0)
    ReviewItem.objects.filter(pk=item.pk).update(created_at=waiting_since)
    return item


def test_match_review_queue_counts_open_items_and_the_oldest(school):
    first = possible_match(school, "R1", datetime(2026, 11, 3, 12, tzinfo=UTC))
    assert text("match_review_queue") == (
        "1 possible match is waiting for an information-sharing officer's review, the oldest "
        "since 3 November 2026."
    )

    possible_match(school, "R2", datetime(2026, 11, 20, 12, tzinfo=UTC))
    decided = possible_match(school, "R3", datetime(2026, 10, 1, 12, tzinfo=UTC))
    ReviewItem.objects.filter(pk=decided.pk).update(status=ReviewStatus.REJECTED)
    assert text("match_review_queue") == (
        "2 possible matches are waiting for an information-sharing officer's review, the "
        "oldest since 3 November 2026."
    )

    ReviewItem.objects.filter(pk=first.pk).update(status=ReviewStatus.LINKED)
    assert text("match_review_queue").endswith("the oldest since 20 November 2026.")


# The audit log ------------------------------------------------------------------------------


def test_audit_verified_tells_the_last_check_from_the_audit_page(auditor, school_teacher):
    client = signed_in_client(auditor)
    client.post("/audit/check")
    checked = AuditEvent.objects.get(action="audit.log_checked")
    before = AuditEvent.objects.filter(seq__lt=checked.seq).count()
    day = f"{timezone.localtime(checked.time):%-d %B %Y}"
    assert text("audit_verified") == (
        f"The audit log was last checked on {day}: {before} entries intact."
    )

    altered = record_event("auth.login", actor=school_teacher, target="user:1")
    integrate()  # the sequencer's next round signs it into the log
    sql("UPDATE {events} SET target = %s WHERE seq = %s", ["user:2", altered.seq])
    client.post("/audit/check")

    said = text("audit_verified")
    # Where ids and leaf positions differ (PostgreSQL after a rollback), the leaf is named too.
    assert said.startswith(
        f"The audit log was last checked on {day} and found altered: event {altered.seq} "
    )
    assert said.endswith("was altered: its contents do not match its leaf hash.")


def test_audit_verified_says_when_the_nodes_copies_disagreed(clock):
    # As the audit page records a check whose log is intact but a witness disagrees.
    record_event(
        "audit.log_checked",
        target="audit-log",
        outcome="failure",
        details={"log": {"intact": True, "events": 1204}, "witnesses": {"agree": False}},
    )

    assert text("audit_verified") == (
        "The audit log was last checked on 2 November 2026: 1,204 entries intact, but the "
        "copies the nodes witnessed did not all agree with it."
    )


# CAFs ----------------------------------------------------------------------------------------


def overview(holder, status: str, review_due: date | None = None) -> CafOverview:
    return CafOverview.objects.create(
        caf=uuid.uuid4(),
        holder=holder,
        local_id="UPN-1001",
        status=status,
        initiating_organisation=holder.agency_id,
        review_due=review_due,
        as_of=timezone.now(),
    )


def test_cafs_by_status_and_reviews_on_time(school):
    late = overview(school, "completed", review_due=today() - timedelta(days=1))
    assert text("cafs_on_time") == (
        "The hub knows of 1 CAF (1 completed and open); none of the 1 booked review is on time."
    )

    overview(school, "completed", review_due=today())
    overview(school, "completed", review_due=today() + timedelta(days=30))
    overview(school, "closed", review_due=today() - timedelta(days=90))
    overview(school, "draft")
    assert text("cafs_on_time") == (
        "The hub knows of 5 CAFs (3 completed and open, 1 closed, 1 in draft); "
        "2 of 3 booked reviews are on time."
    )

    late.status = "closed"
    late.save()
    assert text("cafs_on_time") == (
        "The hub knows of 5 CAFs (2 completed and open, 2 closed, 1 in draft); "
        "2 of 2 booked reviews are on time."
    )


def test_cafs_with_no_review_booked(school):
    overview(school, "draft")

    assert text("cafs_on_time") == (
        "The hub knows of 1 CAF (1 in draft); no open CAF has a review date."
    )
