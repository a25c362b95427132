"""The hub applying index updates from nodes: each once, whatever how often it arrives.

Record updates (demographics, involvement started or ended) carry the
agency's whole record and go through ``fame.index.actions.ingest_batch``, the
one door for agency records: the same matching as a file load, each run of
consecutive record updates together. CAF updates set what the index
shows about a CAF. Each applied update's idempotency key is stored
(``HubReceipt``) in the same transaction as its effect, so a redelivery is
acknowledged and changes nothing. An update that cannot be applied is
rejected alone: a malformed record before anything is written, and should a
run meet a conflict in the database (another delivery of the same update at
the same moment), the run is undone and applied again update by update.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from pydantic import Field
from pydantic import ValidationError as SchemaError

from fame.accounts.models import Organisation
from fame.audit import record_event
from fame.index.actions import (
    PreparedRecord,
    ingest_batch,
    ingest_record,
    prepare_record,
    set_caf_status,
)
from fame.index.source import from_row
from fame.records import COLUMNS, AgencyRecord

from ._door import RequestBody
from .models import FederationNode, HubReceipt

MAX_BATCH = 2000
"""Updates in one request: a node sends ``FAME_OUTBOX_BATCH`` (1,000 unless set). Larger
deliveries apply faster (one transaction, one candidate read, fewer index pages written
per update); 2,000 agency records are about 1.1 MB, under Django's 2.5 MB body limit."""
TIME_BUDGET = 2.0
"""Seconds one batch may spend applying updates (holding the database's write lock)."""
RECORD_KINDS = frozenset({"demographics", "involvement_started", "involvement_ended"})
CAF_KINDS = {"caf_exists": "open", "caf_closed": "closed"}
CAF_FACTS = "caf_facts"


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


Kind = Literal[
    "demographics",
    "involvement_started",
    "involvement_ended",
    "caf_exists",
    "caf_closed",
    "caf_facts",
]


class UpdateIn(RequestBody):
    """One index update as a node sends it (its outbox row)."""

    idempotency_key: str = Field(min_length=8, max_length=64)
    kind: Kind
    agency_id: str = Field(min_length=1, max_length=64)
    payload: dict[str, Any]
    """A record update's ``{"record": {column: text}}``; a CAF update's local_id and facts."""


class Delivery(RequestBody):
    """A node's delivery of index updates."""

    backlog: int | None = Field(None, ge=0)
    """Updates left in the node's outbox before this delivery."""
    updates: list[UpdateIn] = Field(min_length=1, max_length=MAX_BATCH)


def updates_of(delivery: Delivery, *, node: FederationNode) -> list[IndexUpdate]:
    """The delivery's updates; ``BatchRefused`` (403) if one is for an agency ``node`` does not
    host."""
    for item in delivery.updates:
        if not node.hosts(item.agency_id):
            raise BatchRefused(f"{node.name} does not host agency {item.agency_id}", status=403)
    return [
        IndexUpdate(u.idempotency_key, u.kind, u.agency_id, u.payload) for u in delivery.updates
    ]


def parse_batch(data: Any, *, node: FederationNode) -> list[IndexUpdate]:
    """A delivery's updates from its JSON value, checked; ``BatchRefused`` (400, or 403 for a
    foreign agency). The API door checks the schema itself (``Delivery``)."""
    try:
        delivery = Delivery.model_validate(data)
    except SchemaError as wrong:
        reason = f"the delivery does not fit its schema ({wrong.error_count()} errors)"
        raise BatchRefused(reason) from None
    return updates_of(delivery, node=node)


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


Prepared = PreparedRecord | UpdateRejected | None
"""What a batch's update is before its turn: a record update's record, read and prepared,
or why it cannot be read; None for other kinds and for updates skipped."""


def received(updates: list[IndexUpdate]) -> set[str]:
    """The idempotency keys among ``updates`` that the hub has applied already (receipts)."""
    keys = [u.idempotency_key for u in updates]
    found = HubReceipt.objects.filter(idempotency_key__in=keys)
    return set(found.values_list("idempotency_key", flat=True))


def prepare_updates(updates: list[IndexUpdate], *, skip: Collection[str] = ()) -> list[Prepared]:
    """Each update's record read and prepared (``prepare_record``), in order: work that
    needs no database, done before the batch waits for its turn to write. Updates whose
    idempotency key is in ``skip`` (``received``: they will be answered duplicate) are not."""
    prepared: list[Prepared] = []
    for update in updates:
        if update.kind not in RECORD_KINDS or update.idempotency_key in skip:
            prepared.append(None)
            continue
        try:
            prepared.append(prepare_record(_record(update)))
        except UpdateRejected as rejected:
            prepared.append(rejected)
    return prepared


def _set_caf(update: IndexUpdate, organisation: Organisation) -> str:
    local_id = str(update.payload.get("local_id", ""))
    if update.kind == CAF_FACTS:
        from fame.caf import record_caf_facts  # (the CAF app builds on this one)

        try:
            return record_caf_facts(organisation=organisation, facts=update.payload)
        except ValueError as error:
            raise UpdateRejected(str(error)) from None
    status = CAF_KINDS[update.kind]
    lead = update.payload.get("lead_professional")
    person = set_caf_status(
        organisation=organisation,
        local_id=local_id,
        status=status,
        by=None,
        lead_professional=lead if isinstance(lead, str) else None,
    )
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
    prepared: list[Prepared] | None = None,
) -> list[dict[str, str]]:
    """Apply each update once, in order: applied, duplicate, rejected, or deferred.

    A batch holds the write lock for at most about ``budget`` seconds: updates
    not reached by then are answered "deferred" and the node sends them again
    at once (no attempt counted, nothing applied). ``prepared`` is
    ``prepare_updates(updates)`` when it was made before (it is made here if not).
    """
    organisations = {
        o.agency_id: o
        for o in Organisation.objects.filter(agency_id__in={u.agency_id for u in updates})
    }
    results: list[dict[str, str]] = []
    outcomes: Counter[str] = Counter()
    with transaction.atomic():
        seen = received(updates)
        if prepared is None:
            prepared = prepare_updates(updates, skip=seen)
        deadline = time.monotonic() + (TIME_BUDGET if budget is None else budget)
        for step in _steps(updates, prepared, seen=seen, organisations=organisations):
            if results and time.monotonic() > deadline:  # (the first always goes: progress)
                answered = [
                    {"idempotency_key": u.idempotency_key, "status": "deferred"}
                    for u in step.updates
                ]
            else:
                answered = step.apply(node=node, deadline=deadline)
            results.extend(answered)
        for result in results:
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


@dataclass
class _Step:
    """Updates applied together: a run of record updates, or one other update."""

    updates: list[IndexUpdate]
    records: list[tuple[PreparedRecord, Organisation]] = field(default_factory=list)
    answer: dict[str, str] | None = None
    """The answer, when it is known without applying anything (duplicate or rejected)."""
    organisation: Organisation | None = None

    def apply(self, *, node: FederationNode, deadline: float) -> list[dict[str, str]]:
        if self.answer is not None:
            return [self.answer]
        if self.records:
            return _apply_records(self.updates, self.records, node=node, deadline=deadline)
        (update,) = self.updates
        return [_apply_once(update, node=node, organisation=self.organisation)]


def _steps(
    updates: list[IndexUpdate],
    prepared: list[Prepared],
    *,
    seen: set[str],
    organisations: dict[str, Organisation],
) -> Iterator[_Step]:
    """The batch as steps, in order: each run of record updates is one step."""
    run = _Step([])
    for update, ready in zip(updates, prepared, strict=True):
        key = update.idempotency_key
        answer: dict[str, str] | None = None
        record: PreparedRecord | None = None
        organisation = organisations.get(update.agency_id)
        if key in seen:
            answer = {"idempotency_key": key, "status": "duplicate"}
        elif organisation is None:
            answer = {"idempotency_key": key, "status": "rejected", "reason": "unknown agency"}
        elif isinstance(ready, UpdateRejected):
            answer = {"idempotency_key": key, "status": "rejected", "reason": str(ready)}
        elif isinstance(ready, PreparedRecord):
            record = ready
        seen.add(key)
        if record is not None and organisation is not None:
            run.updates.append(update)
            run.records.append((record, organisation))
            continue
        if run.updates:
            yield run
            run = _Step([])
        yield _Step([update], answer=answer, organisation=organisation)
    if run.updates:
        yield run


def _apply_records(
    updates: list[IndexUpdate],
    records: list[tuple[PreparedRecord, Organisation]],
    *,
    node: FederationNode,
    deadline: float,
) -> list[dict[str, str]]:
    """A run of record updates applied together, each receipt with its effect; those it
    had no time for (past ``deadline``, the first always goes) are deferred."""
    try:
        with transaction.atomic():
            outcomes = ingest_batch(records, by=None, deadline=deadline)
            _store_receipts(
                [(u.idempotency_key, u.kind, o) for u, o in zip(updates, outcomes, strict=False)],
                node=node,
            )
    except IntegrityError:
        # One of them was applied by another delivery at the same moment: one at a time.
        return [
            _apply_once(update, node=node, organisation=organisation)
            for update, (_, organisation) in zip(updates, records, strict=True)
        ]
    applied = [
        {"idempotency_key": u.idempotency_key, "status": "applied", "outcome": o}
        for u, o in zip(updates, outcomes, strict=False)
    ]
    return applied + [
        {"idempotency_key": u.idempotency_key, "status": "deferred"}
        for u in updates[len(outcomes) :]
    ]


def _store_receipts(receipts: list[tuple[str, str, str]], *, node: FederationNode) -> None:
    """Store (idempotency key, kind, outcome) receipts: one prepared statement run for each,
    without a model object each (``bulk_create`` cost more than the inserts)."""
    quote = connection.ops.quote_name
    table = quote(HubReceipt._meta.db_table)
    columns = ", ".join(
        quote(name) for name in ("idempotency_key", "node_id", "kind", "outcome", "received_at")
    )
    received = HubReceipt._meta.get_field("received_at").get_db_prep_save(
        timezone.now(), connection
    )
    # Names from the model, quoted; the values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(key, node.pk, kind, o, received) for key, kind, o in receipts])


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
