"""Services the rest of FAME names: where a service's page is, and which listed service an
agency's involvement with a child is.

The CAF (its budget and its team's actions) and the Child Index's involvement list
name a directory service by its Open Referral UK id and link to its page; this module
is their one home for both, so that no other app reads the directory's tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from .models import Service

__all__ = ["NamedService", "involved_services", "service_url"]


def service_url(service_id: str) -> str:
    """The service's page in the directory."""
    try:
        return reverse("directory:service", args=[service_id])
    except NoReverseMatch:
        return f"/directory/services/{service_id}"


@dataclass(frozen=True)
class NamedService:
    id: str
    name: str

    @property
    def url(self) -> str:
        return service_url(self.id)


def _key(words: str) -> str:
    return " ".join(words.casefold().split())


def involved_services(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], NamedService]:
    """For each (organisation name, service) an involvement names, the directory's service of
    that organisation with that name (or, failing that, the only one whose name contains it).

    Pairs the directory does not list are left out: most involvements are an agency's own
    work (a class, a caseload) rather than a service anyone could be referred to.
    """
    wanted = {(_key(org), _key(service)): (org, service) for org, service in pairs}
    if not wanted:
        return {}
    organisations = {org for org, _ in wanted}
    named = Q()
    for org, _ in wanted.values():
        named |= Q(organization__name__iexact=org.strip())
    listed: dict[str, list[Service]] = {}
    for service in (
        Service.objects.exclude(status=Service.Status.DEFUNCT)
        .filter(named)
        .select_related("organization")
        .order_by("name")
    ):
        org = _key(service.organization.name)  # type: ignore[union-attr]
        if org in organisations:
            listed.setdefault(org, []).append(service)
    found: dict[tuple[str, str], NamedService] = {}
    for (org, name), asked in wanted.items():
        candidates = listed.get(org, [])
        exact = [s for s in candidates if _key(s.name) == name]
        near = exact or [s for s in candidates if name and name in _key(s.name)]
        if len(near) == 1 or exact:
            found[asked] = NamedService(near[0].id, near[0].name)
    return found
