"""Writes to the sharing registers: keyword-only, ``by=`` the actor, audited in one transaction.

Who may call them (ISA officers for protocols, practitioners for consents) is
for the view to ask through the permissions door; these functions record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import Enum
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from fame.accounts.models import Organisation, User
from fame.audit import record_event

from ._facts import Decision
from ._vocabulary import ALL_ORGANISATIONS
from .models import Consent, Protocol, ProtocolVersion


def _known_agencies(agency_ids: Iterable[str], field: str) -> None:
    wanted = {agency_id for agency_id in agency_ids if agency_id != ALL_ORGANISATIONS}
    known = set(
        Organisation.objects.filter(agency_id__in=wanted).values_list("agency_id", flat=True)
    )
    unknown = sorted(wanted - known)
    if unknown:
        raise ValidationError({field: f"No organisation has the agency ID {', '.join(unknown)}."})


def _version_details(version: ProtocolVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "parties": list(version.parties),
        "purposes": list(version.purposes),
        "data_categories": list(version.data_categories),
        "in_force_from": version.in_force_from.isoformat(),
        "in_force_to": version.in_force_to.isoformat() if version.in_force_to else None,
    }


def create_protocol(
    *,
    reference: str,
    title: str,
    scope: str,
    parties: Iterable[str],
    purposes: Iterable[str],
    data_categories: Iterable[str],
    lawful_basis: str,
    in_force_from: date,
    in_force_to: date | None = None,
    by: User,
) -> Protocol:
    """Register a protocol with its first version."""
    with transaction.atomic():
        protocol = Protocol(reference=reference, title=title, scope=scope, created_by=by)
        protocol.full_clean()
        protocol.save()
        version = _add_version(
            protocol=protocol,
            number=1,
            parties=list(parties),
            purposes=list(purposes),
            data_categories=list(data_categories),
            lawful_basis=lawful_basis,
            in_force_from=in_force_from,
            in_force_to=in_force_to,
            change_note="First version.",
            by=by,
        )
        record_event(
            "sharing.protocol_created",
            actor=by,
            target=f"protocol:{protocol.reference}",
            details={"title": title, "scope": scope, **_version_details(version)},
        )
    return protocol


class Keep(Enum):
    """Marks a protocol version's end date as carried over from the current version."""

    END_DATE = "keep"


def new_protocol_version(
    *,
    protocol: Protocol,
    parties: Iterable[str] | None = None,
    purposes: Iterable[str] | None = None,
    data_categories: Iterable[str] | None = None,
    lawful_basis: str | None = None,
    in_force_from: date | None = None,
    in_force_to: date | Literal[Keep.END_DATE] | None = Keep.END_DATE,
    change_note: str = "",
    by: User,
) -> ProtocolVersion:
    """Add a version; what is not given (None) is carried over from the current version.

    ``in_force_to`` is carried over unless given; ``in_force_to=None`` makes it open-ended.
    """
    with transaction.atomic():
        Protocol.objects.select_for_update().get(pk=protocol.pk)
        current = protocol.current_version()
        version = _add_version(
            protocol=protocol,
            number=current.number + 1,
            parties=list(parties if parties is not None else current.parties),
            purposes=list(purposes if purposes is not None else current.purposes),
            data_categories=list(
                data_categories if data_categories is not None else current.data_categories
            ),
            lawful_basis=lawful_basis if lawful_basis is not None else current.lawful_basis,
            in_force_from=in_force_from if in_force_from is not None else current.in_force_from,
            in_force_to=current.in_force_to if in_force_to is Keep.END_DATE else in_force_to,
            change_note=change_note,
            by=by,
        )
        record_event(
            "sharing.protocol_version_added",
            actor=by,
            target=f"protocol:{protocol.reference}",
            details={"change_note": change_note, **_version_details(version)},
        )
    return version


def _add_version(*, protocol: Protocol, number: int, by: User, **fields: Any) -> ProtocolVersion:
    version = ProtocolVersion(protocol=protocol, number=number, recorded_by=by, **fields)
    version.full_clean()
    _known_agencies(version.parties, "parties")
    version.save()
    return version


def record_consent(
    *,
    child_ref: str,
    grantor: str,
    decision: str,
    organisations: Iterable[str],
    purposes: Iterable[str],
    data_categories: Iterable[str],
    in_force_from: date,
    in_force_to: date | None = None,
    recorded_how: str,
    by: User,
) -> Consent:
    """Record a consent decision given by the child, a parent or a carer."""
    with transaction.atomic():
        consent = Consent(
            child_ref=child_ref,
            grantor=grantor,
            decision=decision,
            organisations=list(organisations),
            purposes=list(purposes),
            data_categories=list(data_categories),
            in_force_from=in_force_from,
            in_force_to=in_force_to,
            recorded_how=recorded_how,
            recorded_by=by,
        )
        consent.full_clean()
        _known_agencies(consent.organisations, "organisations")
        consent.save()
        record_event(
            "sharing.consent_recorded",
            actor=by,
            target=f"consent:{consent.pk}",
            details={
                "child": child_ref,
                "grantor": grantor,
                "decision": decision,
                "organisations": consent.organisations,
                "purposes": consent.purposes,
                "data_categories": consent.data_categories,
                "in_force_from": in_force_from.isoformat(),
                "in_force_to": in_force_to.isoformat() if in_force_to else None,
                "recorded_how": recorded_how,
            },
        )
    return consent


def withdraw_consent(*, consent: Consent, by: User) -> Consent:
    """Withdraw a consent. It stops being in force at once: from today."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn:
            raise ValidationError("This consent was already withdrawn.")
        now = timezone.now()
        consent.withdrawn_on = timezone.localdate(now)
        consent.withdrawn_at = now
        consent.withdrawn_by = by
        consent.save(update_fields=["withdrawn_on", "withdrawn_at", "withdrawn_by"])
        record_event(
            "sharing.consent_withdrawn",
            actor=by,
            target=f"consent:{consent.pk}",
            details={"child": consent.child_ref, "withdrawn_on": consent.withdrawn_on.isoformat()},
        )
    return consent


def record_decision(
    *,
    decision: Decision,
    child_ref: str,
    holder: str,
    purpose: str,
    category: str,
    override_reason: str | None = None,
    override_authorised_by: User | None = None,
    by: User,
    request: HttpRequest | None = None,
) -> None:
    """Put a sharing decision in the audit log: who asked what, the answer and why."""
    details: dict[str, Any] = {
        "decision_id": decision.decision_id,
        "child": child_ref,
        "holder": holder,
        "purpose": purpose,
        "category": category,
        "decision": decision.decision,
        "policies": list(decision.policies),
        "reasons": list(decision.reasons),
    }
    if override_authorised_by is not None or (override_reason or "").strip():
        details["override_reason"] = (override_reason or "").strip()
        details["override_authorised_by"] = (
            override_authorised_by.get_username() if override_authorised_by else ""
        )
    record_event(
        "sharing.decision",
        actor=by,
        target=f"child:{child_ref}",
        outcome="success" if decision.permitted else "refused",
        details=details,
        request=request,
    )
