"""Writes to the sharing registers: keyword-only, ``by=`` the actor, audited in one transaction.

Who may call them (ISA officers for protocols, practitioners for consents) is
for the view to ask through the permissions door; these functions record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
from ._vocabulary import ALL_ORGANISATIONS, DISCLOSURE_RETENTION_YEARS, FamilyTold
from .models import Consent, Disclosure, Protocol, ProtocolVersion


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


@dataclass(frozen=True)
class Requester:
    """Who asked: the signed-in practitioner, or the person named in a user assertion.

    ``on_behalf_of`` names the practitioner without an account an ISA officer
    asked for (facilitated access): both identities go in the record.
    """

    username: str
    name: str
    organisation: str
    on_behalf_of: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, user: User, on_behalf_of: dict[str, Any] | None = None) -> Requester:
        organisation = user.organisation.agency_id if user.organisation else ""
        return cls(user.get_username(), user.display_name, organisation, on_behalf_of or {})


def family_told(decision: Decision, *, told: bool | None, why_not: str = "") -> tuple[str, str]:
    """Golden rule 7: whether the family was told, or why not, as the record keeps it.

    ``told`` is what the practitioner said (None when they were not asked):
    nothing needs telling for a refusal, and a share that rests on consent or on
    the statutory basis is one the family's report lists.
    """
    if not decision.permitted:
        return FamilyTold.NOT_APPLICABLE, "Nothing was shared."
    if told is True:
        return FamilyTold.YES, ""
    if told is False:
        return FamilyTold.NO, why_not.strip() or "No reason was given."
    if decision.grounds and decision.grounds.consents:
        return FamilyTold.YES, ""
    return (
        FamilyTold.NOT_APPLICABLE,
        "Shared on a statutory basis; the family's report lists who saw the record.",
    )


def record_disclosure(
    *,
    decision: Decision,
    child_ref: str,
    category: str,
    purpose: str,
    requester: Requester,
    holder: str,
    end: str = "hub",
    request_ref: str = "",
    data_items: Iterable[str] = (),
    holding_practitioner: str = "",
    override_reason: str = "",
    override_authoriser: str = "",
    told: bool | None = None,
    why_not_told: str = "",
    by: User | None,
    organisation: str | None = None,
    request: HttpRequest | None = None,
    audit: bool = True,
) -> Disclosure:
    """Record one sharing decision, share or refuse, and audit it, in one transaction.

    ``end`` is ``hub`` or the recording node's name; ``by`` the signed-in user
    where there is one; a node, which has no signed-in user, names the holding
    ``organisation`` for the audit event instead. ``audit=False`` when the
    caller's own audit event names the decision (a record page view).
    """
    with transaction.atomic():
        disclosure = _disclosure_row(
            decision,
            child_ref,
            holder,
            requester,
            data_items=data_items,
            told=(told, why_not_told),
            category=category,
            purpose=purpose,
            recorded_at_end=end,
            request_ref=request_ref,
            holding_practitioner=holding_practitioner,
            override_reason=override_reason.strip(),
            override_authoriser=override_authoriser,
        )
        disclosure.save()
        details: dict[str, Any] = {
            "disclosure": disclosure.pk,
            "decision_id": decision.decision_id,
            "end": end,
            "child": child_ref,
            "holder": holder,
            "purpose": purpose,
            "category": category,
            "decision": decision.decision,
            "policies": list(decision.policies),
            "requester": requester.username,
            "requester_organisation": requester.organisation,
        }
        if request_ref:
            details["request"] = request_ref
        if requester.on_behalf_of:
            details["on_behalf_of"] = dict(requester.on_behalf_of)
        if override_reason.strip():
            details["override_reason"] = override_reason.strip()
            details["override_authorised_by"] = override_authoriser
        if not audit:
            return disclosure
        record_event(
            "sharing.disclosure",
            actor=by,
            organisation=organisation,
            target=f"child:{child_ref}",
            outcome="success" if decision.permitted else "refused",
            details=details,
            request=request,
        )
    return disclosure


def _disclosure_row(
    decision: Decision,
    child_ref: str,
    holder: str,
    requester: Requester,
    *,
    data_items: Iterable[str],
    told: tuple[bool | None, str] = (None, ""),
    **fields: str,
) -> Disclosure:
    """The disclosure record of one decision, not yet saved; ``fields`` are the record's
    own (category, purpose, recorded_at_end, request_ref, ...); ``told`` what the
    practitioner said of telling the family, and why not."""
    grounds = decision.grounds
    told_code, told_why = family_told(decision, told=told[0], why_not=told[1])
    return Disclosure(
        decision_id=decision.decision_id,
        decision=decision.decision,
        policies=list(decision.policies),
        reasons=list(decision.reasons),
        child_ref=child_ref,
        data_items=list(data_items) if decision.permitted else [],
        lawful_basis=grounds.lawful_basis if grounds else "",
        protocol=grounds.protocol if grounds else "",
        consent_references=list(grounds.consents) if grounds else [],
        requester=requester.username,
        requester_name=requester.name,
        requester_organisation=requester.organisation,
        on_behalf_of=requester.on_behalf_of,
        holder_organisation=holder,
        family_told=told_code,
        family_not_told_reason=told_why,
        retain_until=_retention_end(timezone.localdate()),
        **fields,
    )


def record_disclosures(
    decisions: Mapping[str, tuple[Decision, str]],
    *,
    category: str,
    purpose: str,
    requester: Requester,
    request_ref: str,
    data_items: Iterable[str] = (),
) -> list[Disclosure]:
    """``record_disclosure(..., audit=False)`` for many children at once (child ref ->
    (decision, holding agency)), in one insert: for a page that decides about many
    children, whose own audit event names each decision (search results)."""
    items = tuple(data_items)
    return Disclosure.objects.bulk_create(
        [
            _disclosure_row(
                decision,
                child_ref,
                holder,
                requester,
                data_items=items,
                category=category,
                purpose=purpose,
                recorded_at_end="hub",
                request_ref=request_ref,
            )
            for child_ref, (decision, holder) in decisions.items()
        ]
    )


def _retention_end(day: date) -> date:
    try:
        return day.replace(year=day.year + DISCLOSURE_RETENTION_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + DISCLOSURE_RETENTION_YEARS, day=28)
