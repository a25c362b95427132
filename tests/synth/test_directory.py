"""The synthetic region's service directory and postcodes: a feed the directory keeps whole,
made the same from the same seed, with every family's postcode placed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from fame.directory.feed import import_feed
from fame.directory.models import Service, TaxonomyTerm
from fame.directory.postcodes import haversine_km, load_postcodes
from fame.synth import generate_region, write_region


def test_directory_feed_is_kept_whole_by_the_directory(written_region: Path, db) -> None:
    feed = json.loads((written_region / "directory" / "directory.json").read_text("utf-8"))

    report = import_feed(feed)

    assert report.refused == []
    assert 60 <= Service.objects.count() <= 80
    needs = set(
        TaxonomyTerm.objects.filter(taxonomy__name="FAME needs").values_list("name", flat=True)
    )
    assert {"Early help", "Parenting support", "Domestic abuse", "Youth services"} <= needs
    assert Service.objects.filter(last_checked_on__isnull=True).count() == 0


def test_every_postcode_of_the_region_is_placed(written_region: Path, db) -> None:
    text = (written_region / "directory" / "postcodes.csv").read_text("utf-8")
    feed = json.loads((written_region / "directory" / "directory.json").read_text("utf-8"))
    people = (written_region / "region.json").exists()

    loaded = load_postcodes(text)

    assert people and loaded.refused == [] and loaded.loaded > 100
    codes = {row["postcode"] for row in csv.DictReader(text.splitlines())}
    venues = {
        sal["location"]["addresses"][0]["postal_code"]
        for service in feed["contents"]
        for sal in service["service_at_locations"]
    }
    assert venues <= codes


def test_postcodes_of_a_district_are_near_each_other(written_region: Path) -> None:
    text = (written_region / "directory" / "postcodes.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    by_district: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        by_district.setdefault(row["postcode"].split()[0], []).append(
            (float(row["latitude"]), float(row["longitude"]))
        )

    for places in by_district.values():
        assert all(haversine_km(places[0], place) < 5 for place in places)


@pytest.mark.parametrize("seed", [3])
def test_directory_is_the_same_for_the_same_seed(tmp_path: Path, seed: int) -> None:
    write_region(generate_region(200, seed=seed), tmp_path / "a")
    write_region(generate_region(200, seed=seed), tmp_path / "b")

    for name in ("directory.json", "postcodes.csv"):
        a = (tmp_path / "a" / "directory" / name).read_bytes()
        assert a == (tmp_path / "b" / "directory" / name).read_bytes()
