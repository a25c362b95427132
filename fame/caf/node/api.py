"""The node's CAF endpoints, /federation/v1/node/cafs/: signed by the hub, with a user assertion.

Only the holder agency's practitioners and the CAF's Lead Professional (who may
work for another agency) come through this door: the assertion's organisation
must be the agency that holds the CAF, or its subject the Lead Professional,
and its child must be the agency's record the CAF is about. Writes (start,
save, complete or review) need the assessor or the Lead Professional.
Practitioners elsewhere read a CAF only through a detail request. Every refusal
is audited (``Refusal``); every read and write is audited here as well as at the
hub. The door (``SignedRequest``) checks the signature and the assertion, then
the body against its schema (``api_schemas``), before any of these runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

from fame.audit import record_event
from fame.caf import structure
from fame.caf.models.node import Assessment, Invitation, TeamAction
from fame.federation import ERRORS, ApiError, Refusal, UserAssertion
from fame.node.disclosure import FactsRefused, decide_on_facts
from fame.node.models import NodeAgency, NodeRecord
from fame.sharing import Requester, record_disclosure

from . import actions, queries, team
from .api_schemas import (
    HUB_ASKS,
    ActionIn,
    ActionStatusIn,
    AssessmentAnswer,
    CloseIn,
    CompletedOut,
    CompleteIn,
    EscalationIn,
    FoundOut,
    MeetingIn,
    MeetingRecordIn,
    NotReadyOut,
    RecordIn,
    SectionIn,
    StartIn,
    VersionAnswer,
    VersionsOut,
    WithFacts,
    caller_of,
)
from .referral_api import router as referrals

router = Router(tags=["caf"])
router.add_router("/referrals", referrals)

CATEGORY = "assessment"
ANSWERS: dict[int | str, Any] = {200: AssessmentAnswer, **ERRORS}


def _actor(assertion: UserAssertion) -> actions.Actor:
    return actions.Actor(
        username=assertion.subject, name=assertion.name, organisation=assertion.organisation
    )


def _holder_only(
    request: HttpRequest,
    facts: dict[str, Any],
    *,
    agency_id: str,
    local_id: str,
    lead_professional: str = "",
) -> UserAssertion:
    """The assertion, if it is about this record, from the holder agency or the CAF's Lead
    Professional (``lead_professional``, a username), and the sharing rules permit its
    assessment to this person on the hub's signed ``facts``; else ``Refusal``.

    The door of the holder and the Lead Professional is this API's shape (other
    agencies ask through detail requests); whether the person may see the
    assessment is the policy decision point's, decided here on the facts the hub
    sent (docs/adr/0012), and kept as this node's disclosure record.
    """
    caller = caller_of(request)
    assertion = caller.assertion
    if assertion is None:  # (the door demands one; this keeps the type checker honest)
        raise Refusal("a user assertion is required", status=401, key_id=caller.key_id)
    child = f"{agency_id}:{local_id}"
    if assertion.child != child:
        raise Refusal("the assertion is about another child", status=401, key_id=caller.key_id)
    leads = bool(lead_professional) and assertion.subject == lead_professional
    if assertion.organisation != agency_id and not leads:
        raise Refusal(
            "only the holder agency's practitioners and the Lead Professional open a CAF "
            "this way; others ask through a detail request",
            key_id=caller.key_id,
        )
    try:
        decision = decide_on_facts(
            assertion,
            facts=facts,
            child=child,
            holder=agency_id,
            purpose=assertion.purpose,
            categories=[CATEGORY],
        )[CATEGORY]
    except FactsRefused as refused:
        raise Refusal(str(refused), status=400, key_id=caller.key_id) from None
    record_disclosure(
        decision=decision,
        child_ref=child,
        category=CATEGORY,
        purpose=assertion.purpose,
        requester=Requester(assertion.subject, assertion.name, assertion.organisation),
        holder=agency_id,
        end=settings.FAME_NODE_NAME,
        request_ref=f"caf:{request.path.rsplit('/', 1)[-1]}",
        data_items=("caf",),
        by=None,
        organisation=agency_id,
        audit=False,  # the refusal, or this endpoint's own event, is the audit
    )
    if not decision.permitted:
        raise Refusal(" ".join(decision.reasons), key_id=caller.key_id)
    return assertion


def _read(assessment: Assessment, assertion: UserAssertion, what: str) -> None:
    record_event(
        "node.caf_read",
        organisation=assessment.agency_id,
        target=f"caf:{assessment.uid.hex}",
        details={"by": assertion.subject, "by_organisation": assertion.organisation, "what": what},
    )


def _assessment(
    request: HttpRequest, uid: UUID, facts: dict[str, Any], *, write: bool
) -> tuple[Assessment, UserAssertion]:
    assessment = Assessment.objects.filter(uid=uid).first()
    if assessment is None:
        raise ApiError(404, "no such assessment")
    assertion = _holder_only(
        request,
        facts,
        agency_id=assessment.agency_id,
        local_id=assessment.local_id,
        lead_professional=assessment.lead_professional,
    )
    if write and not assessment.may_write(assertion.subject):
        raise Refusal(
            "only the assessor or the Lead Professional may change this assessment",
            key_id=caller_of(request).key_id,
        )
    return assessment, assertion


def _described(assessment: Assessment) -> dict[str, Any]:
    return {"assessment": queries.describe(assessment)}


@router.post("/find", auth=HUB_ASKS, response={200: FoundOut, **ERRORS})
def find(request: HttpRequest, record: RecordIn) -> dict[str, Any]:
    """The child's open CAF at this agency, or none."""
    assessment = queries.current_assessment(record.agency_id, record.local_id)
    assertion = _holder_only(
        request,
        record.facts,
        agency_id=record.agency_id,
        local_id=record.local_id,
        lead_professional=assessment.lead_professional if assessment is not None else "",
    )
    if assessment is None:
        return {"assessment": None}
    _read(assessment, assertion, "current")
    return _described(assessment)


@router.post("/start", auth=HUB_ASKS, response=ANSWERS)
def start(request: HttpRequest, started: StartIn) -> dict[str, Any]:
    """Start the child's CAF at this agency with its checklist (the open one, if there is)."""
    assertion = _holder_only(
        request, started.facts, agency_id=started.agency_id, local_id=started.local_id
    )
    if not NodeAgency.objects.filter(agency_id=started.agency_id).exists():
        raise ApiError(404, "agency not hosted here")
    if not NodeRecord.objects.filter(
        agency_id=started.agency_id, local_id=started.local_id
    ).exists():
        raise ApiError(404, "this agency holds no record of that child here")
    try:
        assessment = actions.start_assessment(
            agency_id=started.agency_id,
            local_id=started.local_id,
            checklist=started.checklist,
            by=_actor(assertion),
        )
    except structure.ContentError as error:
        raise ApiError(400, str(error)) from None
    return _described(assessment)


@router.post("/{uuid:uid}", auth=HUB_ASKS, response=ANSWERS)
def current(request: HttpRequest, uid: UUID, asked: WithFacts) -> dict[str, Any]:
    """The assessment as it stands, drafts included."""
    assessment, assertion = _assessment(request, uid, asked.facts, write=False)
    _read(assessment, assertion, "current")
    return _described(assessment)


@router.post("/{uuid:uid}/sections/{slug:section}", auth=HUB_ASKS, response=ANSWERS)
def save_section(request: HttpRequest, uid: UUID, section: str, saved: SectionIn) -> dict[str, Any]:
    """Keep one save of one section; complete only if its answers are."""
    assessment, assertion = _assessment(request, uid, saved.facts, write=True)
    if section not in structure.SECTION_KEYS:
        raise ApiError(404, "no such section")
    try:
        actions.save_section(
            assessment=assessment,
            section=section,
            content=saved.content,
            complete=saved.complete,
            by=_actor(assertion),
        )
    except structure.ContentError as error:
        raise ApiError(400, str(error)) from None
    except ValueError as error:
        raise ApiError(409, str(error)) from None
    return _described(assessment)


@router.post(
    "/{uuid:uid}/complete",
    auth=HUB_ASKS,
    response={200: CompletedOut, **ERRORS, 409: NotReadyOut},
)
def complete(request: HttpRequest, uid: UUID, completing: CompleteIn) -> Any:
    """Make the next version: 1, or a review's N+1; 409 names the sections not complete."""
    assessment, assertion = _assessment(request, uid, completing.facts, write=True)
    try:
        version = actions.complete_assessment(
            assessment=assessment, by=_actor(assertion), note=completing.note
        )
    except actions.NotReady as not_ready:
        return 409, {"error": "conflict", "reason": str(not_ready), "sections": not_ready.sections}
    except ValueError as error:
        raise ApiError(409, str(error)) from None
    return {"version": queries.version_summary(version), **_described(assessment)}


@router.post("/{uuid:uid}/versions", auth=HUB_ASKS, response={200: VersionsOut, **ERRORS})
def versions(request: HttpRequest, uid: UUID, asked: WithFacts) -> dict[str, Any]:
    """The assessment's versions, oldest first; no content."""
    assessment, assertion = _assessment(request, uid, asked.facts, write=False)
    _read(assessment, assertion, "versions")
    return {
        "versions": [queries.version_summary(v) for v in assessment.versions.order_by("number")]
    }


@router.post(
    "/{uuid:uid}/versions/{int:number}", auth=HUB_ASKS, response={200: VersionAnswer, **ERRORS}
)
def version(request: HttpRequest, uid: UUID, number: int, asked: WithFacts) -> dict[str, Any]:
    """One version with its content."""
    assessment, assertion = _assessment(request, uid, asked.facts, write=False)
    kept = assessment.versions.filter(number=number).first()
    if kept is None:
        raise ApiError(404, "no such version")
    _read(assessment, assertion, f"version {number}")
    return {"version": {**queries.version_summary(kept), "content": kept.content}}


Write = Callable[[Assessment, actions.Actor], object]


def _team_write(request: HttpRequest, uid: UUID, facts: dict[str, Any], write: Write) -> Any:
    """Run one Team Around the Child or closure write for the assessor or Lead Professional."""
    assessment, assertion = _assessment(request, uid, facts, write=True)
    try:
        write(assessment, _actor(assertion))
    except team.TeamRefused as refused:
        raise Refusal(str(refused), key_id=caller_of(request).key_id) from None
    except LookupError as missing:
        raise ApiError(404, str(missing.args[0])) from None
    except ValueError as error:
        raise ApiError(409, str(error)) from None
    assessment.refresh_from_db()
    return _described(assessment)


def _meeting(assessment: Assessment, uid: UUID) -> Any:
    meeting = team.meeting_of(assessment, uid)
    if meeting is None:
        raise LookupError("no such meeting")
    return meeting


@router.post("/{uuid:uid}/meetings", auth=HUB_ASKS, response=ANSWERS)
def arrange_meeting(request: HttpRequest, uid: UUID, meeting: MeetingIn) -> Any:
    """A Team Around the Child meeting, with an invitation to each practitioner named."""
    invitees = [i.model_dump() for i in meeting.invitees]
    return _team_write(
        request,
        uid,
        meeting.facts,
        lambda assessment, by: team.arrange_meeting(
            assessment=assessment, held_on=meeting.held_on, invitees=invitees, by=by
        ),
    )


@router.post("/{uuid:uid}/meetings/{uuid:meeting}", auth=HUB_ASKS, response=ANSWERS)
def record_meeting(request: HttpRequest, uid: UUID, meeting: UUID, record: MeetingRecordIn) -> Any:
    """Who came, the Lead Professional agreed with the family, the next review."""
    return _team_write(
        request,
        uid,
        record.facts,
        lambda assessment, by: team.record_meeting(
            meeting=_meeting(assessment, meeting),
            attendance={int(k): v for k, v in record.attendance.items()},
            lead_professional=record.lead_professional,
            lead_professional_name=record.lead_professional_name,
            next_review_on=record.next_review_on,
            by=by,
        ),
    )


@router.post("/{uuid:uid}/meetings/{uuid:meeting}/actions", auth=HUB_ASKS, response=ANSWERS)
def add_action(request: HttpRequest, uid: UUID, meeting: UUID, action: ActionIn) -> Any:
    """An action agreed at the meeting: what, who, by when."""
    return _team_write(
        request,
        uid,
        action.facts,
        lambda assessment, by: team.add_action(
            meeting=_meeting(assessment, meeting),
            description=action.description,
            owner=action.owner,
            due_on=action.due_on,
            service_id=action.service_id,
            service_name=action.service_name,
            by=by,
        ),
    )


@router.post("/{uuid:uid}/actions/{int:action}", auth=HUB_ASKS, response=ANSWERS)
def action_status(request: HttpRequest, uid: UUID, action: int, change: ActionStatusIn) -> Any:
    """An action done, dropped or open again."""

    def write(assessment: Assessment, by: actions.Actor) -> object:
        found = TeamAction.objects.filter(pk=action, meeting__assessment=assessment).first()
        if found is None:
            raise LookupError("no such action")
        return team.set_action_status(action=found, status=change.status, by=by)

    return _team_write(request, uid, change.facts, write)


@router.post("/{uuid:uid}/invitations/{int:invitation}/escalate", auth=HUB_ASKS, response=ANSWERS)
def escalate(request: HttpRequest, uid: UUID, invitation: int, raised: EscalationIn) -> Any:
    """The Lead Professional raises an invited agency's absence with the CAF co-ordinator."""

    def write(assessment: Assessment, by: actions.Actor) -> object:
        found = Invitation.objects.filter(pk=invitation, meeting__assessment=assessment).first()
        if found is None:
            raise LookupError("no such invitation")
        return team.escalate(invitation=found, reason=raised.reason, by=by)

    return _team_write(request, uid, raised.facts, write)


@router.post("/{uuid:uid}/close", auth=HUB_ASKS, response=ANSWERS)
def close(request: HttpRequest, uid: UUID, closing: CloseIn) -> Any:
    """Close the CAF: needs met, or stepped up to social care."""
    return _team_write(
        request,
        uid,
        closing.facts,
        lambda assessment, by: team.close(
            assessment=assessment,
            reason=closing.reason,
            referred_to=closing.referred_to,
            note=closing.note,
            by=by,
        ),
    )
