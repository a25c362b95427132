"""/healthz says only that the process is up; a node's status goes to the hub, signed."""

from __future__ import annotations

import pytest
from django.test import Client

from fame.audit.models import AuditEvent
from fame.federation.queries import node_overview
from fame.node.actions import save_records
from fame.node.outbox import deliver_once, send_heartbeat

from ..index.conftest import record
from .conftest import NODE, signed_post

pytestmark = pytest.mark.django_db

STATUS = "/federation/v1/node/status"


@pytest.mark.parametrize("role", ["hub", "node", "both"])
def test_healthz_says_only_that_the_process_is_up(settings, embedded_node, role):
    save_records([record()], by="t", source="t")
    settings.FAME_ROLE = role

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_hub_register_shows_last_contact_and_backlog_after_a_heartbeat(embedded_node):
    save_records([record(), record(local_id="UPN-1002")], by="t", source="t")
    assert send_heartbeat()
    (line,) = node_overview()
    assert (line.status, line.node.outbox_backlog) == ("ok", 2)
    assert line.node.last_contact is not None

    deliver_once()

    (line,) = node_overview()
    assert line.node.outbox_backlog == 0


def test_node_status_answers_the_hub(settings, embedded_node):
    settings.FAME_ROLE = "node"
    save_records([record()], by="t", source="t")

    answer = signed_post(STATUS, {}, key_id="hub").json()

    assert answer == {
        "node": "northmoor-node",
        "agencies": ["hlt-001", "lasc-001", "sch-001"],
        "records": 1,
        "outbox_backlog": 1,
        "last_error": "",
    }


@pytest.mark.parametrize("key_id", [NODE, ""])
def test_node_status_is_refused_to_anyone_but_the_hub(embedded_node, key_id):
    if key_id:
        response = signed_post(STATUS, {}, key_id=key_id)
    else:
        response = Client().post(STATUS, {}, content_type="application/json")

    assert response.status_code == 401
    assert "agencies" not in response.json()
    assert AuditEvent.objects.filter(action="federation.refused", target=STATUS).exists()
