"""The region's organisations: types, ids, scale and accreditation."""

from __future__ import annotations

import re
from collections import Counter

from fame.synth import Region, generate_region
from fame.synth.organisations import ORGANISATION_TYPES


def test_organisations_agency_ids_have_the_type_prefix_and_three_digits(region: Region) -> None:
    for org in region.organisations:
        assert re.fullmatch(rf"{ORGANISATION_TYPES[org.type]}-\d{{3}}", org.agency_id)


def test_organisations_names_and_ids_are_unique(region: Region) -> None:
    assert len({org.agency_id for org in region.organisations}) == len(region.organisations)
    assert len({org.name for org in region.organisations}) == len(region.organisations)


def test_organisations_mostly_accredited_with_at_least_one_pending(region: Region) -> None:
    statuses = Counter(org.accreditation_status for org in region.organisations)

    assert statuses["pending"] >= 1
    assert statuses["accredited"] > len(region.organisations) * 0.8


def test_organisations_pending_ones_have_no_accreditation_date(region: Region) -> None:
    for org in region.organisations:
        assert (org.accreditation_date is None) == (org.accreditation_status == "pending")


def test_organisations_scale_with_the_number_of_children() -> None:
    types = Counter(org.type for org in generate_region(10_000, seed=1).organisations)

    assert 35 <= types["school"] <= 45
    assert 5 <= types["gp_practice"] <= 8
    assert types["police"] == types["youth_offending"] == types["youth_service"] == 1
    assert types["social_care"] == 2
