"""The CAF co-ordinator's view at the hub: facts about every CAF in the area, no content.

Each holding node sends, through its outbox, what quality monitoring needs
(status, who initiated it, the Lead Professional, versions, the next review
date, the due dates of open actions, open escalations); the hub keeps the
latest in ``CafOverview``. The CAF itself, and the child's name, stay out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from fame.accounts.models import Organisation, OrganisationType
from fame.audit import record_event
from fame.index.models import SourceRecord

from .models import CafOverview


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None


def _escalations(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise ValueError("escalations must be a list")
    keep = ("agency", "raised_on", "by")
    return [{k: str(e.get(k, "")) for k in keep} for e in value if isinstance(e, dict)]


def record_caf_facts(*, organisation: Organisation, facts: dict[str, Any]) -> str:
    """Keep a node's latest facts about one of its CAFs; older facts than those kept are ignored.

    ``ValueError`` when they are malformed (the update is then rejected).
    """
    try:
        uid = UUID(str(facts.get("caf", "")))
        as_of = datetime.fromisoformat(str(facts["as_of"]))
    except (KeyError, ValueError):
        raise ValueError("caf facts need the CAF's uid and as_of") from None
    due = facts.get("action_due_dates", [])
    if not isinstance(due, list):
        raise ValueError("action_due_dates must be a list")
    local_id = str(facts.get("local_id", ""))
    escalations = _escalations(facts.get("escalations", []))
    values: dict[str, Any] = {
        "holder": organisation,
        "local_id": local_id,
        "status": str(facts.get("status", ""))[:10],
        "initiating_organisation": str(facts.get("initiating_organisation", ""))[:40],
        "started_on": _day(facts.get("started_on")),
        "lead_professional": str(facts.get("lead_professional", ""))[:200],
        "versions": int(facts.get("versions") or 0),
        "review_due": _day(facts.get("review_due")),
        "action_due_dates": sorted(str(_day(d)) for d in due if d),
        "escalations": escalations,
        "closed_reason": str(facts.get("closed_reason", ""))[:12],
        "as_of": as_of,
    }
    source = SourceRecord.objects.filter(organisation=organisation, local_id=local_id).first()
    values["person"] = source.person if source else None
    with transaction.atomic():
        kept = CafOverview.objects.select_for_update().filter(caf=uid).first()
        if kept is not None and kept.as_of >= as_of:
            return "caf facts already newer"
        CafOverview.objects.update_or_create(caf=uid, defaults=values)
        record_event(
            "caf.facts_received",
            organisation=organisation,
            target=f"person:{source.person.uid}" if source else f"record:{local_id}",
            details={"status": values["status"], "escalations": len(escalations)},
        )
    return "caf facts kept"


@dataclass(frozen=True)
class QueueLine:
    reference: str
    status: str
    holder: str
    initiated_by: str
    lead_professional: str
    versions: int
    review_due: date | None
    review_overdue: bool
    overdue_actions: int
    open_actions: int
    escalations: list[dict[str, str]]
    closed_reason: str


def coordinator_queue(*, today: date | None = None) -> list[QueueLine]:
    """Every CAF in the area, the ones needing attention first (escalations, overdue)."""
    today = today or timezone.localdate()
    kinds = dict(OrganisationType.choices)
    types = dict(Organisation.objects.values_list("agency_id", "type"))
    lines = []
    for o in CafOverview.objects.select_related("holder").order_by("id"):
        open_caf = o.status != "closed"
        overdue = [d for d in o.action_due_dates if date.fromisoformat(d) < today]
        lines.append(
            QueueLine(
                reference=f"CAF-{o.pk:04d}",
                status=o.status,
                holder=o.holder.name,
                initiated_by=kinds.get(types.get(o.initiating_organisation, ""), "Not known"),
                lead_professional=o.lead_professional,
                versions=o.versions,
                review_due=o.review_due,
                review_overdue=open_caf and o.review_due is not None and o.review_due < today,
                overdue_actions=len(overdue) if open_caf else 0,
                open_actions=len(o.action_due_dates) if open_caf else 0,
                escalations=o.escalations if open_caf else [],
                closed_reason=o.closed_reason,
            )
        )
    lines.sort(
        key=lambda line: (
            line.status == "closed",
            not line.escalations,
            not (line.review_overdue or line.overdue_actions),
        )
    )
    return lines
