"""Agency records for the Child Index tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from fame.index import matching
from fame.linkage import RuntimeScorer
from fame.records import AgencyRecord

OLIVIA = AgencyRecord(
    agency_id="sch-001",
    local_id="UPN-1001",
    given_name="Olivia",
    middle_names=("Grace",),
    family_name="Hartley",
    previous_family_names=(),
    sex="F",
    date_of_birth=date(2017, 3, 4),
    address_line_1="12 Mill Lane",
    address_line_2="",
    town="Northmoor",
    postcode="NM4 2PL",
    service="Primary education",
    role="Class teacher",
    practitioner_email="",
    started_on=date(2022, 9, 1),
    ended_on=None,
    sensitive=False,
)


def record(**changes: Any) -> AgencyRecord:
    return replace(OLIVIA, **changes)


@pytest.fixture
def agencies(school, health_trust, local_authority):
    return {"sch-001": school, "hlt-001": health_trust, "lasc-001": local_authority}


def review_band_around(monkeypatch: pytest.MonkeyPatch, a: AgencyRecord, b: AgencyRecord) -> None:
    """Put the thresholds either side of this pair's weight, whatever the shipped model says."""
    model = matching.scorer().model
    weight = RuntimeScorer(model).score(a, b).match_weight
    scorer = RuntimeScorer(model.with_thresholds(upper=weight + 1, lower=weight - 1))
    monkeypatch.setattr(matching, "scorer", lambda: scorer)
