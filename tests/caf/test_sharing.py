"""Reading a CAF is the decision point's to decide; others read it through a detail request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.caf.models import Assessment, SectionDraft
from fame.index.models import Person
from fame.node.outbox import deliver_once
from fame.sharing import Disclosure, create_protocol

from ..conftest import signed_in_client
from .conftest import ELEMENT, caf_url, fill_every_section, open_caf_record, save, start_caf

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(school_teacher, olivia):
    client = signed_in_client(school_teacher)
    handle = open_caf_record(client)
    start_caf(client, handle)
    fill_every_section(client, handle)
    client.post(caf_url(handle, "/check"), {"note": ""})
    deliver_once()
    return client, handle


@pytest.fixture
def assessment_protocol(isa_officer):
    return create_protocol(
        reference="assessments",
        title="Sharing assessments",
        scope="regional",
        parties=["sch-001", "hlt-001"],
        purposes=["early_help", "safeguarding"],
        data_categories=["assessment"],
        lawful_basis="Consent; Children Act 2004 s10",
        in_force_from=timezone.localdate() - timedelta(days=30),
        by=isa_officer,
    )


def test_the_holders_practitioner_is_permitted_by_rule_two_and_it_is_recorded(completed):
    client, handle = completed
    assert client.get(caf_url(handle)).status_code == 200
    kept = Disclosure.objects.filter(
        requester="alice", category="assessment", recorded_at_end="hub"
    ).latest("id")
    assert (kept.decision, kept.holder_organisation) == ("permit", "sch-001")
    assert "rule2-permit-holding-organisation" in kept.policies


def test_another_agency_without_a_protocol_is_refused_with_the_rules_reasons(
    completed, health_visitor
):
    bob = signed_in_client(health_visitor)
    handle = open_caf_record(bob)
    response = bob.get(caf_url(handle))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot open this CAF" in page
    assert "no information-sharing protocol" in page
    assert ELEMENT["strengths"] not in page
    kept = Disclosure.objects.filter(requester="bob", category="assessment").latest("id")
    assert kept.decision == "deny"
    refused = AuditEvent.objects.filter(action="access.refused", actor_username="bob").latest("seq")
    assert refused.details["reasons"] == list(kept.reasons)


def test_another_agency_the_rules_permit_is_sent_to_a_detail_request(
    completed, health_visitor, assessment_protocol
):
    bob = signed_in_client(health_visitor)
    handle = open_caf_record(bob)
    page = bob.get(caf_url(handle)).content.decode()
    assert "This CAF is held by Hollins Lane Primary School" in page
    assert f"/children/record/{handle}/ask/sch-001" in page
    assert ELEMENT["strengths"] not in page

    asked = bob.post(
        f"/children/record/{handle}/ask/sch-001",
        {"purpose": "early_help", "categories": ["assessment"], "family_told": "yes"},
    )
    answer = bob.get(asked["Location"]).content.decode()
    assert "Hollins Lane Primary School shared information" in answer
    assert "Version" in answer and "1, saved on" in answer
    assert "Development of the child" in answer or "Health" in answer
    assert ELEMENT["strengths"] in answer  # the current version's answers, readable
    assert "UPN-1001" not in answer


def test_the_lead_professional_at_another_agency_works_on_it_as_the_rules_permit(
    completed, health_visitor, assessment_protocol
):
    Person.objects.update(lead_professional=health_visitor)  # agreed at a meeting, as the index
    Assessment.objects.update(lead_professional="bob", lead_professional_name="Bob")  # shows
    bob = signed_in_client(health_visitor)
    handle = open_caf_record(bob)
    assert "Open the CAF" in bob.get(f"/children/record/{handle}").content.decode()
    page = bob.get(caf_url(handle))
    assert page.status_code == 200
    assert "This CAF is held by" not in page.content.decode()
    assert save(bob, handle, "health", {**ELEMENT, "strengths": "Sleeping well"}).status_code == 302
    assert SectionDraft.objects.filter(section="health", saved_by="bob").exists()
    at_node = Disclosure.objects.filter(requester="bob", category="assessment").exclude(
        recorded_at_end="hub"
    )
    assert at_node.latest("id").decision == "permit"  # the holder's node decided too


def test_the_lead_professional_at_another_agency_is_refused_without_a_protocol(
    completed, health_visitor
):
    Person.objects.update(lead_professional=health_visitor)
    Assessment.objects.update(lead_professional="bob")
    bob = signed_in_client(health_visitor)
    response = bob.get(caf_url(open_caf_record(bob)))
    assert response.status_code == 403
    assert "no information-sharing protocol" in response.content.decode()
