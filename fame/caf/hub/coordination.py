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

from fame.accounts.models import Organisation, OrganisationType, User
from fame.audit import record_event
from fame.caf.models.hub import CafOverview, EscalationFollowUp
from fame.index.models import SourceRecord
from fame.web.jinja import long_date


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


def _dated_list(value: Any, name: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ValueError(f"{name} must be a list of objects")
    return value


def _iso(value: Any) -> str:
    day = _day(value)
    return day.isoformat() if day else ""


def history_values(facts: dict[str, Any]) -> dict[str, Any]:
    """The dates of a CAF's life that management information counts, checked; ``ValueError``
    names the first that is malformed. Facts from a node that sends none of them count as none.
    """
    reviews = [
        {"due": _iso(r.get("due")), "held": _iso(r.get("held"))}
        for r in _dated_list(facts.get("reviews", []), "reviews")
    ]
    meetings = []
    for m in _dated_list(facts.get("meetings", []), "meetings"):
        attendance = m.get("attendance", {})
        if not isinstance(attendance, dict):
            raise ValueError("a meeting's attendance must be an object")
        meetings.append(
            {
                "held_on": _iso(m.get("held_on")),
                "attendance": {str(k)[:40]: str(v)[:10] for k, v in attendance.items()},
            }
        )
    raised = [
        {"agency_id": str(e.get("agency_id", ""))[:40], "raised_on": _iso(e.get("raised_on"))}
        for e in _dated_list(facts.get("escalations_raised", []), "escalations_raised")
    ]
    return {
        "completed_on": _day(facts.get("completed_on")),
        "closed_on": _day(facts.get("closed_on")),
        "referred_to": str(facts.get("referred_to", ""))[:40],
        "first_meeting_on": _day(facts.get("first_meeting_on")),
        "reviews": reviews,
        "meetings": meetings,
        "escalations_raised": raised,
    }


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
    invited = facts.get("next_meeting_invited", [])
    if not isinstance(invited, list):
        raise ValueError("next_meeting_invited must be a list")
    values: dict[str, Any] = {
        "holder": organisation,
        "local_id": local_id,
        "status": str(facts.get("status", ""))[:10],
        "initiating_organisation": str(facts.get("initiating_organisation", ""))[:40],
        "started_on": _day(facts.get("started_on")),
        "assessor": str(facts.get("assessor", ""))[:150],
        "lead_professional": str(facts.get("lead_professional", ""))[:200],
        "lead_professional_username": str(facts.get("lead_professional_username", ""))[:150],
        "versions": int(facts.get("versions") or 0),
        "review_due": _day(facts.get("review_due")),
        "action_due_dates": sorted(str(_day(d)) for d in due if d),
        "escalations": escalations,
        "next_meeting_on": _day(facts.get("next_meeting_on")),
        "next_meeting_invited": sorted({str(u)[:150] for u in invited if u}),
        "closed_reason": str(facts.get("closed_reason", ""))[:12],
        "as_of": as_of,
        **history_values(facts),
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


class FollowUpRefused(ValueError):
    """The follow-up cannot be recorded; the message says why, in plain English."""


def follow_up_escalation(
    *, overview_id: int, agency: str, raised_on: str, note: str, by: User
) -> EscalationFollowUp:
    """Record that the co-ordinator has followed up one escalated absence; audited.

    ``FollowUpRefused`` (nothing recorded) for an escalation the CAF's holder has
    not reported, a blank note, or one followed up already.
    """
    note = note.strip()
    if not note:
        raise FollowUpRefused("Enter what was done to follow up the absence")
    overview = CafOverview.objects.filter(pk=overview_id).select_related("person").first()
    reported = overview is not None and any(
        e.get("agency") == agency and e.get("raised_on") == raised_on for e in overview.escalations
    )
    try:
        day = date.fromisoformat(raised_on)
    except ValueError:
        reported = False
    if overview is None or not reported:
        raise FollowUpRefused("That escalation is not in the queue any more")
    with transaction.atomic():
        if overview.follow_ups.filter(agency=agency, raised_on=raised_on).exists():
            raise FollowUpRefused("That escalation has been followed up already")
        done = EscalationFollowUp.objects.create(
            overview=overview,
            agency=agency,
            raised_on=day,
            note=note,
            by=by,
        )
        record_event(
            "caf.escalation_followed_up",
            actor=by,
            target=f"person:{overview.person.uid}" if overview.person else f"caf:{overview.caf}",
            details={"agency": agency, "raised_on": raised_on, "holder": overview.holder_id},
        )
    return done


@dataclass(frozen=True)
class QueueLine:
    overview_id: int
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
    """Each escalation reported: agency, raised_on, by, and followed_up ("" while open)."""
    closed_reason: str

    @property
    def open_escalations(self) -> list[dict[str, str]]:
        return [e for e in self.escalations if not e["followed_up"]]


def _followed_up(follow_up: EscalationFollowUp | None) -> str:
    if follow_up is None:
        return ""
    when = long_date(timezone.localtime(follow_up.at))
    return f"Followed up by {follow_up.by.display_name} on {when}: {follow_up.note}"


def coordinator_queue(*, today: date | None = None) -> list[QueueLine]:
    """Every CAF in the area, the ones needing attention first (escalations, overdue)."""
    today = today or timezone.localdate()
    kinds = dict(OrganisationType.choices)
    types = dict(Organisation.objects.values_list("agency_id", "type"))
    lines = []
    done: dict[tuple[int, str, str], EscalationFollowUp] = {
        (f.overview_id, f.agency, f.raised_on.isoformat()): f
        for f in EscalationFollowUp.objects.select_related("by")
    }
    for o in CafOverview.objects.select_related("holder").order_by("id"):
        open_caf = o.status != "closed"
        escalations = [
            {**e, "followed_up": _followed_up(done.get((o.pk, e["agency"], e["raised_on"])))}
            for e in (o.escalations if open_caf else [])
        ]
        overdue = [d for d in o.action_due_dates if date.fromisoformat(d) < today]
        lines.append(
            QueueLine(
                overview_id=o.pk,
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
                escalations=escalations,
                closed_reason=o.closed_reason,
            )
        )
    lines.sort(
        key=lambda line: (
            line.status == "closed",
            not line.open_escalations,
            not (line.review_overdue or line.overdue_actions),
        )
    )
    return lines


@dataclass(frozen=True)
class CafCount:
    """How many CAFs the hub has been told of, by status, and how their next reviews stand."""

    statuses: dict[str, int]
    """CAFs by the status their node reported (draft, completed, closed)."""
    reviews_set: int
    """Open CAFs with a next review date."""
    reviews_on_time: int
    """Of those, the ones whose review is not overdue (due today or later)."""

    @property
    def known(self) -> int:
        return sum(self.statuses.values())


def caf_count(*, today: date | None = None) -> CafCount:
    """Every CAF the hub knows of by status, and the open ones' reviews on time, by the
    co-ordinator's queue's rule: a review is overdue when its date has passed and the CAF
    is not closed."""
    today = today or timezone.localdate()
    statuses: dict[str, int] = {}
    reviews_set = reviews_on_time = 0
    for status, review_due in CafOverview.objects.values_list("status", "review_due"):
        statuses[status] = statuses.get(status, 0) + 1
        if status != "closed" and review_due is not None:
            reviews_set += 1
            if review_due >= today:
                reviews_on_time += 1
    return CafCount(statuses, reviews_set, reviews_on_time)
