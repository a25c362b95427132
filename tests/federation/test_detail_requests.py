"""Asking an agency for more information: forwarded, decided at the node, answered within 2 s."""

from __future__ import annotations

import re
import time

import pytest

from fame.audit.models import AuditEvent
from fame.federation import client as federation_client_module
from fame.federation._breaker import breakers
from fame.federation.models import DetailRequest, FederationNode
from fame.federation.transports import DjangoClientTransport, UnreachableTransport
from fame.index.actions import ingest_record
from fame.node.models import DisclosureLog, NodeRecord

from ..conftest import signed_in_client
from ..index.conftest import record
from ..index.test_pages import open_first_result

pytestmark = pytest.mark.django_db

ASK = {"purpose": "early_help", "categories": ["case", "assessment"], "note": "Attendance"}


@pytest.fixture
def olivia(embedded_node, agencies):
    """Olivia, known to the school (held at the node too) and to the health trust."""
    ingest_record(record(), organisation=agencies["sch-001"], by=None)
    ingest_record(
        record(agency_id="hlt-001", local_id="N1", service="Health visiting"),
        organisation=agencies["hlt-001"],
        by=None,
    )
    NodeRecord.objects.create(agency_id="sch-001", local_id="UPN-1001", data={}, content_hash="")


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


def test_detail_request_is_refused_with_the_nodes_reason(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    response = ask_school(client)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"Hollins Lane Primary School refused your request" in page.content
    assert b"The information-sharing rules are not in force on this node yet" in page.content
    detail = DetailRequest.objects.get()
    assert detail.status == "refused"
    log = DisclosureLog.objects.get()
    assert (log.requester, log.purpose, log.categories) == ("bob", "early_help", ASK["categories"])
    assert log.local_id == "UPN-1001"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "federation.detail_requested",
        "federation.detail_answered",
        "node.disclosure_decided",
    } <= actions


def test_the_form_needs_a_purpose_and_what_is_wanted(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    response = ask_school(client, purpose="", categories=[])
    assert response.status_code == 200
    assert b"Select why you need more information" in response.content
    assert b"Error: " in response.content
    assert not DetailRequest.objects.exists()


def test_an_override_needs_who_authorised_it(health_visitor, olivia):
    client = signed_in_client(health_visitor)
    response = ask_school(client, override_reason="Risk of harm tonight")
    assert b"Enter who authorised asking without consent" in response.content


def test_node_down_answers_quickly_naming_the_agency(health_visitor, olivia):
    federation_client_module.use_transport(UnreachableTransport(delay=5.0))
    client = signed_in_client(health_visitor)
    url = ask_url(client)
    started = time.monotonic()
    response = client.post(url, ASK)
    page = client.get(response["Location"])
    assert time.monotonic() - started < 2.0
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


def test_circuit_opens_after_repeated_failures(health_visitor, olivia):
    down = UnreachableTransport()
    federation_client_module.use_transport(down)
    client = signed_in_client(health_visitor)
    for _ in range(5):
        ask_school(client)
    assert down.calls == breakers.threshold
    assert breakers.state(FederationNode.objects.get().name) == "open"
    assert DetailRequest.objects.filter(status="no_response").count() == 5
    health = client.get("/healthz").json()
    assert health["nodes"][0]["status"] == "unreachable"


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
