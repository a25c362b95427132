"""Detail requests at the hub: a practitioner asks an agency for more; the holding node decides.

The hub signs the request and adds a user assertion (who, role, organisation,
purpose, child, consent or override) for the holding node, which decides and
answers. Both ends keep the request and the decision; both audit it. A node
that is down or slow gets ~1.5 s (its circuit breaker then answers at once),
so the practitioner's page answers within 2 s, naming the agency that did not
respond; they can try again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from fame.accounts.models import Organisation, User
from fame.audit import record_event
from fame.index.models import Person, SourceRecord

from ._assertions import issue_assertion
from .actions import note_contact, note_failure
from .client import NoResponse, federation_client
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
    purpose: str,
    categories: list[str],
    note: str = "",
    consent_reference: str = "",
    override_reason: str = "",
    override_authoriser: str = "",
) -> DetailRequest:
    """Record a practitioner's request for more information, audit it, and send it."""
    with transaction.atomic():
        detail = DetailRequest.objects.create(
            person=person,
            agency=agency,
            requested_by=by,
            purpose=purpose,
            categories=categories,
            note=note,
            consent_reference=consent_reference,
            override_reason=override_reason,
            override_authoriser=override_authoriser,
        )
        record_event(
            "federation.detail_requested",
            actor=by,
            target=f"person:{person.uid}",
            details={
                "request": str(detail.uid),
                "agency": agency.agency_id,
                "purpose": purpose,
                "categories": categories,
                "consent_reference": consent_reference,
                "override_reason": override_reason,
                "override_authoriser": override_authoriser,
            },
        )
    return send_detail_request(detail=detail, by=by)


def _answer(
    detail: DetailRequest, *, status: str, reasons: list[str], information: dict[str, Any]
) -> None:
    detail.status = status
    detail.reasons = reasons
    detail.information = information
    detail.attempts += 1
    detail.answered_at = timezone.now() if status != DetailRequestStatus.NO_RESPONSE else None
    detail.save(update_fields=["status", "reasons", "information", "attempts", "answered_at"])


def send_detail_request(*, detail: DetailRequest, by: User) -> DetailRequest:
    """Send (or send again) ``detail`` to the node holding the agency's record; keep the answer."""
    agency = detail.agency
    node = node_for_agency(agency.agency_id)
    source = SourceRecord.objects.filter(person=detail.person, organisation=agency).first()
    information: dict[str, Any] = {}
    status: str
    if node is None:
        status, reasons = DetailRequestStatus.NO_RESPONSE, [f"{agency.name} is not connected yet."]
    elif source is None:
        status = DetailRequestStatus.REFUSED
        reasons = [f"The index holds no record of this child from {agency.name}."]
    else:
        status, reasons, information = _forward(detail, node=node, source=source, by=by)
    with transaction.atomic():
        _answer(detail, status=status, reasons=reasons, information=information)
        record_event(
            "federation.detail_answered",
            actor=by,
            target=f"person:{detail.person.uid}",
            outcome="success" if status == DetailRequestStatus.RELEASED else "refused",
            details={
                "request": str(detail.uid),
                "agency": agency.agency_id,
                "node": node.name if node else "",
                "status": status,
                "reasons": reasons,
            },
        )
    return detail


def _forward(
    detail: DetailRequest, *, node: Any, source: SourceRecord, by: User
) -> tuple[str, list[str], dict[str, Any]]:
    agency = detail.agency
    child = f"{agency.agency_id}:{source.local_id}"
    assertion = issue_assertion(
        subject=by.username,
        name=by.display_name,
        organisation=by.organisation.agency_id if by.organisation else "",
        roles=list(by.roles),
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
        return DetailRequestStatus.NO_RESPONSE, [f"{agency.name} did not respond."], {}
    decision = response.data.get("decision")
    reasons = [str(r) for r in response.data.get("reasons", []) if isinstance(r, str)]
    if response.ok and decision in {DetailRequestStatus.RELEASED, DetailRequestStatus.REFUSED}:
        note_contact(node)
        information = response.data.get("information") or {}
        return str(decision), reasons, information if isinstance(information, dict) else {}
    note_failure(node, f"detail request: answered {response.status}")
    return (
        DetailRequestStatus.NO_RESPONSE,
        [f"{agency.name} could not answer ({response.data.get('reason', response.status)})."],
        {},
    )
