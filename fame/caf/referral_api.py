"""The receiving node's referral endpoints, /federation/v1/node/cafs/referrals/: signed by the hub.

A step up passes the CAF's current version to the social care organisation's
node, which keeps it read-only (``ReferralCopy``). The hub decided the step up
on the sharing rules and sends its decision with the copy; this node keeps
that decision as its own disclosure record and audits the receipt. Only the
receiving organisation's practitioners list or open what it received.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from fame.audit import record_event
from fame.federation import Caller, refuse, signed_endpoint
from fame.node.api import hub_key, trusted_key
from fame.node.models import NodeAgency
from fame.sharing import Decision, Requester, record_disclosure

from .api import _bad, _json, _not_found
from .models import ReferralCopy

CATEGORY = "assessment"
PURPOSE = "safeguarding"


def _hub_decision(data: Any) -> Decision | None:
    """The hub's permit for the step up, as it sent it; None unless it is a permit."""
    if not isinstance(data, dict) or data.get("decision") != "permit":
        return None
    return Decision(
        decision="permit",
        policies=[str(p) for p in data.get("policies", [])],
        reasons=[str(r) for r in data.get("reasons", [])],
        decision_id=str(data.get("decision_id", ""))[:64] or UUID(int=0).hex,
    )


@signed_endpoint(trusted_key, assertion_key=hub_key)
def receive(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Keep a stepped-up CAF's copy for the receiving agency here; a resend changes nothing."""
    data = _json(request)
    agency_id = str(data.get("received_by", ""))
    if not NodeAgency.objects.filter(agency_id=agency_id).exists():
        return _not_found("the receiving agency is not hosted here")
    decision = _hub_decision(data.get("decision"))
    if decision is None:
        return refuse(
            request, "a step up passes only on a permit", key_id=caller.key_id, status=403
        )
    try:
        uid = UUID(str(data.get("uid")))
        referred_on = date.fromisoformat(str(data.get("referred_on")))
        number = int(data["version_number"])
    except (ValueError, KeyError, TypeError):
        return _bad("uid, referred_on and version_number are needed")
    content = data.get("content")
    if not isinstance(content, dict) or not content:
        return _bad("the CAF's content is needed")
    if (kept := ReferralCopy.objects.filter(uid=uid).first()) is not None:
        return JsonResponse({"referral": kept.summary()})
    who = caller.assertion
    try:
        with transaction.atomic():
            copy = ReferralCopy.objects.create(
                uid=uid,
                received_by=agency_id,
                child_ref=str(data.get("child_ref", ""))[:64],
                from_agency=str(data.get("from_agency", ""))[:40],
                from_agency_name=str(data.get("from_agency_name", ""))[:200],
                referred_by=who.subject if who else "",
                referred_by_name=who.name if who else "",
                reason=str(data.get("reason", ""))[:2000],
                referred_on=referred_on,
                version_number=number,
                content=content,
            )
            record_disclosure(
                decision=decision,
                child_ref=copy.child_ref,
                category=CATEGORY,
                purpose=PURPOSE,
                requester=Requester("", "", agency_id),
                holder=copy.from_agency,
                end=settings.FAME_NODE_NAME,
                request_ref="caf.step_up",
                data_items=("caf",),
                by=None,
                organisation=agency_id,
                audit=False,  # the receipt below is the audit
            )
            record_event(
                "node.caf_referral_received",
                organisation=agency_id,
                target=f"referral:{uid.hex}",
                details={
                    "from": copy.from_agency,
                    "by": copy.referred_by,
                    "version": number,
                    "decision_id": decision.decision_id,
                },
            )
    except IntegrityError:
        copy = ReferralCopy.objects.get(uid=uid)
    return JsonResponse({"referral": copy.summary()})


def _own_agency(request: HttpRequest, caller: Caller, agency_id: str) -> HttpResponse | None:
    who = caller.assertion
    if who is None or not agency_id or who.organisation != agency_id:
        return refuse(
            request,
            "only the receiving organisation's practitioners read its referrals",
            key_id=caller.key_id,
            status=403,
        )
    return None


@signed_endpoint(trusted_key, assertion_key=hub_key)
def received(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The referrals an agency hosted here has received, newest first; no content."""
    agency_id = str(_json(request).get("agency_id", ""))
    if refused := _own_agency(request, caller, agency_id):
        return refused
    found = ReferralCopy.objects.filter(received_by=agency_id)
    return JsonResponse({"referrals": [r.summary() for r in found]})


@signed_endpoint(trusted_key, assertion_key=hub_key)
def one(request: HttpRequest, caller: Caller, uid: UUID) -> HttpResponse:
    """One referral with its content, for the receiving organisation's practitioners."""
    copy = ReferralCopy.objects.filter(uid=uid).first()
    if copy is None:
        return _not_found("no such referral")
    if refused := _own_agency(request, caller, copy.received_by):
        return refused
    record_event(
        "node.caf_referral_read",
        organisation=copy.received_by,
        target=f"referral:{copy.uid.hex}",
        details={"by": caller.assertion.subject if caller.assertion else ""},
    )
    return JsonResponse({"referral": {**copy.summary(), "content": copy.content}})
