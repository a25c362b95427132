"""Reads of an agency node: what it hosts and how its outbox stands."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .models import NodeAgency, NodeRecord, Outbox


def hosted_agencies() -> list[str]:
    return list(NodeAgency.objects.values_list("agency_id", flat=True))


def node_health() -> dict[str, Any]:
    """The node's status for the hub (/federation/v1/node/status): its name, agencies,
    records and outbox."""
    waiting = Outbox.objects.filter(delivered_at__isnull=True)
    problem = waiting.exclude(last_error="").order_by("-id").first()
    return {
        "node": settings.FAME_NODE_NAME,
        "agencies": hosted_agencies(),
        "records": NodeRecord.objects.count(),
        "outbox_backlog": waiting.count(),
        "last_error": problem.last_error if problem else "",
    }
