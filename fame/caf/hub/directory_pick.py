"""Picking a service from the directory for a CAF: a search box, and the service picked.

A CAF's budget commissions, and a team action names, a service as the directory
knows it: by its Open Referral UK id, with its name as it was when picked (the
directory may rename it later; the CAF keeps what was agreed). The search is the
directory's own (``fame.directory.search``). A picked id is always looked up again
here, never taken from the form, so nobody can commission a service the directory does
not list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from fame.directory.models import Service
from fame.directory.named import service_url
from fame.directory.search import Filters, services

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
    """Services open for referral: active, or only closed for a while."""
    return Service.objects.filter(status__in=Service.OFFERED)


def search_services(words: str) -> list[PickedService]:
    """Services open for referral that have every word (in their name, description, needs or
    organisation), found as the directory's own search finds them."""
    if not words.split():
        return []
    found = services(Filters(keyword=" ".join(words.split()[:8]), active_only=True))
    return [_picked(s) for s in found.select_related("organization")[:SHOWN]]


def find_service(service_id: str) -> PickedService | None:
    """The service the directory lists under ``service_id`` (None if it lists none, or it is
    no longer offered)."""
    service = _offered().select_related("organization").filter(pk=service_id[:64]).first()
    return _picked(service) if service is not None else None
