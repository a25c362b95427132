"""Picking a service from the directory for a CAF: a search box, and the service picked.

A CAF's budget commissions, and a team action names, a service as the directory
knows it: by its Open Referral UK id, with its name as it was when picked (the
directory may rename it later; the CAF keeps what was agreed). A picked id is
always looked up again here, never taken from the form, so nobody can commission
a service the directory does not list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from fame.directory.models import Service
from fame.directory.named import service_url

__all__ = ["PickedService", "find_service", "search_services", "service_url"]

SHOWN = 20
"""At most this many services answer one search: enough to choose from, short to read."""


@dataclass(frozen=True)
class PickedService:
    """A directory service as a CAF refers to it."""

    id: str
    name: str
    organisation: str
    description: str = ""

    @property
    def url(self) -> str:
        return service_url(self.id)


def _picked(service: Service) -> PickedService:
    return PickedService(
        id=service.id,
        name=service.name,
        organisation=service.organization.name if service.organization else "",
        description=service.description,
    )


def _offered() -> QuerySet[Service]:
    return Service.objects.exclude(status__in=[Service.Status.DEFUNCT, Service.Status.INACTIVE])


def search_services(words: str) -> list[PickedService]:
    """Services open for referral whose name, description or organisation has every word."""
    found = _offered()
    terms = words.split()
    if not terms:
        return []
    for term in terms[:8]:
        found = found.filter(
            Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(organization__name__icontains=term)
        )
    return [_picked(s) for s in found.select_related("organization").order_by("name")[:SHOWN]]


def find_service(service_id: str) -> PickedService | None:
    """The service the directory lists under ``service_id`` (None if it lists none, or it is
    no longer offered)."""
    service = _offered().select_related("organization").filter(pk=service_id[:64]).first()
    return _picked(service) if service is not None else None
