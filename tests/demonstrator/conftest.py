from __future__ import annotations

import pytest

from fame.demonstrator.scenario import SHIPPED, Scenario, read_scenario


@pytest.fixture(scope="session")
def small() -> Scenario:
    return read_scenario(SHIPPED / "small.toml")


@pytest.fixture(scope="session")
def regional() -> Scenario:
    return read_scenario(SHIPPED / "regional.toml")
