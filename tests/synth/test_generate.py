"""The generator: a reproducible region whose agencies' records differ as real ones do."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from fame.records import AgencyRecord
from fame.synth import (
    PROGRESS_STEPS_PER_CHILD,
    REFERENCE_DATE,
    Region,
    generate_region,
    write_region,
)
from fame.synth.names import NICKNAMES
from fame.synth.organisations import ORGANISATION_TYPES
from fame.synth.people import Child, age_on


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def pairs(region: Region) -> list[tuple[AgencyRecord, Child]]:
    """Each agency record with the true child it is about."""
    children = {child.key: child for child in region.children}
    return [
        (record, children[row.child_key])
        for record, row in zip(region.records, region.truth, strict=True)
    ]


def test_generate_region_same_seed_gives_identical_files(tmp_path: Path) -> None:
    write_region(generate_region(300, seed=5), tmp_path / "one")
    write_region(generate_region(300, seed=5), tmp_path / "two")

    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")


def test_generate_region_different_seed_gives_different_files(tmp_path: Path) -> None:
    write_region(generate_region(300, seed=5), tmp_path / "one")
    write_region(generate_region(300, seed=6), tmp_path / "two")

    one, two = files_of(tmp_path / "one"), files_of(tmp_path / "two")
    assert one["truth.csv"] != two["truth.csv"]
    assert one["region.json"] != two["region.json"]


def test_generate_region_makes_exactly_the_children_asked_for(region: Region) -> None:
    assert len(region.children) == 2000
    assert len({child.key for child in region.children}) == 2000


@pytest.mark.parametrize("children", [1, 10])
def test_generate_region_small_has_every_type_of_organisation(children: int) -> None:
    small = generate_region(children, seed=3)

    assert {org.type for org in small.organisations} == set(ORGANISATION_TYPES)
    assert len(small.children) == children


def test_generate_region_refuses_no_children() -> None:
    with pytest.raises(ValueError, match="at least one child"):
        generate_region(0, seed=1)


def test_generate_region_children_are_aged_0_to_17_on_the_reference_date(region: Region) -> None:
    ages = Counter(age_on(child.date_of_birth, REFERENCE_DATE) for child in region.children)

    assert set(ages) == set(range(18))
    assert min(ages.values()) > 2000 / 18 / 2  # spread evenly, not bunched


def test_generate_region_depends_on_the_reference_date_not_today() -> None:
    later = generate_region(50, seed=2, as_of=date(2030, 9, 1))

    assert all(
        date(2012, 9, 1) < child.date_of_birth <= date(2030, 9, 1) for child in later.children
    )
    assert later.as_of == date(2030, 9, 1)


def test_generate_region_has_twins(region: Region) -> None:
    alike = defaultdict(list)
    for child in region.children:
        key = (child.family_name, child.date_of_birth, child.family.address.postcode)
        alike[key].append(child.given_name)

    twins = [names for names in alike.values() if len(set(names)) >= 2]

    assert len(twins) >= 10


def test_generate_region_has_families_with_several_children(region: Region) -> None:
    sizes = Counter(len(family.children) for family in region.families)

    assert sizes[3] + sizes[4] + sizes[5] > 50


def test_generate_region_common_names_are_shared(region: Region) -> None:
    names = Counter((child.given_name, child.family_name) for child in region.children)

    assert names.most_common(1)[0][1] >= 3


def test_generate_region_truth_covers_every_record_once(region: Region) -> None:
    keys = [(row.agency_id, row.local_id) for row in region.truth]

    assert keys == [(record.agency_id, record.local_id) for record in region.records]
    assert len(set(keys)) == len(keys)


def test_generate_region_local_ids_follow_each_agencys_format(region: Region) -> None:
    formats = {
        "school": r"UPN-[A-Z]\d{12}",
        "gp_practice": r"GP\d{7}",
        "social_care": r"LCS\d{6}",
        "early_years": r"EY\d{5}",
    }
    types = {org.agency_id: org.type for org in region.organisations}

    for record in region.records:
        pattern = formats.get(types[record.agency_id])
        assert pattern is None or re.fullmatch(pattern, record.local_id), record.local_id


def test_generate_region_emails_belong_to_the_agencys_practitioners(region: Region) -> None:
    staff = {(person.organisation, person.secure_email) for person in region.practitioners}

    assert all((r.agency_id, r.practitioner_email) in staff for r in region.records)


def test_generate_region_sensitive_services_are_flagged(region: Region) -> None:
    sensitive = {r.service for r in region.records if r.sensitive}

    assert sensitive == {"Child and adolescent mental health", "Sexual health", "Substance misuse"}


def test_generate_region_school_records_are_for_school_age_children(region: Region) -> None:
    for record, child in pairs(region):
        if record.service in ("Primary education", "Secondary education"):
            assert 4 <= age_on(child.date_of_birth, REFERENCE_DATE) <= 16


def test_generate_region_most_records_are_clean(region: Region) -> None:
    clean = sum(
        record.given_name == child.given_name
        and record.family_name == child.family_name
        and record.date_of_birth == child.date_of_birth
        for record, child in pairs(region)
    )

    assert 0.80 < clean / len(region.records) < 0.97


def test_generate_region_swaps_day_and_month_in_some_records(region: Region) -> None:
    swaps = [
        record
        for record, child in pairs(region)
        if (born := record.date_of_birth) != (truly := child.date_of_birth)
        and born is not None
        and (born.year, born.month, born.day) == (truly.year, truly.day, truly.month)
    ]

    assert len(swaps) >= 10


def test_generate_region_uses_nicknames_in_some_records(region: Region) -> None:
    nicknamed = [
        record
        for record, child in pairs(region)
        if record.given_name in NICKNAMES.get(child.given_name, ())
    ]

    assert len(nicknamed) >= 5


def test_generate_region_has_typos_middle_names_as_given_and_missing_fields(region: Region) -> None:
    found: Counter[str] = Counter()
    for record, child in pairs(region):
        if record.given_name in child.middle_names:
            found["middle as given"] += 1
        if (
            record.family_name.upper() != child.family_name.upper()
            and not record.previous_family_names
        ):
            found["family name differs"] += 1
        if not record.postcode:
            found["no postcode"] += 1
        if record.sex == "U":
            found["sex unknown"] += 1

    assert min(found.values()) >= 3, found
    assert len(found) == 4


def test_generate_region_moved_families_have_old_addresses_at_some_agencies(region: Region) -> None:
    old = [
        record
        for record, child in pairs(region)
        if child.family.previous_address is not None
        and record.address_line_1 == child.family.previous_address.line_1
    ]

    assert len(old) >= 10


def test_generate_region_changed_surnames_are_noted_at_newer_agencies(region: Region) -> None:
    noted = [(record, child) for record, child in pairs(region) if record.previous_family_names]

    assert len(noted) >= 10
    assert all(
        record.previous_family_names == (child.previous_family_name,) for record, child in noted
    )


def test_generate_region_double_barrelled_names_sometimes_recorded_in_part(region: Region) -> None:
    partial = [
        record
        for record, child in pairs(region)
        if "-" in child.family_name
        and record.family_name.upper() in child.family_name.upper().split("-")
    ]

    assert len(partial) >= 3


def test_generate_region_reports_progress_that_adds_up() -> None:
    steps: list[int] = []

    generate_region(2500, seed=1, progress=steps.append)

    assert sum(steps) == PROGRESS_STEPS_PER_CHILD * 2500
    assert len(steps) > 3
