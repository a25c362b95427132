"""The node's CAF door: signed by the hub, about the holder's own record, writes by the assessor."""

from __future__ import annotations

import json
import time

import pytest

from fame.audit.models import AuditEvent
from fame.caf.models import Assessment, SectionDraft
from fame.federation import client as federation_client_module
from fame.federation import issue_assertion
from fame.federation.keys import private_key
from fame.federation.transports import UnreachableTransport

from ..conftest import signed_in_client
from ..federation.conftest import NODE, signed_post
from .conftest import CHECKLIST, caf_url, open_caf_record, start_caf

pytestmark = pytest.mark.django_db

FIND = "/federation/v1/node/cafs/find"


def assertion_for(username: str, organisation: str, child: str = "sch-001:UPN-1001") -> str:
    return issue_assertion(
        subject=username,
        name=username.title(),
        organisation=organisation,
        roles=["practitioner"],
        purpose="early_help",
        child=child,
        audience=NODE,
        private_key=private_key(),
    )


@pytest.fixture
def started(school_teacher, olivia) -> Assessment:
    client = signed_in_client(school_teacher)
    start_caf(client, open_caf_record(client))
    return Assessment.objects.get()


def test_the_holder_finds_its_caf(started):
    response = signed_post(
        FIND,
        {"agency_id": "sch-001", "local_id": "UPN-1001"},
        key_id="hub",
        assertion=assertion_for("alice", "sch-001"),
    )
    assert response.status_code == 200
    assert response.json()["assessment"]["uid"] == str(started.uid)


def test_another_agency_cannot_read_through_this_door(started):
    response = signed_post(
        FIND,
        {"agency_id": "sch-001", "local_id": "UPN-1001"},
        key_id="hub",
        assertion=assertion_for("bob", "hlt-001"),
    )
    assert response.status_code == 403
    assert "detail request" in response.json()["reason"]
    assert AuditEvent.objects.filter(action="federation.refused").exists()


def test_an_assertion_about_another_child_is_refused(started):
    response = signed_post(
        f"/federation/v1/node/cafs/{started.uid}",
        {},
        key_id="hub",
        assertion=assertion_for("alice", "sch-001", child="sch-001:UPN-9999"),
    )
    assert response.status_code == 401


def test_only_the_assessor_or_lead_professional_writes(started):
    path = f"/federation/v1/node/cafs/{started.uid}/sections/health"
    body = {"content": {"strengths": "x", "needs": ""}, "complete": True}
    refused = signed_post(path, body, key_id="hub", assertion=assertion_for("gina", "sch-001"))
    assert refused.status_code == 403
    assert not SectionDraft.objects.filter(section="health").exists()
    allowed = signed_post(path, body, key_id="hub", assertion=assertion_for("alice", "sch-001"))
    assert allowed.status_code == 200
    assert allowed.json()["assessment"]["sections"]["health"]["state"] == "completed"


def test_content_that_does_not_fit_the_structure_is_refused(started):
    path = f"/federation/v1/node/cafs/{started.uid}/sections/health"
    response = signed_post(
        path,
        {"content": {"diagnosis": "x"}, "complete": True},
        key_id="hub",
        assertion=assertion_for("alice", "sch-001"),
    )
    assert response.status_code == 400
    assert not SectionDraft.objects.filter(section="health").exists()


def test_an_unsigned_request_is_refused(started):
    from django.test import Client

    response = Client().post(
        FIND,
        data=json.dumps({"agency_id": "sch-001", "local_id": "UPN-1001"}),
        content_type="application/json",
    )
    assert response.status_code == 401


def test_node_down_names_the_agency_quickly(school_teacher, olivia):
    client = signed_in_client(school_teacher)
    handle = open_caf_record(client)
    federation_client_module.use_transport(UnreachableTransport(delay=5.0))
    started_at = time.monotonic()
    response = client.post(caf_url(handle, "/start"), CHECKLIST)
    assert time.monotonic() - started_at < 2.0
    assert b"Hollins Lane Primary School did not respond. Try again." in response.content
    assert not Assessment.objects.exists()
    assert AuditEvent.objects.filter(action="caf.started", outcome="failure").exists()
