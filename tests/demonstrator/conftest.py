from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest

from fame.demonstrator.scenario import SHIPPED, Scenario, read_scenario

CONTRACT_MEASURES = (
    "finding_hours_per_practitioner_month",
    "share_finding_everyone",
    "days_concern_to_first_tac",
    "days_concern_to_services",
    "times_family_tells_story",
    "practitioner_hours_per_caf",
)
"""The measures `compare --json` promises scripts (issue 13's contract)."""


@pytest.fixture(scope="session")
def small() -> Scenario:
    return read_scenario(SHIPPED / "small.toml")


@pytest.fixture(scope="session")
def regional() -> Scenario:
    return read_scenario(SHIPPED / "regional.toml")


@pytest.fixture
def demo_region(tmp_path: Path) -> Path:
    """A small demo region as `fame demo` makes one: its accounts (demo logins with
    authenticators) and its agencies' records loaded into the Child Index. Needs the
    database (mark the test)."""
    from fame.accounts.models import TrainingCourse
    from fame.web.management.commands._region import hub_with_demo_region

    # The courses a migration adds: a transactional test before this one may have emptied
    # the tables, and the region's practitioners are trained in them.
    courses = import_module("fame.accounts.migrations.0002_required_training").COURSES
    for code, name, months in courses:
        TrainingCourse.objects.update_or_create(
            code=code, defaults={"name": name, "valid_for_months": months, "required": True}
        )
    return hub_with_demo_region(tmp_path, children=40, seed=11)


def demo_login(region: Path, persona: str) -> str:
    """The username of one of the region's demo personas."""
    import json

    return str(json.loads((region / "region.json").read_text())["demo_logins"][persona])
