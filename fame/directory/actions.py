"""Keeping the directory current: adding and changing an entry, and marking it checked.

Each is one transaction that also records who did it and when (``ServiceChange``, shown on
the entry's page, and the audit log). Saving a change counts as checking the entry: the editor
has just looked at all of it. The standard's ``assured_date`` and ``assurer_email`` say the
same to directories that feed from ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from fame.accounts.models import User
from fame.audit import record_event

from .forms import ROUTE_LINK
from .models import (
    Contact,
    Schedule,
    Service,
    ServiceChange,
    ServiceTerm,
    TaxonomyTerm,
    new_id,
)


@dataclass(frozen=True)
class Entry:
    """What an editor says about a service (the fields of ``ServiceForm``)."""

    name: str
    description: str
    status: str
    needs: tuple[str, ...]
    minimum_age: int | None = None
    maximum_age: int | None = None
    when: str = ""
    fees: str = ""
    email: str = ""
    phone: str = ""
    url: str = ""


def _checked(service: Service, by: User, today: date) -> None:
    service.last_checked_on = today
    service.assured_date = today
    service.assurer_email = (by.email or "")[:300]


def save_entry(*, entry: Entry, by: User, service: Service | None = None) -> Service:
    """Add a service (``service`` None) or change one; either way it is checked today."""
    today = timezone.localdate()
    with transaction.atomic():
        created = service is None
        service = service or Service()
        for name in ("name", "description", "status", "fees", "email", "url"):
            setattr(service, name, getattr(entry, name))
        service.minimum_age = entry.minimum_age
        service.maximum_age = entry.maximum_age
        service.last_modified = timezone.now()
        _checked(service, by, today)
        service.save()
        _keep_needs(service, entry.needs)
        _keep_when(service, entry.when)
        _keep_phone(service, entry.phone)
        kind = ServiceChange.Kind.CREATED if created else ServiceChange.Kind.CHANGED
        ServiceChange.objects.create(service=service, kind=kind, by=by)
        record_event(
            f"directory.{kind}",
            actor=by,
            target=f"service:{service.id}",
            details={"name": service.name},
        )
    return service


def mark_checked(*, service: Service, by: User) -> None:
    """The editor confirms the entry is still right."""
    with transaction.atomic():
        _checked(service, by, timezone.localdate())
        service.save(update_fields=["last_checked_on", "assured_date", "assurer_email"])
        ServiceChange.objects.create(service=service, kind=ServiceChange.Kind.CHECKED, by=by)
        record_event("directory.checked", actor=by, target=f"service:{service.id}")


def _keep_needs(service: Service, needs: tuple[str, ...]) -> None:
    """The service's needs become ``needs``; its referral routes and other links stay."""
    have = {link.term_id: link for link in service.attributes.exclude(link_type=ROUTE_LINK)}
    for term_id, link in have.items():
        if term_id not in needs:
            link.delete()
    for position, term in enumerate(TaxonomyTerm.objects.filter(id__in=needs)):
        if term.id not in have:
            ServiceTerm.objects.create(
                service=service, term=term, link_type="need", position=100 + position
            )


def _keep_when(service: Service, when: str) -> None:
    first = service.schedules.first()
    if first is None and when:
        Schedule.objects.create(service=service, description=when)
    elif first is not None and first.description != when:
        first.description = when
        first.save(update_fields=["description"])


def _keep_phone(service: Service, phone: str) -> None:
    """The first contact's first phone number (the standard keeps phones on contacts)."""
    contact = service.contacts.first()
    if contact is None:
        if not phone:
            return
        contact = Contact.objects.create(service=service, name="Referrals")
    phones = list(contact.extra.get("phones") or [])
    if phones and isinstance(phones[0], dict):
        if phones[0].get("number") == phone:
            return
        phones[0] = {**phones[0], "number": phone}
    elif phone:
        phones = [{"id": new_id(), "number": phone}]
    phones = [p for p in phones if not isinstance(p, dict) or p.get("number")]
    contact.extra = {**contact.extra, "phones": phones}
    contact.save(update_fields=["extra"])
