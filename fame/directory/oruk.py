"""The directory's records as Open Referral UK objects: what the API answers and the export
writes, and the one place that knows which of the standard's fields are our columns.

Each ``*_FIELDS`` maps a standard field to the model's column (most keep the standard's
name). Fields of an object that are not columns live in the object's ``extra`` and are written
back as they came (ADR 0035); empty columns are left out, as the standard's own examples do.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)

ORGANIZATION_FIELDS = {name: name for name in ("name", "description", "email", "website")}
TAXONOMY_FIELDS = {name: name for name in ("name", "description", "uri", "version")}
TERM_FIELDS = {
    "name": "name",
    "description": "description",
    "term": "code",
    "taxonomy": "taxonomy_name",
    "parent_id": "parent_id",
    "term_uri": "term_uri",
}
SERVICE_FIELDS = {
    name: name
    for name in (
        "name",
        "description",
        "url",
        "email",
        "status",
        "fees",
        "accreditations",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "alert",
        "last_modified",
    )
}
LOCATION_FIELDS = {
    name: name for name in ("location_type", "name", "description", "latitude", "longitude")
}
CONTACT_FIELDS = {"name": "name", "title": "title"}
SCHEDULE_FIELDS = {name: name for name in ("freq", "byday", "opens_at", "closes_at", "description")}
COST_FIELDS = {name: name for name in ("option", "amount", "amount_description")}
AREA_FIELDS = {"name": "name"}
ATTRIBUTE_FIELDS = {"link_type": "link_type"}
SERVICE_AT_LOCATION_FIELDS = {"description": "description"}


def plain(value: Any) -> Any:
    """A column's value as JSON: whole numbers as integers, dates as ISO 8601 (date-times in
    UTC to the millisecond, as the standard's examples write them)."""
    if isinstance(value, Decimal | float):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def fields_of(obj: Any, fields: dict[str, str]) -> dict[str, Any]:
    """``obj`` as the standard's object: its id, its ``extra`` and its non-empty columns."""
    out: dict[str, Any] = {"id": obj.id, **obj.extra}
    for key, column in fields.items():
        value = getattr(obj, column)
        if value is not None and value != "":
            out[key] = plain(value)
    return out


def organization(org: Organization) -> dict[str, Any]:
    return fields_of(org, ORGANIZATION_FIELDS)


def taxonomy(tax: Taxonomy) -> dict[str, Any]:
    out = fields_of(tax, TAXONOMY_FIELDS)
    out.setdefault("description", "")
    return out


def taxonomy_term(term: TaxonomyTerm) -> dict[str, Any]:
    out = fields_of(term, TERM_FIELDS)
    out.setdefault("description", "")
    if term.taxonomy_id:
        out["taxonomy_id"] = term.taxonomy_id
    return out


def location(loc: Location) -> dict[str, Any]:
    return fields_of(loc, LOCATION_FIELDS)


def service_brief(service: Service) -> dict[str, Any]:
    """The one-to-one fields of a service (the standard's ``service_list`` item)."""
    out = {
        key: value
        for key, value in fields_of(service, SERVICE_FIELDS).items()
        if not isinstance(value, list | dict)
    }
    if service.organization_id:
        out["organization_id"] = service.organization_id
    return out


def service_full(service: Service) -> dict[str, Any]:
    """A service with everything about it, nested (the standard's compiled ``service``).
    Use ``full_services()`` to fetch services so that this asks no more queries."""
    out = fields_of(service, SERVICE_FIELDS)
    if service.organization is not None:
        out["organization"] = organization(service.organization)
    out["schedules"] = [fields_of(s, SCHEDULE_FIELDS) for s in service.schedules.all()]
    out["service_areas"] = [fields_of(a, AREA_FIELDS) for a in service.service_areas.all()]
    out["service_at_locations"] = [
        {**fields_of(sal, SERVICE_AT_LOCATION_FIELDS), "location": location(sal.location)}
        for sal in service.service_at_locations.all()
    ]
    out["cost_options"] = [fields_of(c, COST_FIELDS) for c in service.cost_options.all()]
    out["contacts"] = [fields_of(c, CONTACT_FIELDS) for c in service.contacts.all()]
    out["attributes"] = [
        {**fields_of(a, ATTRIBUTE_FIELDS), "taxonomy_term": taxonomy_term(a.term)}
        for a in service.attributes.all()
    ]
    return {key: value for key, value in out.items() if value != []}


def _one_to_one(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if not isinstance(value, list | dict)}


def service_at_location(sal: ServiceAtLocation) -> dict[str, Any]:
    """A service at a location with both sides' one-to-one fields (``service_at_location_list``)."""
    return {
        **_one_to_one(fields_of(sal, SERVICE_AT_LOCATION_FIELDS)),
        "service_id": sal.service_id,
        "location_id": sal.location_id,
        "location": _one_to_one(location(sal.location)),
        "service": service_brief(sal.service),
    }


def service_at_location_full(sal: ServiceAtLocation) -> dict[str, Any]:
    """A service at a location with all of both (the compiled ``service_at_location``)."""
    service = full_services(Service.objects.filter(id=sal.service_id)).get()
    nested = service_full(service)
    nested.pop("service_at_locations", None)
    return {
        **fields_of(sal, SERVICE_AT_LOCATION_FIELDS),
        "service_id": sal.service_id,
        "location_id": sal.location_id,
        "location": location(sal.location),
        "service": nested,
    }


def full_services(services: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """Services with all they hold fetched in a fixed number of queries."""
    services = Service.objects.all() if services is None else services
    return services.select_related("organization").prefetch_related(
        "schedules",
        "service_areas",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by("id"),
        ),
        "cost_options",
        "contacts",
        Prefetch(
            "attributes",
            queryset=ServiceTerm.objects.select_related("term").order_by("id"),
        ),
    )
