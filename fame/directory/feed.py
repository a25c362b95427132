"""Importing an Open Referral UK feed, and exporting the whole directory as one.

A feed is what a council's directory publishes: one service, a list of services, or a page of
them (``{"contents": [...]}``, as ``/services`` answers), each service fully nested as the
standard's ``/services/{id}`` gives it; the export is such a page, with every service and a
``taxonomies`` list beside it. Each service is checked against the standard's schema and our
limits before it is kept: a bad one is refused, with every problem by its field, and the rest
are kept. A service already here (by its id) is updated to the feed's version: what the item
says replaces what was held, and a collection it does not mention is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from . import oruk
from .models import (
    Contact,
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceChange,
    ServiceTerm,
    Taxonomy,
    TaxonomyTerm,
)
from .schemas import PROFILE, VERSION, Problem, problems


@dataclass(frozen=True)
class Refusal:
    """A service the import did not keep, and why."""

    item: str  # "service 3 (Parenting Group, id …)"
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        return f"{self.item}: " + "; ".join(str(problem) for problem in self.problems)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    taxonomies: int = 0
    refused: list[Refusal] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} services added, {len(self.updated)} updated, "
            f"{len(self.refused)} refused; {self.taxonomies} taxonomies"
        )


class FeedError(ValueError):
    """The feed as a whole cannot be read (not JSON, or not services)."""


def services_in(data: Any) -> tuple[list[Any], list[Any]]:
    """The services and the taxonomies a feed holds, in any of the shapes it may take."""
    if isinstance(data, list):
        return data, []
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        taxonomies = data.get("taxonomies", [])
        return data["contents"], taxonomies if isinstance(taxonomies, list) else []
    if isinstance(data, dict) and "id" in data and "name" in data:
        return [data], []
    raise FeedError(
        "this is not an Open Referral UK feed: expected a service, a list of services, "
        'or a page of them ({"contents": [...]})'
    )


def import_feed(data: Any, *, by: Any = None) -> ImportReport:
    """Keep every good service in ``data``; refuse each bad one with its problems."""
    services, taxonomies = services_in(data)
    report = ImportReport()
    for number, raw in enumerate(taxonomies, start=1):
        found = problems("taxonomy.json", raw) + _limits(raw, Taxonomy, oruk.TAXONOMY_FIELDS)
        if found:
            report.refused.append(Refusal(f"taxonomy {number}{_named(raw)}", tuple(found)))
            continue
        _upsert(Taxonomy, raw, oruk.TAXONOMY_FIELDS, skip={"taxonomy_terms"})
        report.taxonomies += 1
    for number, raw in enumerate(services, start=1):
        found = _check_service(raw)
        if found:
            report.refused.append(Refusal(f"service {number}{_named(raw)}", tuple(found)))
            continue
        existed = Service.objects.filter(id=raw["id"]).exists()
        with transaction.atomic():
            service = _keep_service(raw)
            ServiceChange.objects.create(
                service=service, kind=ServiceChange.Kind.IMPORTED, by=by, note="from a feed"
            )
        (report.updated if existed else report.created).append(service.id)
    return report


def export_feed() -> dict[str, Any]:
    """The whole directory as one page of fully nested services, with its taxonomies."""
    services = [oruk.service_full(service) for service in oruk.full_services().order_by("id")]
    return {
        "total_items": len(services),
        "total_pages": 1,
        "page_number": 1,
        "size": len(services),
        "first_page": True,
        "last_page": True,
        "empty": not services,
        "version": VERSION,
        "profile": PROFILE,
        "contents": services,
        "taxonomies": [oruk.taxonomy(tax) for tax in Taxonomy.objects.order_by("id")],
    }


def _named(raw: Any) -> str:
    if not isinstance(raw, dict):
        return ""
    name, ident = raw.get("name"), raw.get("id")
    said = ", ".join(str(part) for part in (name, f"id {ident}" if ident else None) if part)
    return f" ({said})" if said else ""


# --- checking -----------------------------------------------------------------------------

_PARTS: dict[str, tuple[type[models.Model], dict[str, str]]] = {
    "schedules": (Schedule, oruk.SCHEDULE_FIELDS),
    "service_areas": (ServiceArea, oruk.AREA_FIELDS),
    "cost_options": (CostOption, oruk.COST_FIELDS),
    "contacts": (Contact, oruk.CONTACT_FIELDS),
}


def _check_service(raw: Any) -> list[Problem]:
    found = problems("compiled/service.json", raw)
    if found or not isinstance(raw, dict):
        return found or [Problem("", "a service must be a JSON object")]
    found += _limits(raw, Service, oruk.SERVICE_FIELDS)
    org = raw.get("organization")
    if isinstance(org, dict):
        found += _limits(org, Organization, oruk.ORGANIZATION_FIELDS, "organization.")
    elif (
        raw.get("organization_id")
        and not Organization.objects.filter(id=raw["organization_id"]).exists()
    ):
        found.append(Problem("organization_id", "no organisation with this id is known"))
    for key, (model, fields) in _PARTS.items():
        for index, part in enumerate(raw.get(key) or []):
            found += _limits(part, model, fields, f"{key}.{index}.")
    for index, sal in enumerate(raw.get("service_at_locations") or []):
        where = f"service_at_locations.{index}."
        if not isinstance(sal.get("location"), dict):
            found.append(Problem(where + "location", "each service_at_location needs its location"))
            continue
        found += _limits(sal["location"], Location, oruk.LOCATION_FIELDS, where + "location.")
    for index, attribute in enumerate(raw.get("attributes") or []):
        where = f"attributes.{index}."
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict):
            known = TaxonomyTerm.objects.filter(id=attribute.get("taxonomy_term_id") or "")
            if not known.exists():
                found.append(Problem(where + "taxonomy_term", "no taxonomy term given or known"))
            continue
        found += _limits(term, TaxonomyTerm, oruk.TERM_FIELDS, where + "taxonomy_term.")
    return found


def _limits(
    raw: Any, model: type[models.Model], fields: dict[str, str], where: str = ""
) -> list[Problem]:
    """What our columns cannot hold: ids and texts too long, dates and numbers that are not."""
    if not isinstance(raw, dict):
        return [Problem(where.rstrip("."), "must be a JSON object")]
    found = []
    ident = raw.get("id")
    if not isinstance(ident, str) or not ident.strip() or len(ident) > 64:
        found.append(Problem(where + "id", "must be an identifier of 1 to 64 characters"))
    for key, column in fields.items():
        value = raw.get(key)
        if value is None:
            continue
        try:
            _column_value(model._meta.get_field(column), value)
        except ValueError as error:
            found.append(Problem(where + key, str(error)))
    return found


def _column_value(column: Any, value: Any) -> Any:
    """``value`` as ``column`` keeps it, or ValueError saying why it cannot be kept."""
    if value is None:
        return None if column.null else ""
    if isinstance(column, models.DateTimeField):
        parsed = parse_datetime(str(value))
        if parsed is None:
            raise ValueError(f"{value!r} is not a date and time (ISO 8601)")
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    if isinstance(column, models.DateField):
        day = parse_date(str(value)) if not isinstance(value, date | datetime) else value
        if day is None:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
        return day
    if isinstance(column, models.DecimalField):
        try:
            amount = Decimal(str(value)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount") from None
        if abs(amount) >= Decimal(10) ** (column.max_digits - column.decimal_places):
            raise ValueError(f"{value} is too large an amount")
        return amount
    if isinstance(column, models.FloatField):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    if column.choices and value not in {choice for choice, _ in column.choices}:
        allowed = ", ".join(choice for choice, _ in column.choices)
        raise ValueError(f"{value!r} is not one of {allowed}")
    text = str(value)
    if column.max_length and len(text) > column.max_length:
        raise ValueError(f"is longer than {column.max_length} characters")
    return text


# --- keeping ------------------------------------------------------------------------------


def _upsert(
    model: type[models.Model],
    raw: dict[str, Any],
    fields: dict[str, str],
    *,
    skip: set[str] = frozenset(),  # type: ignore[assignment]
    **links: Any,
) -> Any:
    """Create or replace the object ``raw`` describes; fields not columns go to ``extra``."""
    values: dict[str, Any] = {}
    for key, column in fields.items():
        values[column] = _column_value(model._meta.get_field(column), raw.get(key))
    handled = {"id", *fields, *skip, *links}
    values["extra"] = {key: value for key, value in raw.items() if key not in handled}
    held = model.objects.filter(id=raw["id"]).values_list("extra", flat=True).first()  # type: ignore[attr-defined]
    if held:  # a collection the item does not mention is left as it was
        kept = {k: v for k, v in held.items() if isinstance(v, list) and k not in raw}
        values["extra"] = {**kept, **values["extra"]}
    values.update(links)
    obj, _ = model.objects.update_or_create(id=raw["id"], defaults=values)  # type: ignore[attr-defined]
    return obj


def _keep_service(raw: dict[str, Any]) -> Service:
    """Keep one checked service. What the item says replaces what was held; a collection it
    does not mention (a ``/services`` page lists only one-to-one fields) is left as it was."""
    before = Service.objects.select_related("organization").filter(id=raw["id"]).first()
    org = raw.get("organization")
    if isinstance(org, dict):
        organization = _upsert(Organization, org, oruk.ORGANIZATION_FIELDS)
    elif raw.get("organization_id"):
        organization = Organization.objects.get(id=raw["organization_id"])
    else:
        organization = before.organization if before else None
    nested = {"organization", "organization_id", "service_at_locations", "attributes", *_PARTS}
    service: Service = _upsert(
        Service, raw, oruk.SERVICE_FIELDS, skip=nested, organization=organization
    )
    if raw.get("assured_date"):
        service.last_checked_on = service.assured_date
    service.save()
    for key, (model, fields) in _PARTS.items():
        if key not in raw:
            continue
        model.objects.filter(service=service).delete()  # type: ignore[attr-defined]
        for position, part in enumerate(raw.get(key) or []):
            _upsert(model, part, fields, skip={"service_id"}, service=service, position=position)
    if "service_at_locations" in raw:
        ServiceAtLocation.objects.filter(service=service).delete()
    for position, sal in enumerate(raw.get("service_at_locations") or []):
        place = _upsert(Location, sal["location"], oruk.LOCATION_FIELDS)
        _fill_address(place)
        _upsert(
            ServiceAtLocation,
            sal,
            oruk.SERVICE_AT_LOCATION_FIELDS,
            skip={"service_id", "location_id", "location"},
            service=service,
            location=place,
            position=position,
        )
    if "attributes" in raw:
        ServiceTerm.objects.filter(service=service).delete()
    for position, attribute in enumerate(raw.get("attributes") or []):
        term_raw = attribute.get("taxonomy_term")
        term = (
            _keep_term(term_raw)
            if isinstance(term_raw, dict)
            else TaxonomyTerm.objects.get(id=attribute["taxonomy_term_id"])
        )
        _upsert(
            ServiceTerm,
            attribute,
            oruk.ATTRIBUTE_FIELDS,
            skip={"taxonomy_term"},
            service=service,
            term=term,
            position=position,
        )
    return service


def _keep_term(raw: dict[str, Any]) -> TaxonomyTerm:
    taxonomy = None
    if raw.get("taxonomy_id"):
        taxonomy, _ = Taxonomy.objects.get_or_create(
            id=raw["taxonomy_id"], defaults={"name": raw.get("taxonomy") or "Unnamed taxonomy"}
        )
    term: TaxonomyTerm = _upsert(
        TaxonomyTerm, raw, oruk.TERM_FIELDS, skip={"taxonomy_id"}, taxonomy=taxonomy
    )
    return term


def _fill_address(place: Location) -> None:
    """The first address's postcode and line, kept as columns for search and results."""
    addresses = place.extra.get("addresses") or []
    first = addresses[0] if addresses and isinstance(addresses[0], dict) else {}
    parts = [first.get(key) for key in ("address_1", "city", "postal_code")]
    place.postcode = str(first.get("postal_code") or "")[:20]
    place.address_line = ", ".join(str(part) for part in parts if part)[:500]
    place.save(update_fields=["postcode", "address_line"])
