"""Reads of the hub's register of nodes (their keys, what the "Agency nodes" page shows) and
of detail requests as a practitioner's home page lists them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from fame.accounts.models import Organisation, User
from fame.audit import AuditEvent

from ._breaker import breakers
from ._signatures import KeyRing
from .models import DetailRequest, DetailRequestStatus, FederationNode
from .rotation import key_ring

SILENT_AFTER = timedelta(seconds=30)
"""A node not heard from (heartbeat or delivery) for this long is shown as silent."""


def node_key(name: str) -> KeyRing | None:
    """A registered node's keys: its current one, one it replaced while the overlap lasts,
    and those no longer accepted (the key id of a node's request is its name)."""
    node = FederationNode.objects.filter(name=name).first()
    return key_ring(name, node.public_key if node else None)


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


AVAILABILITY_PERIOD = timedelta(days=30)
"""How far back ``node_availability`` looks."""
UNREACHABLE, REACHABLE = "federation.node_unreachable", "federation.node_reachable"


@dataclass(frozen=True)
class NodeAvailability:
    """The registered nodes as they stand now, and how they answered over ``period``."""

    statuses: dict[str, int]
    """How many nodes are in each of ``node_status``'s states now."""
    period: timedelta
    outages: int
    """Times a node stopped answering during the period (``federation.node_unreachable``)."""
    reachable_share: float | None
    """The share of the nodes' time in the period (from when each was registered) that they
    were reachable; None when no time has passed since they were registered."""

    @property
    def registered(self) -> int:
        return sum(self.statuses.values())


def _overlap(start: datetime, end: datetime, since: datetime, until: datetime) -> timedelta:
    return max(timedelta(0), min(end, until) - max(start, since))


def node_availability(
    *, period: timedelta = AVAILABILITY_PERIOD, now: datetime | None = None
) -> NodeAvailability:
    """Each node's state now (``node_status``) and, from the audit log's record of nodes
    that stopped and started answering again, how long they were reachable over the last
    ``period``: a node is down from a ``federation.node_unreachable`` event until the next
    ``federation.node_reachable`` (or now)."""
    until = now or timezone.now()
    since = until - period
    nodes = list(FederationNode.objects.order_by("name"))
    changes: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for target, action, at in (
        AuditEvent.objects.filter(
            action__in=(UNREACHABLE, REACHABLE),
            target__in=[f"node:{node.name}" for node in nodes],
            time__lte=until,
        )
        .order_by("seq")
        .values_list("target", "action", "time")
    ):
        changes[target.removeprefix("node:")].append((action, at))
    watched = down = timedelta(0)
    outages = 0
    for node in nodes:
        start = max(since, node.registered_at)
        watched += _overlap(start, until, since, until)
        down_since: datetime | None = None
        for action, at in changes[node.name]:
            if action == UNREACHABLE and down_since is None:
                down_since = at
                if at >= start:
                    outages += 1
            elif action == REACHABLE and down_since is not None:
                down += _overlap(down_since, at, start, until)
                down_since = None
        if down_since is not None:
            down += _overlap(down_since, until, start, until)
    return NodeAvailability(
        statuses=dict(Counter(node_status(node) for node in nodes)),
        period=period,
        outages=outages,
        reachable_share=1 - down / watched if watched else None,
    )


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
