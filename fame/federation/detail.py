"""Detail requests at the hub: a practitioner asks an agency for more; the holding node decides.

The hub signs the request and adds a user assertion (who, role, organisation,
purpose, child, consent or override) and the facts from its registers (the
requester's standing, protocols, the child's consents and shield) for the
holding node, which decides each category with the sharing policy decision
point and answers. Both ends keep a disclosure record of every decision, with
the same decision id; both audit it. A node
that is down or slow gets ~1.5 s (its circuit breaker then answers at once),
so the practitioner's page answers within 2 s, naming the agency that did not
respond; they can try again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from fame.accounts.facilitated import ActingAs
from fame.accounts.models import Organisation, User
from fame.audit import record_event
from fame.index.models import Person, SourceRecord
from fame.sharing import Decision, Grounds, Requester, record_disclosure

from ._assertions import issue_assertion
from .actions import note_contact, note_failure
from .client import NoResponse, federation_client
from .facts import asserted, signed_facts
from .keys import private_key
from .models import DetailRequest, DetailRequestStatus
from .queries import node_for_agency

DETAIL_PATH = "/federation/v1/node/detail-requests"
HUB_KEY_ID = "hub"


def ask_for_detail(
    *,
    person: Person,
    agency: Organisation,
    by: User,
    mfa: bool,
    purpose: str,
    categories: list[str],
    note: str = "",
    consent_reference: str = "",
    override_reason: str = "",
    override_authoriser: User | None = None,
    override_confirmed: bool = False,
    family_told: bool | None = None,
    family_not_told_reason: str = "",
    on_behalf_of: dict[str, Any] | None = None,
) -> DetailRequest:
    """Record a practitioner's request for more information, audit it, and send it.

    ``mfa`` is whether ``by`` used their second factor in this session;
    ``override_confirmed`` whether the override's authoriser confirmed it with
    their own one-time code; ``on_behalf_of`` names the practitioner without an
    account an ISA officer is asking for (facilitated access).
    """
    with transaction.atomic():
        detail = DetailRequest.objects.create(
            person=person,
            agency=agency,
            requested_by=by,
            purpose=purpose,
            categories=categories,
            note=note,
            consent_reference=consent_reference,
            override_reason=override_reason.strip(),
            override_authoriser=override_authoriser.get_username() if override_authoriser else "",
            override_confirmed=override_confirmed,
            family_told=family_told,
            family_not_told_reason=family_not_told_reason.strip(),
            on_behalf_of=on_behalf_of or {},
        )
        details: dict[str, Any] = {
            "request": str(detail.uid),
            "agency": agency.agency_id,
            "purpose": purpose,
            "categories": categories,
            "consent_reference": consent_reference,
            "override_reason": detail.override_reason,
            "override_authoriser": detail.override_authoriser,
        }
        if detail.on_behalf_of:
            details["on_behalf_of"] = detail.on_behalf_of
        record_event(
            "federation.detail_requested",
            actor=by,
            target=f"person:{person.uid}",
            details=details,
        )
    return send_detail_request(detail=detail, by=by, mfa=mfa)


def _answer(
    detail: DetailRequest,
    *,
    status: str,
    reasons: list[str],
    decisions: list[dict[str, Any]],
    information: dict[str, Any],
) -> None:
    detail.status = status
    detail.reasons = reasons
    detail.decisions = decisions
    detail.information = information
    detail.attempts += 1
    detail.answered_at = timezone.now() if status != DetailRequestStatus.NO_RESPONSE else None
    detail.save(
        update_fields=["status", "reasons", "decisions", "information", "attempts", "answered_at"]
    )


def send_detail_request(*, detail: DetailRequest, by: User, mfa: bool) -> DetailRequest:
    """Send (or send again) ``detail`` to the node holding the agency's record; keep the answer.

    The facts go with it as they stand now, so a retry after a consent was
    withdrawn is refused.
    """
    agency = detail.agency
    node = node_for_agency(agency.agency_id)
    source = SourceRecord.objects.filter(person=detail.person, organisation=agency).first()
    answer = Answer(DetailRequestStatus.NO_RESPONSE, [])
    if node is None:
        answer.reasons = [f"{agency.name} is not connected yet."]
    elif source is None:
        answer.status = DetailRequestStatus.REFUSED
        answer.reasons = [f"The index holds no record of this child from {agency.name}."]
    else:
        answer = _forward(detail, node=node, source=source, by=by, mfa=mfa)
    with transaction.atomic():
        _answer(
            detail,
            status=answer.status,
            reasons=answer.reasons,
            decisions=answer.decisions,
            information=answer.information,
        )
        for decided in answer.decisions:
            _record_at_hub(detail, decided, by=by)
        record_event(
            "federation.detail_answered",
            actor=by,
            target=f"person:{detail.person.uid}",
            outcome="refused" if answer.status == DetailRequestStatus.REFUSED else "success",
            details={
                "request": str(detail.uid),
                "agency": agency.agency_id,
                "node": node.name if node else "",
                "status": answer.status,
                "reasons": answer.reasons,
                "decisions": [d["decision_id"] for d in answer.decisions],
            },
        )
    return detail


@dataclass
class Answer:
    status: str
    reasons: list[str]
    decisions: list[dict[str, Any]] = field(default_factory=list)
    information: dict[str, Any] = field(default_factory=dict)


def _record_at_hub(detail: DetailRequest, decided: dict[str, Any], *, by: User) -> None:
    """The hub's own disclosure record of the node's decision (the same decision id)."""
    decision = Decision(
        decision="permit" if decided["decision"] == "permit" else "deny",
        policies=list(decided["policies"]),
        reasons=list(decided["reasons"]),
        decision_id=decided["decision_id"],
        grounds=Grounds(decided["lawful_basis"], decided["protocol"], tuple(decided["consents"])),
    )
    record_disclosure(
        decision=decision,
        child_ref=str(detail.person.uid),
        category=decided["category"],
        purpose=detail.purpose,
        requester=Requester.of(detail.requested_by, on_behalf_of=detail.on_behalf_of),
        holder=detail.agency.agency_id,
        request_ref=detail.uid.hex,
        data_items=decided["items"],
        override_reason=detail.override_reason,
        override_authoriser=detail.override_authoriser,
        told=detail.family_told,
        why_not_told=detail.family_not_told_reason,
        by=by,
    )


def _asking(detail: DetailRequest) -> ActingAs:
    """Whose standing the request is decided on: the practitioner's, or during facilitated
    access the practitioner's the officer asked for (kept with the request, so a retry is
    decided on the same)."""
    return ActingAs.of(detail.requested_by, detail.on_behalf_of)


def facts_document(detail: DetailRequest, *, child: str, mfa: bool) -> dict[str, Any]:
    """The facts the holding node decides on, from the hub's registers as they stand now."""
    authoriser = (
        User.objects.filter(username=detail.override_authoriser).first()
        if detail.override_authoriser
        else None
    )
    return signed_facts(
        user=_asking(detail),
        person=detail.person,
        holder=detail.agency.agency_id,
        child=child,
        purpose=detail.purpose,
        categories=detail.categories,
        mfa=mfa,
        override_reason=detail.override_reason,
        authoriser=authoriser,
        authoriser_mfa=detail.override_confirmed,
    )


def _decisions(data: Any, categories: list[str]) -> list[dict[str, Any]] | None:
    """The node's per-category decisions, checked; None when they do not answer the request."""
    if not isinstance(data, list):
        return None
    texts = ("category", "decision", "decision_id", "lawful_basis", "protocol")
    lists = ("policies", "reasons", "consents", "items")
    found = []
    for item in data:
        if not isinstance(item, dict):
            return None
        if not all(isinstance(item.get(k), str) for k in texts):
            return None
        if not all(
            isinstance(item.get(k), list) and all(isinstance(v, str) for v in item[k])
            for k in lists
        ):
            return None
        if item["decision"] not in {"permit", "deny"}:
            return None
        found.append({k: item[k] for k in (*texts, *lists)})
    if sorted(d["category"] for d in found) != sorted(categories):
        return None
    return found


def _forward(
    detail: DetailRequest, *, node: Any, source: SourceRecord, by: User, mfa: bool
) -> Answer:
    agency = detail.agency
    child = f"{agency.agency_id}:{source.local_id}"
    assertion = issue_assertion(
        **asserted(_asking(detail)),
        purpose=detail.purpose,
        child=child,
        audience=node.name,
        private_key=private_key(),
        consent_reference=detail.consent_reference,
        override_reason=detail.override_reason,
        override_authoriser=detail.override_authoriser,
    )
    payload = {
        "request_id": detail.uid.hex,
        "agency_id": agency.agency_id,
        "local_id": source.local_id,
        "purpose": detail.purpose,
        "categories": detail.categories,
        "note": detail.note,
        "family_told": detail.family_told,
        "family_not_told_reason": detail.family_not_told_reason,
        "facts": facts_document(detail, child=child, mfa=mfa),
    }
    try:
        response = federation_client().post(
            node.base_url,
            DETAIL_PATH,
            payload,
            key_id=HUB_KEY_ID,
            peer=node.name,
            assertion=assertion,
        )
    except NoResponse as silent:
        note_failure(node, f"detail request: {silent.reason}")
        return Answer(DetailRequestStatus.NO_RESPONSE, [f"{agency.name} did not respond."])
    decisions = _decisions(response.data.get("decisions"), detail.categories)
    information = response.data.get("information")
    if response.ok and decisions is not None and isinstance(information, dict):
        note_contact(node)
        permitted = [d for d in decisions if d["decision"] == "permit"]
        status = (
            DetailRequestStatus.REFUSED
            if not permitted
            else DetailRequestStatus.RELEASED
            if len(permitted) == len(decisions)
            else DetailRequestStatus.PARTLY_RELEASED
        )
        reasons = [reason for d in decisions for reason in d["reasons"]]
        released = {c: v for c, v in information.items() if c in {d["category"] for d in permitted}}
        return Answer(status, reasons, decisions, released)
    note_failure(node, f"detail request: answered {response.status}")
    return Answer(
        DetailRequestStatus.NO_RESPONSE,
        [f"{agency.name} could not answer ({response.data.get('reason', response.status)})."],
    )
