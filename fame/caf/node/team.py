"""Writes at the node for a CAF's Team Around the Child and its closure. Each audited at the node.

Meetings, invitations, attendance, actions and escalations are kept with the
CAF at the assessor's agency node. Agreeing the Lead Professional tells the
index (``fame.node.actions.set_caf``); every change sends the co-ordinator's
facts to the hub (``queue_caf_facts``), in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from fame.caf.models.node import (
    Assessment,
    AssessmentStatus,
    Closure,
    Escalation,
    Invitation,
    Meeting,
    TeamAction,
)
from fame.caf.vocabulary import ActionStatus, Attendance, ClosureReason
from fame.node.actions import queue_caf_facts, set_caf
from fame.web.jinja import long_date

from . import queries
from .actions import Actor, record_caf_event


class TeamRefused(PermissionError):
    """Not this person's to do (escalating is the Lead Professional's), or not now."""


def tell_coordinator(assessment: Assessment) -> None:
    """Queue the co-ordinator's facts about ``assessment`` for the hub (call inside a write)."""
    queue_caf_facts(
        agency_id=assessment.agency_id,
        local_id=assessment.local_id,
        facts=queries.coordination_facts(assessment),
    )


def _open(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status == AssessmentStatus.CLOSED:
        raise ValueError("A closed assessment cannot change.")
    return locked


def arrange_meeting(
    *, assessment: Assessment, held_on: date, invitees: list[dict[str, str]], by: Actor
) -> Meeting:
    """A meeting on ``held_on`` with an invitation to each involved practitioner named."""
    with transaction.atomic():
        locked = _open(assessment)
        meeting = Meeting.objects.create(
            assessment=locked, held_on=held_on, arranged_by=by.username, arranged_by_name=by.name
        )
        Invitation.objects.bulk_create(
            Invitation(
                meeting=meeting,
                username=i.get("username", "")[:150],
                name=i["name"][:200],
                organisation=i["organisation"][:40],
                organisation_name=i.get("organisation_name", i["organisation"])[:200],
            )
            for i in invitees
        )
        record_caf_event(
            "node.caf_meeting_arranged",
            locked,
            by,
            meeting=str(meeting.uid),
            held_on=held_on.isoformat(),
            invited=sorted({i["organisation"] for i in invitees}),
        )
        tell_coordinator(locked)
    return meeting


def record_meeting(
    *,
    meeting: Meeting,
    attendance: dict[int, str],
    lead_professional: str,
    lead_professional_name: str,
    next_review_on: date,
    by: Actor,
) -> Meeting:
    """Who came, the Lead Professional agreed with the family, the next review date; only
    once the meeting has taken place (``ValueError`` before its day).

    The Lead Professional goes on the CAF and, once the CAF is completed, to the index.
    """
    if any(v not in Attendance.values for v in attendance.values()):
        raise ValueError("Attendance is attended, apologies, absent or invited.")
    if meeting.held_on > timezone.localdate():
        raise ValueError(
            f"The meeting is on {long_date(meeting.held_on)}: "
            "it can be recorded once it has taken place."
        )
    with transaction.atomic():
        locked = _open(meeting.assessment)
        for invitation in meeting.invitations.all():
            if invitation.pk in attendance:
                invitation.attendance = attendance[invitation.pk]
                invitation.save(update_fields=["attendance"])
        meeting.recorded = True
        meeting.lead_professional = lead_professional
        meeting.next_review_on = next_review_on
        meeting.save(update_fields=["recorded", "lead_professional", "next_review_on"])
        changed = locked.lead_professional != lead_professional
        locked.lead_professional = lead_professional
        locked.lead_professional_name = lead_professional_name
        locked.save(update_fields=["lead_professional", "lead_professional_name"])
        record_caf_event(
            "node.caf_meeting_recorded",
            locked,
            by,
            meeting=str(meeting.uid),
            attendance={str(k): v for k, v in attendance.items()},
            lead_professional=lead_professional,
            next_review_on=next_review_on.isoformat(),
        )
        if changed and locked.status == AssessmentStatus.COMPLETED:
            set_caf(
                agency_id=locked.agency_id,
                local_id=locked.local_id,
                status="exists",
                by=f"caf:{by.username}",
                lead_professional=lead_professional,
            )
        tell_coordinator(locked)
    return meeting


def add_action(
    *,
    meeting: Meeting,
    description: str,
    owner: str,
    due_on: date,
    by: Actor,
    service_id: str = "",
    service_name: str = "",
) -> TeamAction:
    """An action agreed at the meeting; it may name a service from the hub's directory."""
    if bool(service_id) != bool(service_name):
        raise ValueError("A service is named by its directory id and its name together.")
    with transaction.atomic():
        locked = _open(meeting.assessment)
        action = TeamAction.objects.create(
            meeting=meeting,
            description=description,
            owner=owner,
            due_on=due_on,
            changed_by=by.username,
            service_id=service_id,
            service_name=service_name,
        )
        record_caf_event(
            "node.caf_action_added",
            locked,
            by,
            meeting=str(meeting.uid),
            team_action=action.pk,
            due_on=due_on.isoformat(),
            service=service_id,
        )
        tell_coordinator(locked)
    return action


def set_action_status(*, action: TeamAction, status: str, by: Actor) -> TeamAction:
    if status not in ActionStatus.values:
        raise ValueError("An action is open, done or dropped.")
    with transaction.atomic():
        locked = _open(action.meeting.assessment)
        action.status = status
        action.changed_by = by.username
        action.save(update_fields=["status", "changed_by"])
        record_caf_event(
            "node.caf_action_changed", locked, by, team_action=action.pk, status=status
        )
        tell_coordinator(locked)
    return action


def escalate(*, invitation: Invitation, reason: str, by: Actor) -> Escalation:
    """The Lead Professional raises an invited agency's absence with the CAF co-ordinator."""
    with transaction.atomic():
        locked = _open(invitation.meeting.assessment)
        if not locked.lead_professional or by.username != locked.lead_professional:
            raise TeamRefused("Only the Lead Professional can escalate a non-attendance.")
        if invitation.attendance != Attendance.ABSENT:
            raise ValueError("Only an agency that did not attend can be escalated.")
        if hasattr(invitation, "escalation"):
            return invitation.escalation
        escalation = Escalation.objects.create(
            invitation=invitation, reason=reason, raised_by=by.username, raised_by_name=by.name
        )
        record_caf_event(
            "node.caf_escalated",
            locked,
            by,
            meeting=str(invitation.meeting.uid),
            agency=invitation.organisation,
        )
        tell_coordinator(locked)
    return escalation


def close(
    *, assessment: Assessment, reason: str, by: Actor, referred_to: str = "", note: str = ""
) -> Closure:
    """Close the CAF (needs met, or stepped up to social care); it stays, read-only."""
    if reason not in ClosureReason.values:
        raise ValueError("A CAF closes because needs are met or it is stepped up.")
    if reason == ClosureReason.STEPPED_UP and not referred_to:
        raise ValueError("A step up names the social care organisation.")
    with transaction.atomic():
        locked = _open(assessment)
        if locked.status != AssessmentStatus.COMPLETED:
            raise ValueError("Only a completed CAF is closed; a draft has nothing to close.")
        closure = Closure.objects.create(
            assessment=locked,
            reason=reason,
            referred_to=referred_to,
            note=note,
            closed_by=by.username,
            closed_by_name=by.name,
        )
        locked.status = AssessmentStatus.CLOSED
        locked.save(update_fields=["status"])
        record_caf_event("node.caf_closed", locked, by, reason=reason, referred_to=referred_to)
        set_caf(
            agency_id=locked.agency_id,
            local_id=locked.local_id,
            status="closed",
            by=f"caf:{by.username}",
            lead_professional=locked.lead_professional,
        )
        tell_coordinator(locked)
    return closure


def meeting_of(assessment: Assessment, uid: Any) -> Meeting | None:
    return assessment.meetings.filter(uid=uid).first()
