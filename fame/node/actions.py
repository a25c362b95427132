"""Writes to an agency node: its records, its CAF flags, its disclosure log.

Every change to a record puts the index update for the hub in the outbox in
the same transaction, so an update is never lost and never sent for a change
that did not happen. The outbox worker delivers it (``fame.node.outbox``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fame.audit import record_event
from fame.federation import KEY_OVERLAP, UserAssertion, replace_key
from fame.records import COLUMNS, AgencyRecord, record_row
from fame.sharing import Requester, record_disclosure

from .disclosure import CategoryDecision, DisclosureRequest
from .models import NodeAgency, NodeRecord, Outbox, OutboxKind, TrustedKey

CHUNK = 500


class NotHosted(ValueError):
    """A record names an agency this node does not host; nothing was changed."""


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def record_as_row(record: AgencyRecord) -> dict[str, str]:
    return dict(zip(COLUMNS, record_row(record), strict=True))


def row_hash(row: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()


def kind_of_change(before: dict[str, str] | None, after: dict[str, str]) -> str:
    """Which index update a change to a record is: a new or ended involvement, or demographics."""
    if before is None:
        return OutboxKind.INVOLVEMENT_ENDED if after["ended_on"] else OutboxKind.INVOLVEMENT_STARTED
    if after["ended_on"] and after["ended_on"] != before["ended_on"]:
        return OutboxKind.INVOLVEMENT_ENDED
    if any(before[name] != after[name] for name in ("started_on", "ended_on", "service", "role")):
        return OutboxKind.INVOLVEMENT_STARTED
    return OutboxKind.DEMOGRAPHICS


def host_agencies(*, agencies: dict[str, str], by: str) -> int:
    """Host these agencies (id -> name) on this node; returns how many are new."""
    with transaction.atomic():
        new = 0
        for agency_id, name in agencies.items():
            _, created = NodeAgency.objects.update_or_create(
                agency_id=agency_id, defaults={"name": name}
            )
            new += created
        if new:
            record_event(
                "node.agencies_hosted", target="node", details={"agencies": sorted(agencies)}
            )
    return new


def trust_key(
    *,
    name: str,
    public_key: str,
    base_url: str = "",
    by: str = "cli",
    overlap: timedelta = KEY_OVERLAP,
) -> TrustedKey:
    """Accept signed requests from ``name`` (the hub, or an agency's own system). Audited.

    A new key for a name already trusted is a rotation (ADR 0046): the old key
    stays accepted for ``overlap``, then is refused as retired.
    """
    wanted = {"public_key": public_key, "base_url": base_url.rstrip("/")}
    with transaction.atomic():
        entry = TrustedKey.objects.select_for_update().filter(name=name).first()
        if entry is not None and all(getattr(entry, k) == v for k, v in wanted.items()):
            return entry  # trusted already, as it is: nothing to change or audit
        replaced = None
        if entry is not None and entry.public_key != public_key:
            replaced = replace_key(
                peer=name, old_pem=entry.public_key, new_pem=public_key, overlap=overlap
            )
        entry, created = TrustedKey.objects.update_or_create(name=name, defaults=wanted)
        record_event(
            "node.key_trusted" if created else "node.key_updated",
            target=f"key:{name}",
            details={"url": entry.base_url, "by": by},
        )
        if replaced is not None:
            record_event(
                "federation.key_rotated", target=f"key:{name}", details=replaced.as_details(by)
            )
    return entry


def _check_hosted(records: list[AgencyRecord]) -> None:
    hosted = set(NodeAgency.objects.values_list("agency_id", flat=True))
    foreign = sorted({r.agency_id for r in records} - hosted)
    if foreign:
        raise NotHosted(f"This node does not host {', '.join(foreign)}; nothing was changed.")


def _save_chunk(records: list[AgencyRecord], summary: ImportSummary) -> None:
    now = timezone.now()
    rows = {(r.agency_id, r.local_id): record_as_row(r) for r in records}
    existing = {
        (n.agency_id, n.local_id): n
        for n in NodeRecord.objects.filter(
            agency_id__in={a for a, _ in rows}, local_id__in={local for _, local in rows}
        )
    }
    new_records, changed, outbox = [], [], []
    for key, row in rows.items():
        digest = row_hash(row)
        before = existing.get(key)
        if before is not None and before.content_hash == digest:
            summary.counts["unchanged"] += 1
            continue
        kind = kind_of_change(before.data if before else None, row)
        if before is None:
            new_records.append(
                NodeRecord(agency_id=key[0], local_id=key[1], data=row, content_hash=digest)
            )
            summary.counts["new"] += 1
        else:
            before.data, before.content_hash, before.updated_at = row, digest, now
            changed.append(before)
            summary.counts["changed"] += 1
        outbox.append(
            Outbox(kind=kind, agency_id=key[0], payload={"record": row}, next_attempt_at=now)
        )
    NodeRecord.objects.bulk_create(new_records)
    NodeRecord.objects.bulk_update(changed, ["data", "content_hash", "updated_at"])
    Outbox.objects.bulk_create(outbox)


def save_records(
    records: Iterable[AgencyRecord], *, by: str, source: str, chunk: int = CHUNK
) -> ImportSummary:
    """Store the agency's records; queue an index update for each one that changed. Audited.

    Idempotent: importing the same records again changes nothing and queues nothing.
    A record of an agency this node does not host refuses the lot (``NotHosted``).
    """
    records = list(records)
    _check_hosted(records)
    summary = ImportSummary()
    for start in range(0, len(records), chunk):
        with transaction.atomic():
            _save_chunk(records[start : start + chunk], summary)
    with transaction.atomic():
        record_event(
            "node.records_saved",
            target=source,
            details={"by": by, "records": summary.total, **summary.counts},
        )
    return summary


def set_caf(
    *, agency_id: str, local_id: str, status: str, by: str, lead_professional: str = ""
) -> NodeRecord:
    """Record that a CAF exists for (or has closed on) a child, and tell the index.

    ``lead_professional`` is the hub username of the CAF's Lead Professional
    ("" when none is agreed yet); call again with "exists" when it changes.
    """
    if status not in {"exists", "closed"}:
        raise ValueError("A CAF status is exists or closed.")
    with transaction.atomic():
        record = NodeRecord.objects.select_for_update().get(agency_id=agency_id, local_id=local_id)
        record.caf_status = "open" if status == "exists" else "closed"
        record.save(update_fields=["caf_status", "updated_at"])
        Outbox.objects.create(
            kind=OutboxKind.CAF_EXISTS if status == "exists" else OutboxKind.CAF_CLOSED,
            agency_id=agency_id,
            payload={"local_id": local_id, "lead_professional": lead_professional},
            next_attempt_at=timezone.now(),
        )
        record_event(
            "node.caf_changed",
            organisation=agency_id,
            target=f"record:{record}",
            details={"by": by, "status": record.caf_status, "lead_professional": lead_professional},
        )
    return record


def queue_caf_facts(*, agency_id: str, local_id: str, facts: dict[str, object]) -> Outbox:
    """Queue the co-ordinator's facts about a CAF (status, dates, counts; no content)."""
    return Outbox.objects.create(
        kind=OutboxKind.CAF_FACTS,
        agency_id=agency_id,
        payload={"local_id": local_id, **facts},
        next_attempt_at=timezone.now(),
    )


def record_disclosures(
    *, assertion: UserAssertion, wanted: DisclosureRequest, decisions: list[CategoryDecision]
) -> None:
    """Keep this node's own disclosure record of each decision (golden rule 7), audited."""
    held = NodeRecord.objects.filter(agency_id=wanted.agency_id, local_id=wanted.local_id).first()
    requester = Requester(assertion.subject, assertion.name, assertion.organisation)
    with transaction.atomic():
        for answer in decisions:
            record_disclosure(
                decision=answer.decision,
                child_ref=wanted.child,
                category=answer.category,
                purpose=wanted.purpose,
                requester=requester,
                holder=wanted.agency_id,
                end=settings.FAME_NODE_NAME,
                request_ref=wanted.request_id,
                data_items=answer.items,
                holding_practitioner=held.data.get("practitioner_email", "") if held else "",
                override_reason=assertion.override_reason,
                override_authoriser=assertion.override_authoriser,
                told=wanted.family_told,
                why_not_told=wanted.family_not_told_reason,
                by=None,
                organisation=wanted.agency_id,
            )
