"""The directory's read API, as the Open Referral UK standard defines it, at /directory/api/.

Anyone may read it (a directory is published so that others can feed from it), so it has no
sign-in, and it only reads. Paths, parameters and answers are the standard's: ``/`` says which
version this is; ``/services`` pages services with the standard's filters, ``/services/{id}``
gives one fully nested; ``/taxonomies``, ``/taxonomy_terms`` and ``/service_at_locations``
(with ``postcode`` and ``proximity`` in metres) page theirs. The answers are checked against
the standard's published schemas in tests/directory/test_api.py. django-ninja gives the
OpenAPI document at ``/directory/api/openapi.json``.
"""

from __future__ import annotations

import math
from datetime import time
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from pydantic import BaseModel, ConfigDict

from . import oruk
from .models import Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from .postcodes import locate, normalise
from .schemas import PROFILE, VERSION
from .search import Filters, links_near, services

PER_PAGE = 50
MOST_PER_PAGE = 500
#: How near a postcode ``/service_at_locations`` looks when no ``proximity`` is given.
DEFAULT_PROXIMITY_M = 5000

api = NinjaAPI(
    title="FAME service directory (Open Referral UK)",
    version=VERSION,
    description="The region's service directory in the Open Referral UK profile of HSDS 3.0: "
    "services, their locations and taxonomies. Read-only and public.",
    urls_namespace="directory_api",
    openapi_url="/openapi.json",
    docs_url=None,  # the interactive docs would load scripts from elsewhere
)


class About(Schema):
    version: str
    profile: str
    openapi_url: str


class OrukObject(BaseModel):
    """An object of the standard; its fields are the standard's (see its schemas)."""

    model_config = ConfigDict(extra="allow")
    id: str


class Page(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[OrukObject]


class Problem(Schema):
    detail: str


def _page(rows: QuerySet[Any] | list[Any], page: int, per_page: int, shape: Any) -> dict[str, Any]:
    """One page of ``rows`` in the standard's page shape, each row made by ``shape``."""
    if page < 1 or per_page < 1:
        raise HttpError(400, "page and per_page start at 1")
    per_page = min(per_page, MOST_PER_PAGE)
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    pages = max(1, math.ceil(total / per_page))
    chosen = rows[(page - 1) * per_page : page * per_page]
    contents = [shape(row) for row in chosen]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
        "contents": contents,
    }


def _filters(
    search: str,
    taxonomy_term_id: str,
    taxonomy_id: str,
    minimum_age: float | None,
    maximum_age: float | None,
    start_time: time | None,
    end_time: time | None,
    day: str,
) -> Filters:
    return Filters(
        keyword=search,
        term_ids=(taxonomy_term_id,) if taxonomy_term_id else (),
        taxonomy_id=taxonomy_id,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        start_time=start_time,
        end_time=end_time,
        day=day,
    )


@api.get("/", response=About, summary="Which version of the standard this API speaks")
def about(request: HttpRequest) -> dict[str, str]:
    return {
        "version": VERSION,
        "profile": PROFILE,
        "openapi_url": request.build_absolute_uri("openapi.json"),
    }


@api.get("/services", response=Page, summary="A page of services (one-to-one fields)")
def list_services(
    request: HttpRequest,
    search: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    taxonomy_term_id: str = "",
    taxonomy_id: str = "",
    minimum_age: float | None = None,
    maximum_age: float | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    day: str = "",
    organization_id: str = "",
) -> dict[str, Any]:
    filters = _filters(
        search, taxonomy_term_id, taxonomy_id, minimum_age, maximum_age, start_time, end_time, day
    )
    found = services(filters)
    if organization_id:
        found = found.filter(organization_id=organization_id)
    return _page(found, page, per_page, oruk.service_brief)


@api.get(
    "/services/{id}",
    response={200: OrukObject, 404: Problem},
    summary="A service with everything about it",
)
def get_service(request: HttpRequest, id: str) -> Any:
    service = oruk.full_services(Service.objects.filter(id=id)).first()
    if service is None:
        raise Http404(f"There is no service {id}.")
    return oruk.service_full(service)


@api.get("/taxonomies", response=Page, summary="A page of taxonomies")
def list_taxonomies(request: HttpRequest, page: int = 1, per_page: int = PER_PAGE) -> Any:
    return _page(Taxonomy.objects.order_by("name", "id"), page, per_page, oruk.taxonomy)


@api.get("/taxonomies/{id}", response={200: OrukObject, 404: Problem}, summary="A taxonomy")
def get_taxonomy(request: HttpRequest, id: str) -> Any:
    found = Taxonomy.objects.filter(id=id).first()
    if found is None:
        raise Http404(f"There is no taxonomy {id}.")
    return oruk.taxonomy(found)


@api.get("/taxonomy_terms", response=Page, summary="A page of taxonomy terms")
def list_taxonomy_terms(
    request: HttpRequest, page: int = 1, per_page: int = PER_PAGE, taxonomy_id: str = ""
) -> Any:
    terms = TaxonomyTerm.objects.order_by("name", "id")
    if taxonomy_id:
        terms = terms.filter(taxonomy_id=taxonomy_id)
    return _page(terms, page, per_page, oruk.taxonomy_term)


@api.get(
    "/taxonomy_terms/{id}", response={200: OrukObject, 404: Problem}, summary="A taxonomy term"
)
def get_taxonomy_term(request: HttpRequest, id: str) -> Any:
    found = TaxonomyTerm.objects.filter(id=id).first()
    if found is None:
        raise Http404(f"There is no taxonomy term {id}.")
    return oruk.taxonomy_term(found)


@api.get(
    "/service_at_locations",
    response=Page,
    summary="A page of services at locations; with postcode, the nearest first",
)
def list_service_at_locations(
    request: HttpRequest,
    search: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    taxonomy_term_id: str = "",
    taxonomy_id: str = "",
    minimum_age: float | None = None,
    maximum_age: float | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
    day: str = "",
    postcode: str = "",
    proximity: float | None = None,
) -> Any:
    filters = _filters(
        search, taxonomy_term_id, taxonomy_id, minimum_age, maximum_age, start_time, end_time, day
    )
    links = ServiceAtLocation.objects.filter(service__in=services(filters).values("id"))
    links = links.select_related("location", "service").order_by("service__name", "id")
    if postcode:
        centre = locate(postcode)
        if centre is None:
            raise HttpError(400, f"The postcode {normalise(postcode)} is not known here.")
        metres = DEFAULT_PROXIMITY_M if proximity is None else proximity
        return _page(
            links_near(links, centre, metres / 1000), page, per_page, oruk.service_at_location
        )
    return _page(links, page, per_page, oruk.service_at_location)


@api.get(
    "/service_at_locations/{id}",
    response={200: OrukObject, 404: Problem},
    summary="A service at a location",
)
def get_service_at_location(request: HttpRequest, id: str) -> Any:
    found = ServiceAtLocation.objects.select_related("location", "service").filter(id=id).first()
    if found is None:
        raise Http404(f"There is no service_at_location {id}.")
    return oruk.service_at_location_full(found)
