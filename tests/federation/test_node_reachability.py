"""A node that stops answering, and starts again, is audited once each way (the
demonstrator's "node down" and "node up")."""

from __future__ import annotations

import pytest

from fame.audit.models import AuditEvent
from fame.federation.actions import note_contact, note_failure
from fame.federation.models import FederationNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def node() -> FederationNode:
    return FederationNode.objects.create(
        name="north", base_url="http://127.0.0.1:9", agencies=["sch-001"], public_key="-"
    )


def _changes() -> list[str]:
    wanted = ["federation.node_reachable", "federation.node_unreachable"]
    return list(
        AuditEvent.objects.filter(action__in=wanted)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_node_going_down_and_up_is_audited_once_each_way(node: FederationNode):
    note_contact(node)
    note_failure(node, "timed out")
    note_failure(node, "timed out again")
    note_contact(node)
    note_contact(node)

    assert _changes() == ["federation.node_unreachable", "federation.node_reachable"]
    node.refresh_from_db()
    assert node.errors == 2


def test_a_new_node_that_never_answered_is_down_at_its_first_failure(node: FederationNode):
    note_failure(node, "refused")

    assert _changes() == ["federation.node_unreachable"]
