"""The demo hub's directory: the synthetic region's feed and postcodes, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from fame.directory.models import Postcode, Service
from fame.directory.seeding import seed_demo_directory
from fame.synth import generate_region, write_region

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def region_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("region")
    write_region(generate_region(150, seed=5), folder)
    return folder


def test_seeding_loads_the_directory_and_postcodes_once(region_dir: Path) -> None:
    first = seed_demo_directory(region_dir)
    Service.objects.filter(name__startswith="Youth club").delete()  # an editor's work

    again = seed_demo_directory(region_dir)

    assert first is not None and first.refused == [] and len(first.created) >= 60
    assert again is None
    assert not Service.objects.filter(name__startswith="Youth club").exists()
    assert Postcode.objects.count() > 50


def test_seeding_a_region_without_a_directory_does_nothing(tmp_path: Path) -> None:
    assert seed_demo_directory(tmp_path) is None
    assert Service.objects.count() == 0
