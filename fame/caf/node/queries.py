"""Reads of a node's CAFs: the open one for a child, how far each section has got, its versions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from fame.caf import presenting, structure
from fame.caf.models.node import (
    Assessment,
    AssessmentStatus,
    AssessmentVersion,
    Closure,
    Escalation,
    Meeting,
    SectionDraft,
    TeamAction,
)
from fame.caf.vocabulary import ActionStatus, Attendance
from fame.node.models import NodeAgency

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"


def open_assessment(agency_id: str, local_id: str) -> Assessment | None:
    """The child's CAF at this agency that is not closed, if there is one."""
    return (
        Assessment.objects.filter(agency_id=agency_id, local_id=local_id)
        .exclude(status=AssessmentStatus.CLOSED)
        .first()
    )


def current_assessment(agency_id: str, local_id: str) -> Assessment | None:
    """The child's open CAF at this agency, or else its most recently closed one (read-only)."""
    return open_assessment(agency_id, local_id) or (
        Assessment.objects.filter(agency_id=agency_id, local_id=local_id)
        .order_by("-created_at", "-id")
        .first()
    )


def latest_version(assessment: Assessment) -> AssessmentVersion | None:
    return assessment.versions.order_by("-number").first()


def working_number(assessment: Assessment) -> int:
    """The version the drafts now being saved will make: 1, or the next review's number."""
    latest = latest_version(assessment)
    return latest.number + 1 if latest else 1


def _latest_drafts(assessment: Assessment, number: int) -> dict[str, SectionDraft]:
    latest: dict[str, SectionDraft] = {}
    for draft in SectionDraft.objects.filter(assessment=assessment, number=number).order_by("id"):
        latest[draft.section] = draft
    return latest


def working_sections(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """Each section's answers as they now stand and its state: not started, in progress, completed.

    For a review, a section nobody has changed stands as the last version has it (completed).
    """
    number = working_number(assessment)
    previous = latest_version(assessment)
    base: dict[str, Any] = previous.content if previous else {}
    drafts = _latest_drafts(assessment, number)
    sections: dict[str, dict[str, Any]] = {}
    for key in structure.SECTION_KEYS:
        draft = drafts.get(key)
        if draft is not None:
            state = COMPLETED if draft.complete else IN_PROGRESS
            content = draft.content
        elif key in base:
            state, content = COMPLETED, base[key]
        else:
            state, content = NOT_STARTED, {}
        sections[key] = {"state": state, "content": content, "changed": draft is not None}
    return sections


def version_summary(version: AssessmentVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "made_by": version.made_by,
        "made_by_name": version.made_by_name,
        "made_at": version.made_at.isoformat(),
        "reason": version.reason,
        "note": version.note,
    }


def describe(assessment: Assessment) -> dict[str, Any]:
    """What the hub's pages are told of an assessment (its drafts included, for its holder)."""
    return {
        "uid": str(assessment.uid),
        "agency_id": assessment.agency_id,
        "local_id": assessment.local_id,
        "status": assessment.status,
        "assessor": assessment.assessor,
        "assessor_name": assessment.assessor_name,
        "assessor_organisation": assessment.assessor_organisation,
        "lead_professional": assessment.lead_professional,
        "lead_professional_name": assessment.lead_professional_name,
        "created_at": assessment.created_at.isoformat(),
        "working_number": working_number(assessment),
        "versions": [version_summary(v) for v in assessment.versions.order_by("number")],
        "sections": working_sections(assessment),
        "meetings": [describe_meeting(m) for m in assessment.meetings.all()],
        "closure": _closure(assessment),
    }


def _closure(assessment: Assessment) -> dict[str, Any] | None:
    closure = Closure.objects.filter(assessment=assessment).first()
    if closure is None:
        return None
    return {
        "reason": closure.reason,
        "reason_text": closure.get_reason_display(),
        "referred_to": closure.referred_to,
        "note": closure.note,
        "closed_by_name": closure.closed_by_name,
        "closed_at": closure.closed_at.isoformat(),
    }


def describe_meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "uid": str(meeting.uid),
        "held_on": meeting.held_on.isoformat(),
        "arranged_by_name": meeting.arranged_by_name,
        "recorded": meeting.recorded,
        "lead_professional": meeting.lead_professional,
        "next_review_on": meeting.next_review_on.isoformat() if meeting.next_review_on else "",
        "invitations": [
            {
                "id": i.pk,
                "username": i.username,
                "name": i.name,
                "organisation": i.organisation,
                "organisation_name": i.organisation_name,
                "attendance": i.attendance,
                "attendance_text": i.get_attendance_display(),
                "escalated": hasattr(i, "escalation"),
            }
            for i in meeting.invitations.select_related("escalation")
        ],
        "actions": [
            {
                "id": a.pk,
                "description": a.description,
                "owner": a.owner,
                "due_on": a.due_on.isoformat(),
                "status": a.status,
                "status_text": a.get_status_display(),
                "service_id": a.service_id,
                "service_name": a.service_name,
            }
            for a in meeting.actions.all()
        ],
    }


def coordination_facts(assessment: Assessment) -> dict[str, Any]:
    """What the CAF co-ordinator's queue at the hub is told: dates, counts, names; no content."""
    meetings = list(assessment.meetings.prefetch_related("invitations"))
    reviews = [m.next_review_on for m in meetings if m.next_review_on]
    today = timezone.localdate()
    coming = next((m for m in meetings if not m.recorded and m.held_on >= today), None)
    escalations = Escalation.objects.filter(
        invitation__meeting__assessment=assessment, resolved=False
    ).select_related("invitation")
    closure = Closure.objects.filter(assessment=assessment).first()
    return {
        **history_facts(assessment, meetings, closure),
        "caf": str(assessment.uid),
        "status": assessment.status,
        "initiating_organisation": assessment.assessor_organisation,
        "started_on": assessment.created_at.date().isoformat(),
        "assessor": assessment.assessor,
        "lead_professional": assessment.lead_professional_name,
        "lead_professional_username": assessment.lead_professional,
        "versions": assessment.versions.count(),
        "review_due": reviews[-1].isoformat() if reviews else "",
        "action_due_dates": [
            a.due_on.isoformat()
            for a in TeamAction.objects.filter(
                meeting__assessment=assessment, status=ActionStatus.OPEN
            )
        ],
        "escalations": [
            {
                "agency": e.invitation.organisation_name,
                "raised_on": e.raised_at.date().isoformat(),
                "by": e.raised_by_name,
            }
            for e in escalations
        ],
        "next_meeting_on": coming.held_on.isoformat() if coming else "",
        "next_meeting_invited": sorted(
            {i.username for i in coming.invitations.all() if i.username} if coming else ()
        ),
        "closed_reason": closure.reason if closure else "",
        "as_of": timezone.now().isoformat(),
    }


_BEST_FIRST = (Attendance.ATTENDED, Attendance.APOLOGIES, Attendance.ABSENT, Attendance.INVITED)


def _agency_attendance(meeting: Meeting) -> dict[str, str]:
    """Each invited agency's attendance at ``meeting``: the best of its practitioners'."""
    seen: dict[str, str] = {}
    for invitation in meeting.invitations.all():
        kept = seen.get(invitation.organisation)
        if kept is None or _BEST_FIRST.index(invitation.attendance) < _BEST_FIRST.index(kept):
            seen[invitation.organisation] = invitation.attendance
    return dict(sorted(seen.items()))


def _reviews(meetings: list[Meeting], reviews_made: list[date]) -> list[dict[str, str]]:
    """Each review a meeting set, and the day a review version answered it ("" while none has).

    A review version answers the earliest review set before it was made that no
    earlier version answered; a review set later than every version stays open.
    """
    made = sorted(reviews_made)
    out: list[dict[str, str]] = []
    for meeting in meetings:
        if not (meeting.recorded and meeting.next_review_on):
            continue
        held = next((d for d in made if d >= meeting.held_on), None)
        if held is not None:
            made.remove(held)
        out.append(
            {"due": meeting.next_review_on.isoformat(), "held": held.isoformat() if held else ""}
        )
    return out


def history_facts(
    assessment: Assessment, meetings: list[Meeting], closure: Closure | None
) -> dict[str, Any]:
    """What management information counts at the hub: the dates of a CAF's life and who came.

    Dates and agency IDs only, never content: when version 1 was made, when it
    closed and to whom it was stepped up, each meeting held with each agency's
    attendance, each review set and when it was held, every escalation raised.
    """
    versions = list(assessment.versions.order_by("number").values_list("number", "made_at"))
    made = {n: timezone.localtime(at).date() for n, at in versions}
    held = [m for m in meetings if m.recorded]
    raised = Escalation.objects.filter(invitation__meeting__assessment=assessment).select_related(
        "invitation"
    )
    return {
        "completed_on": made[1].isoformat() if 1 in made else "",
        "closed_on": timezone.localtime(closure.closed_at).date().isoformat() if closure else "",
        "referred_to": closure.referred_to if closure else "",
        "first_meeting_on": held[0].held_on.isoformat() if held else "",
        "reviews": _reviews(meetings, [d for n, d in made.items() if n > 1]),
        "meetings": [
            {"held_on": m.held_on.isoformat(), "attendance": _agency_attendance(m)} for m in held
        ],
        "escalations_raised": [
            {
                "agency_id": e.invitation.organisation,
                "raised_on": timezone.localtime(e.raised_at).date().isoformat(),
            }
            for e in raised.order_by("raised_at", "id")
        ],
    }


def released_copy(agency_id: str, local_id: str) -> dict[str, Any]:
    """The current version of the child's CAF here, readable, for a permitted detail request.

    Section titles with each question and its answer as a person reads it, the
    version's number and date, and the Lead Professional; {} when no version is
    saved yet. No identifier of the assessment leaves the node.
    """
    assessment = (
        Assessment.objects.filter(agency_id=agency_id, local_id=local_id)
        .order_by("-created_at")
        .first()
    )
    current = latest_version(assessment) if assessment is not None else None
    if assessment is None or current is None:
        return {}
    names = dict(NodeAgency.objects.values_list("agency_id", "name"))
    return {
        "caf_status": assessment.get_status_display(),
        "caf_version": current.number,
        "caf_saved_on": current.made_at.date().isoformat(),
        "caf_lead_professional": assessment.lead_professional_name,
        "caf_sections": [
            {
                "title": s.section.title,
                "answers": [
                    {"question": a.question.label, "answer": a.text} for a in s.answers if a.text
                ],
            }
            for s in presenting.answers(current.content, organisations=names)
        ],
    }
