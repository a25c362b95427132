"""Receiving a stepped-up CAF at the social care organisation's node: one action, audited.

The hub decided the step up on the sharing rules and forwards the holding
node's current version with its permit. ``receive_referral`` keeps the copy
read-only (``ReferralCopy``), the hub's decision as this node's disclosure
record and the receipt's audit event, in one transaction; a resend of a
referral already kept changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction

from fame.audit import record_event
from fame.caf.models.node import ReferralCopy
from fame.node.models import NodeAgency
from fame.sharing import Decision, Requester, record_disclosure

from .actions import Actor

CATEGORY = "assessment"
PURPOSE = "safeguarding"


class ReferralRefused(Exception):
    """The referral cannot be received here; ``status`` says how to answer (403 or 404)."""

    def __init__(self, reason: str, *, status: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Referral:
    """A CAF version passed on by a step up, as the hub forwards it."""

    uid: UUID
    """The referral's uid, chosen by the hub: the same version to the same agency is the same."""
    received_by: str
    child_ref: str
    from_agency: str
    from_agency_name: str
    reason: str
    referred_on: date
    version_number: int
    content: dict[str, Any]
    decision: Decision
    """The hub's decision on the step up; only a permit passes."""


def receive_referral(*, referral: Referral, by: Actor) -> tuple[ReferralCopy, bool]:
    """Keep ``referral`` for its receiving agency; the copy, and whether it is new.

    ``by`` is the practitioner who stepped the CAF up. ``ReferralRefused`` if the
    receiving agency is not hosted here (404) or the hub's decision is not a
    permit (403); nothing is written then.
    """
    if not NodeAgency.objects.filter(agency_id=referral.received_by).exists():
        raise ReferralRefused("the receiving agency is not hosted here", status=404)
    if not referral.decision.permitted:
        raise ReferralRefused("a step up passes only on a permit")
    if (kept := ReferralCopy.objects.filter(uid=referral.uid).first()) is not None:
        return kept, False
    try:
        with transaction.atomic():
            copy = _keep(referral, by=by)
    except IntegrityError:  # the same referral, kept a moment ago by another request
        return ReferralCopy.objects.get(uid=referral.uid), False
    return copy, True


def _keep(referral: Referral, *, by: Actor) -> ReferralCopy:
    copy = ReferralCopy.objects.create(
        uid=referral.uid,
        received_by=referral.received_by,
        child_ref=referral.child_ref,
        from_agency=referral.from_agency,
        from_agency_name=referral.from_agency_name,
        referred_by=by.username,
        referred_by_name=by.name,
        reason=referral.reason,
        referred_on=referral.referred_on,
        version_number=referral.version_number,
        content=referral.content,
    )
    record_disclosure(
        decision=referral.decision,
        child_ref=copy.child_ref,
        category=CATEGORY,
        purpose=PURPOSE,
        requester=Requester("", "", referral.received_by),
        holder=copy.from_agency,
        end=settings.FAME_NODE_NAME,
        request_ref="caf.step_up",
        data_items=("caf",),
        by=None,
        organisation=referral.received_by,
        audit=False,  # the receipt below is the audit
    )
    record_event(
        "node.caf_referral_received",
        organisation=referral.received_by,
        target=f"referral:{referral.uid.hex}",
        details={
            "from": copy.from_agency,
            "by": copy.referred_by,
            "version": copy.version_number,
            "decision_id": referral.decision.decision_id,
        },
    )
    return copy
