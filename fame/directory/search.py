"""Finding services: by need (taxonomy term), keyword, a child's age, when, and distance from
a postcode. The search page and the API both ask here, so they find the same services.

Distance is measured in Python after a bounding box in the database has kept only the
locations that could be near enough: a directory of a few thousand services answers at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import time

from django.db.models import Q, QuerySet

from .models import Location, Service, ServiceAtLocation
from .postcodes import EARTH_RADIUS_KM, haversine_km

#: The days as the standard's schedules write them (iCalendar BYDAY).
DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}


@dataclass(frozen=True)
class Filters:
    """What a search asks for; every part is optional."""

    keyword: str = ""
    term_ids: tuple[str, ...] = ()
    taxonomy_id: str = ""
    age: float | None = None  # a child of this age may use the service
    minimum_age: float | None = None  # the standard's filters, as its API names them
    maximum_age: float | None = None
    day: str = ""
    start_time: time | None = None
    end_time: time | None = None
    organization_id: str = ""
    active_only: bool = False


def services(filters: Filters) -> QuerySet[Service]:
    """The services that meet ``filters``, by name."""
    found = Service.objects.all()
    if filters.active_only:
        found = found.filter(status__in=Service.OFFERED)
    for word in filters.keyword.split():
        found = found.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(terms__name__icontains=word)
            | Q(organization__name__icontains=word)
        )
    if filters.term_ids:
        found = found.filter(terms__id__in=filters.term_ids)
    if filters.taxonomy_id:
        found = found.filter(terms__taxonomy_id=filters.taxonomy_id)
    if filters.age is not None:
        found = found.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=filters.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=filters.age),
        )
    if filters.minimum_age is not None:
        found = found.filter(minimum_age__gte=filters.minimum_age)
    if filters.maximum_age is not None:
        found = found.filter(maximum_age__lte=filters.maximum_age)
    if filters.day:
        found = found.filter(schedules__byday__icontains=filters.day.upper()[:2])
    if filters.start_time is not None:
        found = found.filter(schedules__opens_at__gte=filters.start_time.strftime("%H:%M"))
    if filters.end_time is not None:
        found = found.filter(schedules__closes_at__lte=filters.end_time.strftime("%H:%M:%S"))
    if filters.organization_id:
        found = found.filter(organization_id=filters.organization_id)
    return found.distinct().order_by("name", "id")


def _box(centre: tuple[float, float], within_km: float) -> Q:
    """Locations inside the square around ``centre`` that holds the circle of ``within_km``."""
    lat, lon = centre
    dlat = math.degrees(within_km / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return Q(
        latitude__gte=lat - dlat,
        latitude__lte=lat + dlat,
        longitude__gte=lon - dlon,
        longitude__lte=lon + dlon,
    )


@dataclass(frozen=True)
class Found:
    """A service found, with its location nearest the postcode and how far that is."""

    service: Service
    place: Location | None
    distance_km: float | None


def near(
    found: QuerySet[Service], centre: tuple[float, float] | None, within_km: float | None
) -> list[Found]:
    """``found`` with each service's nearest location; with a centre, nearest first and only
    those with a location within ``within_km`` (every distance when that is None)."""
    places: dict[str, list[Location]] = {}
    at = ServiceAtLocation.objects.filter(service__in=found).select_related("location")
    if centre is not None and within_km is not None:
        at = at.filter(location__in=Location.objects.filter(_box(centre, within_km)).values("id"))
    for link in at:
        places.setdefault(link.service_id, []).append(link.location)
    results = []
    for service in found:
        here = places.get(service.id, [])
        if centre is None:
            results.append(Found(service, here[0] if here else None, None))
            continue
        measured = [
            (haversine_km(centre, (p.latitude, p.longitude)), p)
            for p in here
            if p.latitude is not None and p.longitude is not None
        ]
        if not measured:
            continue
        distance, place = min(measured, key=lambda pair: pair[0])
        if within_km is None or distance <= within_km:
            results.append(Found(service, place, distance))
    if centre is not None:
        results.sort(key=lambda result: (result.distance_km, result.service.name))
    return results


def links_near(
    links: QuerySet[ServiceAtLocation], centre: tuple[float, float], within_km: float
) -> list[ServiceAtLocation]:
    """Services at locations within ``within_km`` of ``centre``, nearest first."""
    inside = links.filter(
        location__in=Location.objects.filter(_box(centre, within_km)).values("id")
    ).select_related("location", "service")
    measured = [
        (haversine_km(centre, (link.location.latitude, link.location.longitude)), link)
        for link in inside
        if link.location.latitude is not None and link.location.longitude is not None
    ]
    return [
        link for distance, link in sorted(measured, key=lambda p: p[0]) if distance <= within_km
    ]
