"""The real system's activity as the demonstrator's event log, pseudonymised.

The audit log already records every action the running system takes (searches,
records opened, requests decided and answered, consents, CAFs started,
completed and closed, meetings, escalations, index updates arriving). An export
reads it from a date and writes the actions the demonstrator knows, in the
simulation's vocabulary (``events``), as OCEL 2.0.

Nothing that identifies a person leaves: no name, date of birth, address or
index id. A child case, a practitioner, a CAF, a meeting and a request each
become a keyed hash (HMAC-SHA256). The key is derived from the hub's secret
key and a fresh random nonce, so it changes with every export: two exports
cannot be joined on their pseudonyms, and a pseudonym cannot be traced back
without the hub's key and that export's nonce (kept in the hub's own audit
log, in the export's ``demonstrator.exported`` event). Only named, non-personal
attributes are carried over (an organisation's agency ID, a purpose, a status).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils import timezone

from fame.audit import record_event
from fame.audit.models import AuditEvent

from .events import ocel_document

ACTIVITIES: Mapping[str, str] = {
    "federation.index_updates_applied": "index updated",
    "index.search": "find who is involved",
    "index.record_opened": "record opened",
    "sharing.consent_recorded": "consent recorded",
    "sharing.consent_withdrawn": "consent withdrawn",
    "federation.detail_requested": "details requested",
    "federation.detail_answered": "request answered",
    "caf.started": "CAF started",
    "caf.completed": "CAF completed",
    "caf.meeting_arranged": "TAC meeting arranged",
    "caf.meeting_recorded": "TAC meeting held",
    "caf.escalated": "escalated",
    "caf.escalation_followed_up": "escalation followed up",
    "caf.closed": "CAF closed",
    "caf.step_up": "stepped up to social care",
    "federation.node_unreachable": "node down",
    "federation.node_reachable": "node up",
}
"""Audit actions the demonstrator reads, and the activity each is in its vocabulary."""

_REFUSED = {"federation.detail_answered": "request refused"}
_CARRIED = ("purpose", "status", "holder", "agency", "receiving")
"""Details carried over as attributes: none of them names or dates a person."""


class Pseudonyms:
    """Keyed hashes for one export: the same thing gets the same pseudonym within it."""

    def __init__(self, nonce: str) -> None:
        secret = settings.SECRET_KEY.encode()
        self._key = hmac.new(
            secret, f"fame-demonstrator-export:{nonce}".encode(), "sha256"
        ).digest()

    def of(self, kind: str, value: str) -> str:
        digest = hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return f"{kind}-{digest[:20]}"


@dataclass(frozen=True)
class Export:
    document: dict[str, Any]
    nonce: str
    events: int


def _objects(event: AuditEvent, names: Pseudonyms) -> dict[str, str]:
    related: dict[str, str] = {}
    if event.target.startswith("person:"):
        related[names.of("child", event.target.removeprefix("person:"))] = "child"
    if event.actor_id is not None:
        related[names.of("practitioner", str(event.actor_id))] = "by"
    if event.organisation:
        related[f"agency-{event.organisation}"] = "for"
    details = event.details if isinstance(event.details, dict) else {}
    for key, kind in (("caf", "caf"), ("meeting", "meeting"), ("request", "request")):
        if isinstance(details.get(key), str) and details[key]:
            related[names.of(kind, details[key])] = kind
    if isinstance(details.get("node"), str) and details["node"]:
        related[f"node-{details['node']}"] = "node"
    elif event.target.startswith("node:"):  # an index update arriving names its node here
        related[f"node-{event.target.removeprefix('node:')}"] = "node"
    if event.action == "index.search":
        for found in details.get("results", []):
            if isinstance(found, dict) and isinstance(found.get("person"), str):
                related[names.of("child", found["person"])] = "found"
    return related


def _attributes(event: AuditEvent) -> dict[str, Any]:
    details = event.details if isinstance(event.details, dict) else {}
    attributes: dict[str, Any] = {"outcome": event.outcome}
    for key in _CARRIED:
        if isinstance(details.get(key), str):
            attributes[key] = details[key]
    if isinstance(details.get("categories"), list):
        attributes["categories"] = ", ".join(str(c) for c in details["categories"])
    if event.action == "index.search":
        attributes["found"] = len(details.get("results", []))
    return attributes


Activity = tuple[str, datetime, dict[str, str], dict[str, Any]]


def activity_of(event: AuditEvent, names: Pseudonyms) -> Activity | None:
    """One audit event as the demonstrator's activity, or None if it is not one."""
    if event.action not in ACTIVITIES:
        return None
    if event.outcome == "failure":
        if isinstance(event.details, dict) and event.details.get("node"):
            return "node unavailable", event.time, _objects(event, names), {}
        return None
    activity = ACTIVITIES[event.action]
    if event.outcome == "refused":
        activity = _REFUSED.get(event.action, activity)
    elif event.action == "caf.completed" and _completed_before(event):
        activity = "CAF reviewed"  # a later version of a CAF completed once already
    return activity, event.time, _objects(event, names), _attributes(event)


def _completed_before(event: AuditEvent) -> bool:
    caf = event.details.get("caf") if isinstance(event.details, dict) else None
    if not isinstance(caf, str) or not caf:
        return False
    earlier = AuditEvent.objects.filter(
        action="caf.completed", outcome="success", seq__lt=event.seq
    )
    return earlier.filter(details__caf=caf).exists()


def activities(
    names: Pseudonyms,
    *,
    since: date | None = None,
    after_seq: int | None = None,
    limit: int | None = None,
) -> Iterator[tuple[int, Activity]]:
    """The activities in the audit log, in order, from a day or after a sequence number."""
    rows = AuditEvent.objects.filter(action__in=list(ACTIVITIES)).order_by("seq")
    if since is not None:
        rows = rows.filter(time__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if after_seq is not None:
        rows = rows.filter(seq__gt=after_seq)
    for event in (rows[:limit] if limit else rows).iterator(chunk_size=2000):
        found = activity_of(event, names)
        if found is not None:
            yield event.seq, found


def export_events(*, since: date, by: str = "fame demonstrator export") -> Export:
    """The activity from ``since`` on as an OCEL 2.0 document, under a fresh key; the export
    itself is audited, with the nonce that, with the hub's key, would trace its pseudonyms."""
    nonce = secrets.token_hex(16)
    names = Pseudonyms(nonce)
    document = ocel_document(found for _, found in activities(names, since=since))
    count = len(document["events"])
    record_event(
        "demonstrator.exported",
        target="demonstrator:event-log",
        details={"since": since.isoformat(), "events": count, "nonce": nonce, "by": by},
    )
    return Export(document=document, nonce=nonce, events=count)
