"""Asking an agency for more information: forwarded, decided at the node, answered within 2 s."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.federation import client as federation_client_module
from fame.federation._breaker import breakers
from fame.federation.models import DetailRequest, FederationNode
from fame.federation.queries import node_status
from fame.federation.transports import DjangoClientTransport, UnreachableTransport
from fame.index.actions import ingest_record
from fame.index.models import Person
from fame.node.models import NodeRecord
from fame.sharing import Consent, Disclosure, create_protocol, record_consent, withdraw_consent

from ..conftest import UserFactory, authenticator, current_code, signed_in_client
from ..index.conftest import record
from ..index.test_pages import open_first_result

pytestmark = pytest.mark.django_db

ASK = {
    "purpose": "early_help",
    "categories": ["case", "assessment"],
    "note": "Attendance",
    "family_told": "yes",
}


@pytest.fixture
def olivia(embedded_node, agencies):
    """Olivia, known to the school (held at the node too) and to the health trust."""
    ingest_record(record(), organisation=agencies["sch-001"], by=None)
    ingest_record(
        record(agency_id="hlt-001", local_id="N1", service="Health visiting"),
        organisation=agencies["hlt-001"],
        by=None,
    )
    NodeRecord.objects.create(
        agency_id="sch-001",
        local_id="UPN-1001",
        data={},
        content_hash="",
        caf_status="open",
        case_summary="Attendance 71% this term; two exclusions.",
    )


@pytest.fixture
def assessment_protocol(isa_officer, agencies):
    return share_assessments(by=isa_officer)


def share_assessments(*, by):
    """Schools and health may share assessments (not case records) for early help and
    safeguarding."""
    return create_protocol(
        reference="assessments",
        title="Sharing assessments",
        scope="regional",
        parties=["sch-001", "hlt-001"],
        purposes=["early_help", "safeguarding"],
        data_categories=["assessment"],
        lawful_basis="Consent; Children Act 2004 s10",
        in_force_from=timezone.localdate() - timedelta(days=30),
        by=by,
    )


def consent_for_health(by, decision: str = "permit"):
    return record_consent(
        child_ref=str(Person.objects.get().uid),
        grantor="parent",
        decision=decision,
        organisations=["hlt-001"],
        purposes=["early_help", "safeguarding"],
        data_categories=["assessment", "case"],
        in_force_from=timezone.localdate() - timedelta(days=1),
        recorded_how="written",
        by=by,
    )


def answered(detail: DetailRequest):
    """The hub's disclosure records of the node's answers to ``detail``."""
    return Disclosure.objects.filter(recorded_at_end="hub", request_ref=detail.uid.hex)


def ask_school(client, **form) -> object:
    return client.post(ask_url(client), {**ASK, **form})


def ask_url(client) -> str:
    handle = open_first_result(client).rsplit("/", 1)[-1]
    return f"/children/record/{handle}/ask/sch-001"


def test_record_page_offers_to_ask_each_other_agency(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    page = client.get(open_first_result(client))
    assert b"Ask Hollins Lane Primary School for more information" in page.content
    assert b"Ask Northmoor Community Health for more information" not in page.content


def test_without_protocol_or_consent_each_category_is_refused_and_recorded_at_both_ends(
    health_visitor, olivia
):
    client = signed_in_client(health_visitor)
    response = ask_school(client)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"Hollins Lane Primary School refused your request" in page.content
    assert b"no information-sharing protocol in force covers both organisations" in page.content
    assert b"two exclusions" not in page.content
    detail = DetailRequest.objects.get()
    assert detail.status == "refused"
    assert detail.information == {}
    hub = Disclosure.objects.filter(recorded_at_end="hub", request_ref=detail.uid.hex)
    node = Disclosure.objects.exclude(recorded_at_end="hub")
    assert sorted(hub.values_list("category", flat=True)) == ["assessment", "case"]
    assert sorted(hub.values_list("decision_id", flat=True)) == sorted(
        node.values_list("decision_id", flat=True)
    )
    at_node = node.get(category="case")
    assert (at_node.requester, at_node.purpose, at_node.child_ref) == (
        "bob",
        "early_help",
        "sch-001:UPN-1001",
    )
    at_hub = hub.get(category="case")
    assert at_hub.child_ref == str(Person.objects.get().uid)
    assert at_hub.request_ref == detail.uid.hex
    assert (at_hub.decision, at_hub.data_items) == ("deny", [])
    assert at_hub.family_told == "not_applicable"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"federation.detail_requested", "federation.detail_answered", "sharing.disclosure"} <= (
        actions
    )


def test_protocol_and_consent_release_only_the_categories_they_cover(
    health_visitor, olivia, assessment_protocol
):
    consent = consent_for_health(health_visitor)
    client = signed_in_client(health_visitor)
    page = client.get(ask_school(client)["Location"])

    detail = DetailRequest.objects.get()
    assert detail.status == "partly"
    assert detail.information == {"assessment": {"caf": "open"}}
    assert b"Hollins Lane Primary School shared some information" in page.content
    assert b"two exclusions" not in page.content  # case records: no protocol covers them
    shared = answered(detail).get(category="assessment")
    assert shared.decision == "permit"
    assert shared.protocol == "assessments@1"
    assert shared.consent_references == [str(consent.pk)]
    assert shared.data_items == ["caf"]
    assert shared.family_told == "yes"
    at_node = Disclosure.objects.exclude(recorded_at_end="hub").get(category="assessment")
    assert (at_node.decision_id, at_node.protocol) == (shared.decision_id, "assessments@1")


def test_a_withdrawn_consent_refuses_at_once_on_the_node(
    health_visitor, olivia, assessment_protocol
):
    consent = consent_for_health(health_visitor)
    client = signed_in_client(health_visitor)
    ask_school(client, categories=["assessment"])
    assert DetailRequest.objects.get().status == "released"

    withdraw_consent(consent=consent, by=health_visitor)
    ask_school(client, categories=["assessment"])

    latest = DetailRequest.objects.order_by("-created_at", "-pk").first()
    assert (latest.status, latest.information) == ("refused", {})
    assert latest.reasons[0].startswith("Refused: no consent in force permits")


def test_a_deny_consent_is_set_aside_by_an_authorised_safeguarding_override(
    health_visitor, olivia, assessment_protocol
):
    consent_for_health(health_visitor, decision="deny")
    manager = UserFactory(
        username="hana", organisation=health_visitor.organisation, roles=["manager"]
    )
    device = authenticator(manager)
    client = signed_in_client(health_visitor)
    ask_school(
        client,
        purpose="safeguarding",
        categories=["assessment"],
        family_told="no",
        family_not_told_reason="Telling the family may put the child at risk",
        override_reason="Bruising seen at clinic today",
        override_authoriser="hana",
        override_code=current_code(device),
    )

    detail = DetailRequest.objects.get()
    assert (detail.status, detail.override_authoriser, detail.override_confirmed) == (
        "released",
        "hana",
        True,
    )
    shared = answered(detail).get()
    assert shared.policies == ["rule6-permit-safeguarding-override"]
    assert (shared.override_reason, shared.override_authoriser) == (
        "Bruising seen at clinic today",
        "hana",
    )
    assert (shared.family_told, shared.family_not_told_reason) == (
        "no",
        "Telling the family may put the child at risk",
    )
    assert AuditEvent.objects.filter(action="auth.confirmed_by_code").exists()


def test_an_override_with_a_wrong_code_changes_nothing(health_visitor, olivia):
    manager = UserFactory(
        username="hana", organisation=health_visitor.organisation, roles=["manager"]
    )
    authenticator(manager)
    client = signed_in_client(health_visitor)
    response = ask_school(
        client,
        purpose="safeguarding",
        override_reason="Bruising seen at clinic today",
        override_authoriser="hana",
        override_code="000000",
    )
    assert response.status_code == 200
    assert b"The security code is not right" in response.content
    assert not DetailRequest.objects.exists()
    assert not Disclosure.objects.exclude(request_ref__startswith="index.").exists()
    assert AuditEvent.objects.filter(action="auth.confirmation_failed").exists()


def test_the_form_needs_a_purpose_and_what_is_wanted(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    response = ask_school(client, purpose="", categories=[], family_told="")
    assert response.status_code == 200
    assert b"Select why you need more information" in response.content
    assert b"Select whether the family has been told" in response.content
    assert b"Error: " in response.content
    assert not DetailRequest.objects.exists()


def test_the_family_not_told_needs_a_reason(health_visitor, olivia):
    response = ask_school(signed_in_client(health_visitor), family_told="no")
    assert b"Enter why the family has not been told" in response.content
    assert not DetailRequest.objects.exists()


def test_an_override_needs_who_authorised_it_and_their_code(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    response = ask_school(client, purpose="safeguarding", override_reason="Risk of harm tonight")
    assert b"Enter the username of the person who authorised it" in response.content
    assert b"Enter the 6-digit security code" in response.content
    response = ask_school(
        client, purpose="safeguarding", override_reason="Risk", override_authoriser="nobody"
    )
    assert b"There is no active user with that username" in response.content
    assert not DetailRequest.objects.exists()


def test_an_override_counts_only_for_safeguarding(health_visitor, olivia):
    """The override is revealed under Safeguarding: what was typed there, then left hidden
    by choosing another purpose, is not sent and asks for no code."""
    client = signed_in_client(health_visitor)
    response = ask_school(client, override_reason="Risk of harm tonight", override_code="12")
    assert response.status_code == 302
    detail = DetailRequest.objects.get()
    assert (detail.purpose, detail.override_reason, detail.override_authoriser) == (
        "early_help",
        "",
        "",
    )


def test_node_down_answers_quickly_naming_the_agency(health_visitor, olivia):
    federation_client_module.use_transport(UnreachableTransport(delay=5.0))
    client = signed_in_client(health_visitor)
    url = ask_url(client)
    started = time.monotonic()
    response = client.post(url, ASK)
    page = client.get(response["Location"])
    # The page does not wait for the slow node (5 s): the client gives up at
    # FAME_FEDERATION_TIMEOUT (1.5 s). Latency with a node down is measured by
    # benchmarks/federation.py, not asserted here on a shared machine.
    assert time.monotonic() - started < 4.5
    assert b"Hollins Lane Primary School did not respond. Try again." in page.content
    assert b"/retry" in page.content
    node = FederationNode.objects.get()
    assert node.errors == 1
    assert "timed out" in node.last_error
    assert DetailRequest.objects.get().status == "no_response"


def test_retry_reaches_the_node_once_it_is_back(health_visitor, olivia):
    federation_client_module.use_transport(UnreachableTransport())
    client = signed_in_client(health_visitor)
    page_url = ask_school(client)["Location"]
    assert DetailRequest.objects.get().status == "no_response"
    federation_client_module.use_transport(DjangoClientTransport())
    retry_url = re.search(rb'action="([^"]+/retry)"', client.get(page_url).content).group(1)
    client.post(retry_url.decode())
    detail = DetailRequest.objects.get()
    assert (detail.status, detail.attempts) == ("refused", 2)
    assert answered(detail).count() == 2  # one per category, the try that reached the node


def test_circuit_opens_after_repeated_failures(health_visitor, olivia):
    down = UnreachableTransport()
    federation_client_module.use_transport(down)
    client = signed_in_client(health_visitor)
    for _ in range(5):
        ask_school(client)
    assert down.calls == breakers.threshold
    assert breakers.state(FederationNode.objects.get().name) == "open"
    assert DetailRequest.objects.filter(status="no_response").count() == 5
    assert node_status(FederationNode.objects.get()) == "unreachable"


def test_another_practitioner_cannot_see_the_request(health_visitor, school_teacher, olivia):
    page_url = ask_school(signed_in_client(health_visitor))["Location"]
    response = signed_in_client(school_teacher).get(page_url)
    assert response.status_code == 403
    assert b"refused your request" not in response.content


def test_asking_an_agency_not_involved_is_not_found(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    handle = open_first_result(client).rsplit("/", 1)[-1]
    assert client.get(f"/children/record/{handle}/ask/lasc-001").status_code == 404


def test_unvetted_volunteer_cannot_ask(unvetted_volunteer, olivia):
    response = signed_in_client(unvetted_volunteer).get("/children/record/x/ask/sch-001")
    assert response.status_code == 403


def test_an_agency_holding_nothing_says_so_in_words(health_visitor, olivia, assessment_protocol):
    NodeRecord.objects.update(caf_status="")
    consent_for_health(health_visitor)
    client = signed_in_client(health_visitor)
    page = client.get(ask_school(client, categories=["assessment"])["Location"]).content.decode()

    detail = DetailRequest.objects.get()
    assert detail.information == {"assessment": {}}
    assert "Hollins Lane Primary School holds no assessment for this child." in page
    assert "Hollins Lane Primary School holds none of the information you asked for" in page
    assert "Nothing held</strong>" in page
    assert "Shared</strong>" not in page and "Not recorded" not in page and "Caf" not in page
    # Permitted, and nothing released: both ends' records say so.
    records = Disclosure.objects.filter(category="assessment")
    assert {(d.decision, tuple(d.data_items)) for d in records} == {("permit", ())}
    assert records.count() == 2


def test_what_an_agency_shares_is_labelled_in_words(health_visitor, olivia, assessment_protocol):
    consent_for_health(health_visitor)
    client = signed_in_client(health_visitor)
    page = client.get(ask_school(client, categories=["assessment"])["Location"]).content.decode()
    assert "Hollins Lane Primary School shared information" in page
    assert "Common Assessment Framework (CAF), open" in page
    assert "Caf" not in page


def test_the_ask_form_offers_the_consents_in_force_in_words(health_visitor, olivia):
    consent = consent_for_health(health_visitor)
    withdrawn = consent_for_health(health_visitor)
    withdraw_consent(consent=withdrawn, by=health_visitor)
    refusal = consent_for_health(health_visitor, decision="deny")
    client = signed_in_client(health_visitor)
    page = client.get(ask_url(client)).content.decode()
    since = f"{consent.in_force_from.day} {consent.in_force_from:%B %Y}"
    assert (
        "A parent agreed to share assessment and case information with Northmoor Community "
        f"Health, for early help and safeguarding, from {since}." in page
    )
    assert f'value="{consent.pk}"' in page
    assert f'value="{withdrawn.pk}"' not in page and f'value="{refusal.pk}"' not in page
    assert "No consent recorded" in page


def test_the_chosen_consent_travels_with_the_request(health_visitor, olivia, assessment_protocol):
    consent = consent_for_health(health_visitor)
    client = signed_in_client(health_visitor)
    page = client.get(ask_school(client, consent=str(consent.pk))["Location"]).content.decode()
    detail = DetailRequest.objects.get()
    assert detail.consent_reference == str(consent.pk)
    asked = AuditEvent.objects.get(action="federation.detail_requested")
    assert asked.details["consent_reference"] == str(consent.pk)
    assert "A parent agreed to share assessment and case information" in page


def test_no_consent_recorded_sends_no_reference(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    ask_school(client, consent="none")
    assert DetailRequest.objects.get().consent_reference == ""


@pytest.mark.parametrize("which", ["withdrawn", "refusal", "another child's", "made up"])
def test_a_consent_not_in_force_for_the_child_is_refused(which, health_visitor, olivia):
    decision = "deny" if which == "refusal" else "permit"
    consent = consent_for_health(health_visitor, decision=decision)
    if which == "withdrawn":
        withdraw_consent(consent=consent, by=health_visitor)
    if which == "another child's":
        Consent.objects.filter(pk=consent.pk).update(child_ref="someone-else")
    chosen = "9999" if which == "made up" else str(consent.pk)
    response = ask_school(signed_in_client(health_visitor), consent=chosen)
    assert response.status_code == 200
    assert b"Select a consent in force for this child, or No consent recorded" in response.content
    assert not DetailRequest.objects.exists()


def revealed_by(page: str, value: str) -> str:
    """The HTML a radio with ``value`` reveals when chosen (GOV.UK conditional reveal), up
    to the next choice or the end of its question."""
    radio = re.search(rf'<input[^>]*value="{value}"[^>]*>', page).group(0)
    target = re.search(r'data-aria-controls="([^"]+)"', radio).group(1)
    start = page.index(f'id="{target}"')
    ends = [page.find(m, start) for m in ('class="govuk-radios__item"', "</fieldset>")]
    return page[start : min(e for e in ends if e > 0)]


def test_the_ask_form_reveals_follow_up_questions(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    page = client.get(ask_url(client)).content.decode()
    assert 'name="family_not_told_reason"' in revealed_by(page, "no")
    override = revealed_by(page, "safeguarding")
    for name in ("override_reason", "override_authoriser", "override_code"):
        assert f'name="{name}"' in override
        assert page.count(f'name="{name}"') == 1
    assert page.count('name="family_not_told_reason"') == 1


def test_a_link_can_choose_safeguarding_and_what_to_ask_for(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    page = client.get(ask_url(client) + "?purpose=safeguarding&categories=assessment").content
    page = page.decode()
    assert re.search(r'<input[^>]*value="safeguarding"[^>]*checked', page)
    assert re.search(r'<input[^>]*value="assessment"[^>]*checked', page)
    assert not re.search(r'<input[^>]*value="case"[^>]*checked', page)
    assert "There is a problem" not in page


def test_a_refusal_without_consent_says_what_can_be_done_next(
    health_visitor, olivia, assessment_protocol
):
    client = signed_in_client(health_visitor)
    page = client.get(ask_school(client)["Location"]).content.decode()
    steps = page[page.index('id="next-steps"') :]
    assert "record their consent" in steps and "/consents/new" in steps
    link = re.search(r'href="([^"]+/ask/sch-001\?[^"]+)"', steps).group(1).replace("&amp;", "&")
    # Only assessments: no protocol covers case records, so an override would not help.
    assert link.endswith("?purpose=safeguarding&categories=assessment")
    assert "Where no information-sharing protocol" in steps
    assert "manager or information-sharing officer of your organisation" in steps


def test_a_refusal_without_a_protocol_says_an_override_will_not_help(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    page = client.get(ask_school(client)["Location"]).content.decode()
    steps = page[page.index('id="next-steps"') :]
    assert "Where no information-sharing protocol between the two organisations" in steps
    assert "purpose=safeguarding" not in steps and "record their consent" not in steps
