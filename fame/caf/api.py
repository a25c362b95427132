"""The node's CAF endpoints, /federation/v1/node/cafs/: signed by the hub, with a user assertion.

Only the holder agency's practitioners and the CAF's Lead Professional (who may
work for another agency) come through this door: the assertion's organisation
must be the agency that holds the CAF, or its subject the Lead Professional,
and its child must be the agency's record the CAF is about. Writes (start,
save, complete or review) need the assessor or the Lead Professional.
Practitioners elsewhere read a CAF only through a detail request. Every refusal
is audited (``refuse``); every read and write is audited here as well as at the
hub.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from fame.audit import record_event
from fame.federation import Caller, UserAssertion, refuse, signed_endpoint
from fame.node.api import hub_key, trusted_key
from fame.node.disclosure import FactsRefused, decide_on_facts
from fame.node.models import NodeAgency, NodeRecord
from fame.sharing import Requester, record_disclosure

from . import actions, queries, structure, team
from .models import Assessment, Invitation, TeamAction

CATEGORY = "assessment"


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _bad(reason: str) -> JsonResponse:
    return JsonResponse({"error": "bad request", "reason": reason}, status=400)


def _not_found(reason: str) -> JsonResponse:
    return JsonResponse({"error": "not found", "reason": reason}, status=404)


def _actor(assertion: UserAssertion) -> actions.Actor:
    return actions.Actor(
        username=assertion.subject, name=assertion.name, organisation=assertion.organisation
    )


def _holder_only(
    request: HttpRequest,
    caller: Caller,
    *,
    agency_id: str,
    local_id: str,
    lead_professional: str = "",
) -> HttpResponse | UserAssertion:
    """The assertion, if it is about this record, from the holder agency or the CAF's Lead
    Professional (``lead_professional``, a username), and the sharing rules permit its
    assessment to this person on the hub's signed facts; else a refusal.

    The door of the holder and the Lead Professional is this API's shape (other
    agencies ask through detail requests); whether the person may see the
    assessment is the policy decision point's, decided here on the facts the hub
    sent (docs/adr/0012), and kept as this node's disclosure record.
    """
    assertion = caller.assertion
    if assertion is None:  # (the guard demands one; this keeps the type checker honest)
        return refuse(request, "a user assertion is required", key_id=caller.key_id)
    child = f"{agency_id}:{local_id}"
    if assertion.child != child:
        return refuse(request, "the assertion is about another child", key_id=caller.key_id)
    leads = bool(lead_professional) and assertion.subject == lead_professional
    if assertion.organisation != agency_id and not leads:
        return refuse(
            request,
            "only the holder agency's practitioners and the Lead Professional open a CAF "
            "this way; others ask through a detail request",
            key_id=caller.key_id,
            status=403,
        )
    facts = _json(request).get("facts")
    if not isinstance(facts, dict):
        return _bad("the hub's facts for the sharing decision are needed")
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
        return refuse(request, str(refused), key_id=caller.key_id, status=400)
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
        return refuse(request, " ".join(decision.reasons), key_id=caller.key_id, status=403)
    return assertion


def _read(
    request: HttpRequest, assessment: Assessment, assertion: UserAssertion, what: str
) -> None:
    record_event(
        "node.caf_read",
        organisation=assessment.agency_id,
        target=f"caf:{assessment.uid.hex}",
        details={"by": assertion.subject, "by_organisation": assertion.organisation, "what": what},
    )


def _assessment(
    request: HttpRequest, caller: Caller, uid: UUID, *, write: bool
) -> tuple[Assessment, UserAssertion] | HttpResponse:
    assessment = Assessment.objects.filter(uid=uid).first()
    if assessment is None:
        return _not_found("no such assessment")
    checked = _holder_only(
        request,
        caller,
        agency_id=assessment.agency_id,
        local_id=assessment.local_id,
        lead_professional=assessment.lead_professional,
    )
    if isinstance(checked, HttpResponse):
        return checked
    if write and not assessment.may_write(checked.subject):
        return refuse(
            request,
            "only the assessor or the Lead Professional may change this assessment",
            key_id=caller.key_id,
            status=403,
        )
    return assessment, checked


def _record_fields(data: dict[str, Any]) -> tuple[str, str] | None:
    agency_id, local_id = data.get("agency_id"), data.get("local_id")
    if not (isinstance(agency_id, str) and agency_id and isinstance(local_id, str) and local_id):
        return None
    return agency_id, local_id


@signed_endpoint(trusted_key, assertion_key=hub_key)
def find(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The child's open CAF at this agency, or none."""
    record = _record_fields(_json(request))
    if record is None:
        return _bad("agency_id and local_id are needed")
    assessment = queries.current_assessment(*record)
    checked = _holder_only(
        request,
        caller,
        agency_id=record[0],
        local_id=record[1],
        lead_professional=assessment.lead_professional if assessment is not None else "",
    )
    if isinstance(checked, HttpResponse):
        return checked
    if assessment is None:
        return JsonResponse({"assessment": None})
    _read(request, assessment, checked, "current")
    return JsonResponse({"assessment": queries.describe(assessment)})


@signed_endpoint(trusted_key, assertion_key=hub_key)
def start(request: HttpRequest, caller: Caller) -> HttpResponse:
    data = _json(request)
    record = _record_fields(data)
    if record is None:
        return _bad("agency_id, local_id and checklist are needed")
    checked = _holder_only(request, caller, agency_id=record[0], local_id=record[1])
    if isinstance(checked, HttpResponse):
        return checked
    if not NodeAgency.objects.filter(agency_id=record[0]).exists():
        return _not_found("agency not hosted here")
    if not NodeRecord.objects.filter(agency_id=record[0], local_id=record[1]).exists():
        return _not_found("this agency holds no record of that child here")
    try:
        assessment = actions.start_assessment(
            agency_id=record[0],
            local_id=record[1],
            checklist=data.get("checklist"),  # type: ignore[arg-type]
            by=_actor(checked),
        )
    except structure.ContentError as error:
        return _bad(str(error))
    return JsonResponse({"assessment": queries.describe(assessment)})


@signed_endpoint(trusted_key, assertion_key=hub_key)
def current(request: HttpRequest, caller: Caller, uid: UUID) -> HttpResponse:
    found = _assessment(request, caller, uid, write=False)
    if isinstance(found, HttpResponse):
        return found
    _read(request, found[0], found[1], "current")
    return JsonResponse({"assessment": queries.describe(found[0])})


@signed_endpoint(trusted_key, assertion_key=hub_key)
def save_section(request: HttpRequest, caller: Caller, uid: UUID, section: str) -> HttpResponse:
    found = _assessment(request, caller, uid, write=True)
    if isinstance(found, HttpResponse):
        return found
    data = _json(request)
    if section not in structure.SECTION_KEYS:
        return _not_found("no such section")
    try:
        actions.save_section(
            assessment=found[0],
            section=section,
            content=data.get("content"),  # type: ignore[arg-type]
            complete=bool(data.get("complete")),
            by=_actor(found[1]),
        )
    except structure.ContentError as error:
        return _bad(str(error))
    except ValueError as error:
        return JsonResponse({"error": "conflict", "reason": str(error)}, status=409)
    return JsonResponse({"assessment": queries.describe(found[0])})


@signed_endpoint(trusted_key, assertion_key=hub_key)
def complete(request: HttpRequest, caller: Caller, uid: UUID) -> HttpResponse:
    found = _assessment(request, caller, uid, write=True)
    if isinstance(found, HttpResponse):
        return found
    note = _json(request).get("note", "")
    try:
        version = actions.complete_assessment(
            assessment=found[0], by=_actor(found[1]), note=str(note)[:2000]
        )
    except actions.NotReady as not_ready:
        return JsonResponse(
            {"error": "conflict", "reason": str(not_ready), "sections": not_ready.sections},
            status=409,
        )
    except ValueError as error:
        return JsonResponse({"error": "conflict", "reason": str(error)}, status=409)
    return JsonResponse(
        {"version": queries.version_summary(version), "assessment": queries.describe(found[0])}
    )


@signed_endpoint(trusted_key, assertion_key=hub_key)
def versions(request: HttpRequest, caller: Caller, uid: UUID) -> HttpResponse:
    found = _assessment(request, caller, uid, write=False)
    if isinstance(found, HttpResponse):
        return found
    _read(request, found[0], found[1], "versions")
    return JsonResponse(
        {"versions": [queries.version_summary(v) for v in found[0].versions.order_by("number")]}
    )


@signed_endpoint(trusted_key, assertion_key=hub_key)
def version(request: HttpRequest, caller: Caller, uid: UUID, number: int) -> HttpResponse:
    found = _assessment(request, caller, uid, write=False)
    if isinstance(found, HttpResponse):
        return found
    kept = found[0].versions.filter(number=number).first()
    if kept is None:
        return _not_found("no such version")
    _read(request, found[0], found[1], f"version {number}")
    return JsonResponse({"version": {**queries.version_summary(kept), "content": kept.content}})


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _team_write(request: HttpRequest, caller: Caller, uid: UUID, write: Any) -> HttpResponse:
    """Run one Team Around the Child or closure write for the assessor or Lead Professional."""
    found = _assessment(request, caller, uid, write=True)
    if isinstance(found, HttpResponse):
        return found
    assessment, assertion = found
    try:
        write(assessment, _actor(assertion), _json(request))
    except team.TeamRefused as refused:
        return refuse(request, str(refused), key_id=caller.key_id, status=403)
    except LookupError as missing:
        return _not_found(str(missing))
    except (ValueError, TypeError, KeyError) as error:
        return JsonResponse({"error": "conflict", "reason": str(error)}, status=409)
    assessment.refresh_from_db()
    return JsonResponse({"assessment": queries.describe(assessment)})


def _meeting(assessment: Assessment, uid: Any) -> Any:
    meeting = team.meeting_of(assessment, uid)
    if meeting is None:
        raise LookupError("no such meeting")
    return meeting


@signed_endpoint(trusted_key, assertion_key=hub_key)
def arrange_meeting(request: HttpRequest, caller: Caller, uid: UUID) -> HttpResponse:
    def write(assessment: Assessment, by: actions.Actor, data: dict[str, Any]) -> None:
        held_on = _date(data.get("held_on"))
        invitees = data.get("invitees")
        if held_on is None or not isinstance(invitees, list) or not invitees:
            raise ValueError("a meeting needs a date and invitees")
        checked = [
            {
                k: str(i.get(k, ""))
                for k in ("username", "name", "organisation", "organisation_name")
            }
            for i in invitees
            if isinstance(i, dict) and i.get("name") and i.get("organisation")
        ]
        team.arrange_meeting(assessment=assessment, held_on=held_on, invitees=checked, by=by)

    return _team_write(request, caller, uid, write)


@signed_endpoint(trusted_key, assertion_key=hub_key)
def record_meeting(request: HttpRequest, caller: Caller, uid: UUID, meeting: UUID) -> HttpResponse:
    def write(assessment: Assessment, by: actions.Actor, data: dict[str, Any]) -> None:
        review = _date(data.get("next_review_on"))
        attendance = data.get("attendance")
        if review is None or not isinstance(attendance, dict):
            raise ValueError("attendance and a next review date are needed")
        team.record_meeting(
            meeting=_meeting(assessment, meeting),
            attendance={int(k): str(v) for k, v in attendance.items()},
            lead_professional=str(data.get("lead_professional", ""))[:150],
            lead_professional_name=str(data.get("lead_professional_name", ""))[:200],
            next_review_on=review,
            by=by,
        )

    return _team_write(request, caller, uid, write)


@signed_endpoint(trusted_key, assertion_key=hub_key)
def add_action(request: HttpRequest, caller: Caller, uid: UUID, meeting: UUID) -> HttpResponse:
    def write(assessment: Assessment, by: actions.Actor, data: dict[str, Any]) -> None:
        due = _date(data.get("due_on"))
        if due is None or not data.get("description") or not data.get("owner"):
            raise ValueError("an action needs what, who and by when")
        team.add_action(
            meeting=_meeting(assessment, meeting),
            description=str(data["description"])[:2000],
            owner=str(data["owner"])[:200],
            due_on=due,
            by=by,
        )

    return _team_write(request, caller, uid, write)


@signed_endpoint(trusted_key, assertion_key=hub_key)
def action_status(request: HttpRequest, caller: Caller, uid: UUID, action: int) -> HttpResponse:
    def write(assessment: Assessment, by: actions.Actor, data: dict[str, Any]) -> None:
        found = TeamAction.objects.filter(pk=action, meeting__assessment=assessment).first()
        if found is None:
            raise LookupError("no such action")
        team.set_action_status(action=found, status=str(data.get("status", "")), by=by)

    return _team_write(request, caller, uid, write)


@signed_endpoint(trusted_key, assertion_key=hub_key)
def escalate(request: HttpRequest, caller: Caller, uid: UUID, invitation: int) -> HttpResponse:
    def write(assessment: Assessment, by: actions.Actor, data: dict[str, Any]) -> None:
        found = Invitation.objects.filter(pk=invitation, meeting__assessment=assessment).first()
        if found is None:
            raise LookupError("no such invitation")
        team.escalate(invitation=found, reason=str(data.get("reason", ""))[:2000], by=by)

    return _team_write(request, caller, uid, write)


@signed_endpoint(trusted_key, assertion_key=hub_key)
def close(request: HttpRequest, caller: Caller, uid: UUID) -> HttpResponse:
    def write(assessment: Assessment, by: actions.Actor, data: dict[str, Any]) -> None:
        team.close(
            assessment=assessment,
            reason=str(data.get("reason", "")),
            referred_to=str(data.get("referred_to", ""))[:40],
            note=str(data.get("note", ""))[:2000],
            by=by,
        )

    return _team_write(request, caller, uid, write)
