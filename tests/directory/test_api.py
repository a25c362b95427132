"""The Open Referral UK read API: every endpoint's answer is valid against the schema the
standard's OpenAPI document names for it, and the filters and paging find what they say."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from django.test import Client

from fame.directory.schemas import SCHEMAS, problems_with, validator

from .conftest import NEEDS, PARENTING

pytestmark = pytest.mark.django_db
REMOTE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
API = "/directory/api"


@cache
def openapi() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / "openapi.json").read_text(encoding="utf-8"))
    return loaded


def _local(node: Any) -> Any:
    """The standard's schema with its references to the published files made ours."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith(REMOTE):
            return json.loads((SCHEMAS / ref.removeprefix(REMOTE)).read_text(encoding="utf-8"))
        if ref == "#/components/schemas/Page":
            return openapi()["components"]["schemas"]["Page"]
        return {key: _local(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_local(item) for item in node]
    return node


def answer_schema(path: str) -> dict[str, Any]:
    operation = openapi()["paths"][path]["get"]
    schema: dict[str, Any] = _local(
        operation["responses"]["200"]["content"]["application/json"]["schema"]
    )
    return schema


def valid(path: str, answer: Any) -> list[str]:
    """Problems with ``answer`` against the standard's schema for ``path``: the page
    properties strictly (every one required), the contents against their item schema."""
    schema = answer_schema(path)
    if "allOf" in schema:
        page = {**schema["allOf"][0], "required": list(schema["allOf"][0]["properties"])}
        found = [str(p) for p in _check(page, answer)]
        items = schema["properties"]["contents"]["items"]
        for index, item in enumerate(answer["contents"]):
            found += [f"contents.{index}: {p}" for p in _check(items, item)]
        return found
    return [str(p) for p in _check(schema, answer)]


def _check(schema: dict[str, Any], instance: Any) -> list[Any]:
    return problems_with(validator(schema), instance)


def get(client: Client, url: str) -> Any:
    response = client.get(f"{API}{url}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/", "/"),
        ("/services", "/services"),
        ("/services", "/services?per_page=2&page=2"),
        ("/services/{id}", "/services/ac148810-d857-441c-9679-408f346de14b"),
        ("/services/{id}", "/services/5e000000-0000-4000-8000-000000000001"),
        ("/taxonomies", "/taxonomies"),
        ("/taxonomies/{id}", f"/taxonomies/{NEEDS}"),
        ("/taxonomy_terms", "/taxonomy_terms"),
        ("/taxonomy_terms/{id}", f"/taxonomy_terms/{PARENTING}"),
        ("/service_at_locations", "/service_at_locations"),
        ("/service_at_locations", "/service_at_locations?postcode=fm11aa&proximity=3000"),
    ],
)
def test_answers_are_valid_against_the_standard(directory, client, path, url) -> None:
    answer = get(client, url)

    assert valid(path, answer) == []


def test_service_at_location_in_full_is_valid_against_its_compiled_schema(
    directory, client
) -> None:
    # The standard's OpenAPI names the compiled service schema for this path, which a service
    # at a location cannot meet (it has no name or status); its compiled service_at_location
    # schema is the one that describes it (ADR 0035).
    answer = get(client, "/service_at_locations/5a000000-0000-4000-8000-000000000001")

    assert problems_with(validator({"$ref": "compiled/service_at_location.json"}), answer) == []
    assert answer["service"]["name"] == "Parenting Group"


def test_about_says_the_version(directory, client) -> None:
    answer = get(client, "/")

    assert answer["version"] == "3.0"
    assert answer["openapi_url"].endswith("/directory/api/openapi.json")


def test_api_is_public_and_has_an_openapi_document(client) -> None:
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 200
    assert "/directory/api/services" in response.json()["paths"]


def test_paging_counts_and_marks_the_last_page(directory, client) -> None:
    answer = get(client, "/services?per_page=3&page=2")

    assert answer["total_items"] == 4 and answer["total_pages"] == 2
    assert answer["size"] == 1 and answer["last_page"] and not answer["first_page"]


def test_services_filter_by_term_search_and_age(directory, client) -> None:
    by_term = get(client, f"/services?taxonomy_term_id={PARENTING}")
    by_word = get(client, "/services?search=chatterbox")
    by_age = get(client, "/services?maximum_age=11")

    assert {s["name"] for s in by_term["contents"]} == {"Parenting Group", "Far Parenting Class"}
    assert [s["name"] for s in by_word["contents"]] == ["Chatterbox"]
    assert {s["name"] for s in by_age["contents"]} == {"Parenting Group", "Chatterbox"}


def test_service_at_locations_near_a_postcode_nearest_first(directory, client) -> None:
    answer = get(client, "/service_at_locations?postcode=FM1 1AA&proximity=5000")

    assert [s["service"]["name"] for s in answer["contents"]] == ["Chatterbox", "Parenting Group"]


def test_unknown_postcode_and_service_are_refused_clearly(directory, client) -> None:
    unknown = client.get(f"{API}/service_at_locations?postcode=ZZ1 1ZZ")
    missing = client.get(f"{API}/services/no-such-service")

    assert unknown.status_code == 400 and "ZZ1 1ZZ is not known" in unknown.json()["detail"]
    assert missing.status_code == 404


def test_services_filter_by_day_and_time(directory, client) -> None:
    tuesday = get(client, "/services?day=TU&start_time=09:30:00&end_time=12:00:00")
    friday = get(client, "/services?day=FR")

    assert {s["name"] for s in tuesday["contents"]} == {
        "Parenting Group",
        "Chatterbox",
        "Far Parenting Class",
    }
    assert [s["name"] for s in friday["contents"]] == ["Community Counselling"]


def test_bad_paging_is_refused(directory, client) -> None:
    response = client.get(f"{API}/services?page=0")

    assert response.status_code == 400
