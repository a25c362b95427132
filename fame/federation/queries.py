"""Reads of the hub's register of nodes (their keys, what the "Agency nodes" page shows) and
of detail requests as a practitioner's home page lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db.models import Count
from django.utils import timezone

from fame.accounts.models import Organisation, User

from ._breaker import breakers
from .keys import key_from_register
from .models import DetailRequest, DetailRequestStatus, FederationNode

SILENT_AFTER = timedelta(seconds=30)
"""A node not heard from (heartbeat or delivery) for this long is shown as silent."""


def node_key(name: str) -> Ed25519PublicKey | None:
    """A registered node's public key (the key id of a node's request is its name)."""
    node = FederationNode.objects.filter(name=name).first()
    return key_from_register(node.public_key if node else None)


def node_status(node: FederationNode) -> str:
    """``ok``, ``unreachable`` (its circuit is open, or the last call failed), ``silent``
    (not heard from lately) or ``never seen``."""
    failed_last = node.last_error_at is not None and (
        node.last_contact is None or node.last_error_at > node.last_contact
    )
    if breakers.state(node.name) == "open" or failed_last:
        return "unreachable"
    if node.last_contact is None:
        return "never seen"
    if timezone.now() - node.last_contact > SILENT_AFTER:
        return "silent"
    return "ok"


@dataclass(frozen=True)
class NodeLine:
    """One node as the hub's "Agency nodes" page shows it."""

    node: FederationNode
    status: str
    updates_applied: int
    """Index updates from this node the hub has applied (its receipts)."""


def node_overview() -> list[NodeLine]:
    nodes = FederationNode.objects.annotate(applied=Count("receipts")).order_by("name")
    return [NodeLine(node, node_status(node), node.applied) for node in nodes]


def node_for_agency(agency_id: str) -> FederationNode | None:
    """The node hosting ``agency_id`` (searched in Python: there are few nodes)."""
    for node in FederationNode.objects.all():
        if node.hosts(agency_id):
            return node
    return None


LATEST_REQUESTS = 5
"""How many of a practitioner's own requests their home page lists."""

WAITING = (DetailRequestStatus.SENT, DetailRequestStatus.NO_RESPONSE)
"""A request its agency has not answered: being sent, or its node did not respond."""


def requests_made_by(user: User, *, limit: int = LATEST_REQUESTS) -> list[DetailRequest]:
    """``user``'s own latest requests for more information, newest first, with the agency."""
    return list(
        DetailRequest.objects.filter(requested_by=user)
        .select_related("agency")
        .order_by("-created_at", "-pk")[:limit]
    )


def requests_awaiting(
    organisation: Organisation | None, *, limit: int = LATEST_REQUESTS
) -> list[DetailRequest]:
    """Requests other agencies made to ``organisation`` that it has not answered, oldest first.

    A node answers as a request arrives (its own policy decision), so these are the
    ones its node did not answer when asked; the requester can send them again.
    """
    if organisation is None:
        return []
    return list(
        DetailRequest.objects.filter(agency=organisation, status__in=WAITING)
        .select_related("requested_by__organisation")
        .order_by("created_at", "pk")[:limit]
    )
