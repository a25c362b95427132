"""The receiving node's referral endpoints, /federation/v1/node/cafs/referrals/: signed by the hub.

A step up passes the CAF's current version to the social care organisation's
node, which keeps it read-only (``referral_receipt.receive_referral``: the copy,
the hub's decision as this node's disclosure record, the receipt's audit
event). Only the receiving organisation's practitioners list or open what it
received. Mounted by ``api.router``, under the CAF endpoints.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router

from fame.audit import record_event
from fame.caf.models.node import ReferralCopy
from fame.federation import ERRORS, ApiError, Refusal
from fame.sharing import Decision

from .actions import Actor
from .api_schemas import (
    HUB_ASKS,
    AgencyIn,
    NothingIn,
    ReferralAnswer,
    ReferralContentAnswer,
    ReferralIn,
    ReferralsOut,
    caller_of,
)
from .referral_receipt import Referral, ReferralRefused, receive_referral

router = Router(tags=["caf referrals"])


def _referral(sent: ReferralIn) -> Referral:
    decision = sent.decision
    return Referral(
        uid=sent.uid,
        received_by=sent.received_by,
        child_ref=sent.child_ref,
        from_agency=sent.from_agency,
        from_agency_name=sent.from_agency_name,
        reason=sent.reason,
        referred_on=sent.referred_on,
        version_number=sent.version_number,
        content=sent.content,
        decision=Decision(
            decision="permit" if decision.decision == "permit" else "deny",
            policies=decision.policies,
            reasons=decision.reasons,
            decision_id=decision.decision_id or UUID(int=0).hex,
        ),
    )


@router.post("", auth=HUB_ASKS, response={200: ReferralAnswer, **ERRORS})
def receive(request: HttpRequest, referral: ReferralIn) -> dict[str, Any]:
    """Keep a stepped-up CAF's copy for the receiving agency here; a resend changes nothing."""
    caller = caller_of(request)
    who = caller.assertion
    if who is None:  # (the door demands one; this keeps the type checker honest)
        raise Refusal("a user assertion is required", status=401, key_id=caller.key_id)
    try:
        copy, _ = receive_referral(
            referral=_referral(referral),
            by=Actor(username=who.subject, name=who.name, organisation=who.organisation),
        )
    except ReferralRefused as refused:
        if refused.status == 404:
            raise ApiError(404, refused.reason) from None
        raise Refusal(refused.reason, status=refused.status, key_id=caller.key_id) from None
    return {"referral": copy.summary()}


def _own_agency(request: HttpRequest, agency_id: str) -> None:
    caller = caller_of(request)
    who = caller.assertion
    if who is None or not agency_id or who.organisation != agency_id:
        raise Refusal(
            "only the receiving organisation's practitioners read its referrals",
            key_id=caller.key_id,
        )


@router.post("/received", auth=HUB_ASKS, response={200: ReferralsOut, **ERRORS})
def received(request: HttpRequest, asked: AgencyIn) -> dict[str, Any]:
    """The referrals an agency hosted here has received, newest first; no content."""
    _own_agency(request, asked.agency_id)
    found = ReferralCopy.objects.filter(received_by=asked.agency_id)
    return {"referrals": [r.summary() for r in found]}


@router.post("/{uuid:uid}", auth=HUB_ASKS, response={200: ReferralContentAnswer, **ERRORS})
def one(request: HttpRequest, uid: UUID, asked: NothingIn) -> dict[str, Any]:
    """One referral with its content, for the receiving organisation's practitioners."""
    copy = ReferralCopy.objects.filter(uid=uid).first()
    if copy is None:
        raise ApiError(404, "no such referral")
    _own_agency(request, copy.received_by)
    who = caller_of(request).assertion
    record_event(
        "node.caf_referral_read",
        organisation=copy.received_by,
        target=f"referral:{copy.uid.hex}",
        details={"by": who.subject if who else ""},
    )
    return {"referral": {**copy.summary(), "content": copy.content}}
