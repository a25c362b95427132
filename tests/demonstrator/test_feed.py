"""The live feed: new activity as server-sent events, pseudonymised, for those who oversee
the region, audited."""

from __future__ import annotations

import json

import pytest

from fame.audit import record_event
from fame.audit.models import AuditEvent

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def short_connections(settings):
    settings.FAME_DEMONSTRATOR_FEED_SECONDS = 0  # one look at the log, then the stream ends


def _newest() -> int:
    newest = AuditEvent.objects.order_by("-seq").first()
    return newest.seq if newest else 0


def _frames(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    frames = []
    for block in text.split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":"
        )
        if fields.get("event") == "activity":
            frames.append({"id": int(fields["id"]), **json.loads(fields["data"])})
    return frames


def test_feed_streams_new_activity_pseudonymised(auditor, school_teacher):
    client = signed_in_client(auditor)
    before = _newest()
    record_event(
        "index.record_opened",
        actor=school_teacher,
        target="person:8c7a3f52-0000-4000-8000-000000000001",
        details={"purpose": "early_help"},
    )

    response = client.get("/demonstrator/feed", HTTP_LAST_EVENT_ID=str(before))

    assert response["Content-Type"] == "text/event-stream"
    [frame] = _frames(response)
    assert frame["activity"] == "record opened"
    assert frame["attributes"] == {"outcome": "success", "purpose": "early_help"}
    kinds = {o["type"] for o in frame["objects"]}
    assert {"child case", "practitioner"} <= kinds
    assert "8c7a3f52" not in json.dumps(frame)
    assert school_teacher.username not in json.dumps(frame)
    assert AuditEvent.objects.filter(
        action="demonstrator.feed_opened", actor_id=auditor.pk
    ).exists()


def test_feed_keeps_a_viewers_pseudonyms_across_reconnections(auditor, school_teacher):
    client = signed_in_client(auditor)
    start = _newest()
    for _ in range(2):
        record_event("index.record_opened", actor=school_teacher, target="person:same-child")

    first = _frames(client.get("/demonstrator/feed", HTTP_LAST_EVENT_ID=str(start)))
    again = _frames(client.get("/demonstrator/feed", HTTP_LAST_EVENT_ID=str(first[0]["id"])))

    assert len(first) == 2 and len(again) == 1
    child = [o["id"] for o in first[0]["objects"] if o["type"] == "child case"]
    assert child == [o["id"] for o in again[0]["objects"] if o["type"] == "child case"]


def test_practitioner_may_not_watch_the_feed(school_teacher):
    response = signed_in_client(school_teacher).get("/demonstrator/feed")

    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", actor_id=school_teacher.pk).exists()


def test_a_caf_completed_again_is_a_review_and_nodes_go_down_and_up(auditor, school_teacher):
    client = signed_in_client(auditor)
    start = _newest()
    for _ in range(2):
        record_event(
            "caf.completed", actor=school_teacher, target="person:x", details={"caf": "c1"}
        )
    record_event("federation.node_unreachable", target="node:north", details={"node": "north"})
    record_event("federation.node_reachable", target="node:north", details={"node": "north"})

    frames = _frames(client.get("/demonstrator/feed", HTTP_LAST_EVENT_ID=str(start)))

    assert [f["activity"] for f in frames] == [
        "CAF completed",
        "CAF reviewed",
        "node down",
        "node up",
    ]
    assert frames[2]["objects"] == [{"id": "node-north", "type": "node", "qualifier": "node"}]


def test_an_index_update_arriving_names_the_node_it_came_from(auditor):
    client = signed_in_client(auditor)
    before = _newest()
    record_event(
        "federation.index_updates_applied", target="node:health-trust", details={"updates": 3}
    )

    [frame] = _frames(client.get("/demonstrator/feed", HTTP_LAST_EVENT_ID=str(before)))

    assert frame["activity"] == "index updated"
    assert {"id": "node-health-trust", "type": "node", "qualifier": "node"} in frame["objects"]
