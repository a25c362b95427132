"""Importing an Open Referral UK feed and exporting the directory: refusals by item and field,
updates by id, and the standard's published example round-tripping unchanged."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from fame.directory.feed import FeedError, export_feed, import_feed
from fame.directory.models import Location, Service, ServiceChange, TaxonomyTerm
from fame.directory.schemas import STANDARD

pytestmark = pytest.mark.django_db


def example() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (STANDARD / "examples" / "service_full.json").read_text(encoding="utf-8")
    )
    return loaded


def without_empties(value: Any) -> Any:
    """The same data with empty values dropped: the export leaves them out, as the standard's
    examples do."""
    if isinstance(value, dict):
        return {
            key: without_empties(item)
            for key, item in value.items()
            if item not in (None, "", [], {})
        }
    if isinstance(value, list):
        return [without_empties(item) for item in value]
    return value


def test_published_example_round_trips_through_import_and_export() -> None:
    report = import_feed(example())

    exported = export_feed()

    assert report.refused == []
    assert exported["contents"] == [without_empties(example())]


def test_export_then_import_elsewhere_gives_the_same_export() -> None:
    import_feed(example())
    first = export_feed()
    Service.objects.all().delete()

    import_feed(first)

    assert export_feed() == first


def test_bad_service_is_refused_by_field_and_the_rest_kept() -> None:
    good = example()
    bad = copy.deepcopy(good)
    bad["id"] = "bad-one"
    bad["minimum_age"] = "twelve"
    bad["service_at_locations"][0]["location"]["addresses"][0].pop("city")

    report = import_feed({"contents": [bad, good]})

    assert report.created == [good["id"]]
    [refusal] = report.refused
    said = str(refusal)
    assert said.startswith("service 1 (Community Counselling, id bad-one)")
    assert "minimum_age:" in said
    assert "service_at_locations.0.location.addresses.0" in said and "city" in said
    assert not Service.objects.filter(id="bad-one").exists()


def test_text_too_long_for_a_column_is_refused_not_cut() -> None:
    item = example()
    item["name"] = "x" * 301

    report = import_feed(item)

    assert "name: is longer than 300 characters" in str(report.refused[0])
    assert Service.objects.count() == 0


def test_reimport_updates_by_id_and_replaces_parts() -> None:
    import_feed(example())
    changed = example()
    changed["name"] = "Community Counselling for Young People"
    changed["contacts"] = []

    report = import_feed(changed)

    assert report.updated == [changed["id"]] and report.created == []
    service = Service.objects.get()
    assert service.name == "Community Counselling for Young People"
    assert service.contacts.count() == 0
    assert service.changes.filter(kind=ServiceChange.Kind.IMPORTED).count() == 2


def test_reimport_of_a_list_item_keeps_the_collections_it_does_not_mention() -> None:
    import_feed(example())
    listed = json.loads((STANDARD / "examples" / "service_list.json").read_text("utf-8"))

    report = import_feed(listed)

    assert report.updated == [example()["id"]]
    assert export_feed()["contents"] == [without_empties(example())]


def test_import_keeps_search_columns_and_checked_date() -> None:
    import_feed(example())

    place = Location.objects.get()
    service = Service.objects.get()
    assert place.postcode == "ABC 1234"
    assert service.last_checked_on is not None and str(service.last_checked_on) == "2005-01-01"
    assert TaxonomyTerm.objects.get().services.get() == service


def test_not_a_feed_is_refused_as_a_whole() -> None:
    with pytest.raises(FeedError, match="not an Open Referral UK feed"):
        import_feed({"hello": "world"})
