"""/healthz: the hub lists the nodes it knows and how they stand; a node names its agencies."""

from __future__ import annotations

import pytest
from django.test import Client

from fame.node.actions import save_records
from fame.node.outbox import deliver_once, send_heartbeat

from ..index.conftest import record

pytestmark = pytest.mark.django_db

NODE_FIELDS = {"name", "url", "agencies", "status", "last_contact", "outbox_backlog"}


def test_hub_lists_a_node_never_seen(settings, embedded_node):
    settings.FAME_ROLE = "hub"
    answer = Client().get("/healthz").json()
    assert (answer["role"], answer["status"]) == ("hub", "ok")
    (node,) = answer["nodes"]
    assert set(node) >= NODE_FIELDS
    assert node["status"] == "never seen"
    assert node["agencies"] == ["hlt-001", "lasc-001", "sch-001"]
    assert node["last_contact"] is None


def test_hub_shows_last_contact_and_backlog_after_a_heartbeat(settings, embedded_node):
    save_records([record(), record(local_id="UPN-1002")], by="t", source="t")
    assert send_heartbeat()
    settings.FAME_ROLE = "hub"
    (node,) = Client().get("/healthz").json()["nodes"]
    assert node["status"] == "ok"
    assert node["last_contact"] is not None
    assert node["outbox_backlog"] == 2
    deliver_once()
    (node,) = Client().get("/healthz").json()["nodes"]
    assert node["outbox_backlog"] == 0


def test_node_names_its_role_and_agencies(settings, embedded_node):
    settings.FAME_ROLE = "node"
    save_records([record()], by="t", source="t")
    answer = Client().get("/healthz").json()
    assert answer["role"] == "node"
    assert answer["node"] == "northmoor-node"
    assert answer["agencies"] == ["hlt-001", "lasc-001", "sch-001"]
    assert answer["outbox_backlog"] == 1
    assert "nodes" not in answer
