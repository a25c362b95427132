"""Regions shared by the synth tests (made once: generating is pure and deterministic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fame.synth import REFERENCE_DATE, Region, generate_region, write_region


@pytest.fixture(scope="session")
def region() -> Region:
    """A region big enough for twins, collisions and every kind of error."""
    return generate_region(2000, seed=7, as_of=REFERENCE_DATE)


@pytest.fixture(scope="session")
def written_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("region") / "out"
    write_region(generate_region(600, seed=11), folder)
    return folder
