"""Records, regions and models shared by the linkage tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from fame.linkage import LinkageModel, load_model, train_model
from fame.linkage._model import DEFAULT_MODEL
from fame.records import AgencyRecord
from fame.synth import Region, generate_region, write_region

OLIVIA = AgencyRecord(
    agency_id="sch-001",
    local_id="S1001",
    given_name="Olivia",
    middle_names=("Grace",),
    family_name="Hughes",
    previous_family_names=(),
    sex="F",
    date_of_birth=date(2016, 3, 4),
    address_line_1="12 Moor Road",
    address_line_2="",
    town="Northmoor",
    postcode="QN1 2AB",
    service="Primary school",
    role="Class teacher",
    practitioner_email="t.smith@sch-001.fame.test",
    started_on=date(2020, 9, 1),
    ended_on=None,
    sensitive=False,
)
"""A child as a school holds her; tests derive the other agencies' copies with ``variant``."""


def variant(record: AgencyRecord = OLIVIA, **changes: object) -> AgencyRecord:
    """A copy of ``record`` as another agency (by default) might hold it."""
    changes.setdefault("agency_id", "gp-001")
    changes.setdefault("local_id", "GP77")
    return replace(record, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def default_model() -> LinkageModel:
    return load_model(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def small_region() -> Region:
    """1,000 synthetic children (about 2,300 agency records), made in memory."""
    return generate_region(1000, seed=7)


@pytest.fixture(scope="session")
def small_region_dir(small_region: Region, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("region")
    write_region(small_region, folder)
    return folder


@pytest.fixture(scope="session")
def small_model(small_region: Region) -> LinkageModel:
    """A model trained, without the truth, on the small region."""
    return train_model(small_region.records, max_pairs=1e6)
