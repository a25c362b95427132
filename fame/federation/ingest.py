"""The hub applying index updates from nodes: each once, whatever how often it arrives.

Record updates (demographics, involvement started or ended) carry the
agency's whole record and go through ``fame.index.actions.ingest_record``,
the one door for agency records: the same matching as a file load. CAF
updates set what the index shows about a CAF. Each applied update's
idempotency key is stored (``HubReceipt``) in the same transaction as its
effect, so a redelivery is acknowledged and changes nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fame.accounts.models import Organisation
from fame.audit import record_event
from fame.index.actions import ingest_record, set_caf_status
from fame.index.source import from_row
from fame.records import COLUMNS, AgencyRecord

from .models import FederationNode, HubReceipt

MAX_BATCH = 500
TIME_BUDGET = 2.0
"""Seconds one batch may spend applying updates (holding the database's write lock)."""
RECORD_KINDS = frozenset({"demographics", "involvement_started", "involvement_ended"})
CAF_KINDS = {"caf_exists": "open", "caf_closed": "closed"}
KINDS = RECORD_KINDS | frozenset(CAF_KINDS)


class BatchRefused(ValueError):
    """The whole batch is refused (malformed, or about an agency the node does not host)."""

    def __init__(self, reason: str, *, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class UpdateRejected(ValueError):
    """One update cannot be applied now; the node keeps it and tries again later."""


@dataclass(frozen=True)
class IndexUpdate:
    idempotency_key: str
    kind: str
    agency_id: str
    payload: dict[str, Any]


def parse_batch(data: Any, *, node: FederationNode) -> list[IndexUpdate]:
    """The batch's updates, checked; ``BatchRefused`` (400, or 403 for a foreign agency)."""
    updates = data.get("updates") if isinstance(data, dict) else None
    if not isinstance(updates, list) or not updates:
        raise BatchRefused("the body must hold a non-empty list of updates")
    if len(updates) > MAX_BATCH:
        raise BatchRefused(f"at most {MAX_BATCH} updates in one request")
    parsed = []
    for i, item in enumerate(updates):
        if not isinstance(item, dict):
            raise BatchRefused(f"updates[{i}] is not an object")
        key, kind = item.get("idempotency_key"), item.get("kind")
        agency, payload = item.get("agency_id"), item.get("payload")
        if not isinstance(key, str) or not 8 <= len(key) <= 64:
            raise BatchRefused(f"updates[{i}] needs an idempotency_key of 8 to 64 characters")
        if kind not in KINDS:
            raise BatchRefused(f"updates[{i}] has an unknown kind {kind!r}")
        if not isinstance(agency, str) or not isinstance(payload, dict):
            raise BatchRefused(f"updates[{i}] needs an agency_id and a payload object")
        if not node.hosts(agency):
            raise BatchRefused(f"{node.name} does not host agency {agency}", status=403)
        parsed.append(IndexUpdate(key, str(kind), agency, payload))
    return parsed


def _record(update: IndexUpdate) -> AgencyRecord:
    row = update.payload.get("record")
    if not isinstance(row, dict) or set(row) != set(COLUMNS):
        raise UpdateRejected("the payload's record does not have the agency record columns")
    if not all(isinstance(value, str) for value in row.values()):
        raise UpdateRejected("every field of the record must be text")
    if row["agency_id"] != update.agency_id or not row["local_id"]:
        raise UpdateRejected("the record's agency_id and local_id do not fit the update")
    try:
        return from_row(row)
    except (ValueError, KeyError) as error:
        raise UpdateRejected(f"the record cannot be read ({error})") from None


def _set_caf(update: IndexUpdate, organisation: Organisation) -> str:
    local_id = str(update.payload.get("local_id", ""))
    status = CAF_KINDS[update.kind]
    person = set_caf_status(organisation=organisation, local_id=local_id, status=status, by=None)
    if person is None:
        raise UpdateRejected(f"the index has no record {update.agency_id}:{local_id} yet")
    return f"caf {status}"


def _apply(update: IndexUpdate, organisation: Organisation) -> str:
    if update.kind in RECORD_KINDS:
        return ingest_record(_record(update), organisation=organisation, by=None)
    return _set_caf(update, organisation)


def apply_batch(
    updates: list[IndexUpdate],
    *,
    node: FederationNode,
    backlog: int | None,
    budget: float | None = None,
) -> list[dict[str, str]]:
    """Apply each update once, in order: applied, duplicate, rejected, or deferred.

    Matching is slow, so a batch holds the write lock for at most ``budget``
    seconds: updates not reached by then are answered "deferred" and the node
    sends them again at once (no attempt counted, nothing applied).
    """
    organisations = {
        o.agency_id: o
        for o in Organisation.objects.filter(agency_id__in={u.agency_id for u in updates})
    }
    results: list[dict[str, str]] = []
    outcomes: Counter[str] = Counter()
    with transaction.atomic():
        seen = set(
            HubReceipt.objects.filter(
                idempotency_key__in=[u.idempotency_key for u in updates]
            ).values_list("idempotency_key", flat=True)
        )
        deadline = time.monotonic() + (TIME_BUDGET if budget is None else budget)
        for update in updates:
            result = {"idempotency_key": update.idempotency_key, "status": "duplicate"}
            if results and time.monotonic() > deadline:  # (the first always goes: progress)
                result["status"] = "deferred"
            elif update.idempotency_key not in seen:
                result = _apply_once(
                    update, node=node, organisation=organisations.get(update.agency_id)
                )
                seen.add(update.idempotency_key)
            results.append(result)
            outcomes[result.get("outcome", result["status"])] += 1
        node.last_contact = timezone.now()
        node.outbox_backlog = max(0, (backlog or 0) - len(updates)) if backlog is not None else None
        node.save(update_fields=["last_contact", "outbox_backlog"])
        record_event(
            "federation.index_updates_applied",
            target=f"node:{node.name}",
            details={"updates": len(updates), **dict(outcomes)},
        )
    return results


def _apply_once(
    update: IndexUpdate, *, node: FederationNode, organisation: Organisation | None
) -> dict[str, str]:
    key = update.idempotency_key
    if organisation is None:
        return {"idempotency_key": key, "status": "rejected", "reason": "unknown agency"}
    try:
        with transaction.atomic():
            outcome = _apply(update, organisation)
            HubReceipt.objects.create(
                idempotency_key=key, node=node, kind=update.kind, outcome=outcome
            )
    except UpdateRejected as rejected:
        return {"idempotency_key": key, "status": "rejected", "reason": str(rejected)}
    except IntegrityError:
        # Delivered twice at the same moment: the other delivery applied it.
        return {"idempotency_key": key, "status": "duplicate"}
    return {"idempotency_key": key, "status": "applied", "outcome": outcome}
