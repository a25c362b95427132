"""Regions as messy as real agency data: each life event and slip at about its rate, truth kept."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher

import pytest

from fame.linkage._normalise import name_aliases
from fame.records import AgencyRecord
from fame.synth import REFERENCE_DATE, Region, generate_region
from fame.synth.messy import (
    BOTH_TWINS_NAMED_FOR_EACH_OTHER,
    CHANGED_TO_DOUBLE_BARREL,
    DATE_OF_BIRTH_A_DAY_OUT,
    DATE_OF_BIRTH_TEN_DAYS_OUT,
    DOUBLE_BARREL_UNHYPHENATED,
    KNOWN_BY_UNLISTED_NICKNAME,
    MOVED_RECENTLY,
    NAME_CHANGED_RECENTLY,
    NICKNAME_MISSPELT,
    TWINS_NAMED_FOR_EACH_OTHER,
    UNLISTED_NICKNAME_USED,
    UNLISTED_NICKNAMES,
    YEAR_DIGIT_WRONG,
    spelt_by_ear,
    ten_days_out,
    year_digit_wrong,
)
from fame.synth.names import BOYS, GIRLS, NICKNAMES
from fame.synth.people import Child

CHILDREN = 12_000


@dataclass(frozen=True, slots=True)
class Copy:
    record: AgencyRecord
    child: Child


@pytest.fixture(scope="module")
def messy() -> Region:
    return generate_region(CHILDREN, seed=3, as_of=REFERENCE_DATE)


@pytest.fixture(scope="module")
def plain() -> Region:
    """The same region with no life events and no further slips: the base error model only."""
    return generate_region(CHILDREN, seed=3, as_of=REFERENCE_DATE, messy=False)


def copies(region: Region) -> list[Copy]:
    children = {child.key: child for child in region.children}
    return [
        Copy(record, children[row.child_key])
        for record, row in zip(region.records, region.truth, strict=True)
    ]


def near(observed: float, expected: float, within: float = 0.35) -> bool:
    """Within ``within`` (a share of the expected rate) of the expected rate."""
    return abs(observed - expected) <= within * expected


def test_unlisted_nicknames_are_unknown_to_the_matcher_and_belong_to_names_drawn() -> None:
    known = [
        (formal, nickname)
        for formal, nicknames in UNLISTED_NICKNAMES.items()
        for nickname in nicknames
        if set(name_aliases(nickname.lower())) & set(name_aliases(formal.lower()))
    ]

    # A pair the matcher has learnt is no longer an unknown nickname: take it out of the list.
    assert known == []
    assert set(UNLISTED_NICKNAMES) <= set(GIRLS) | set(BOYS)


def test_base_draws_are_kept(messy: Region, plain: Region) -> None:
    """Children, families, involvements, local ids and the truth are those of the base model."""
    assert [(c.key, c.given_name, c.date_of_birth, c.sex) for c in messy.children] == [
        (c.key, c.given_name, c.date_of_birth, c.sex) for c in plain.children
    ]
    assert messy.truth == plain.truth
    assert [(r.agency_id, r.local_id, r.started_on) for r in messy.records] == [
        (r.agency_id, r.local_id, r.started_on) for r in plain.records
    ]
    assert messy.organisations == plain.organisations
    changed = sum(a != b for a, b in zip(messy.records, plain.records, strict=True))
    assert 0.05 * len(messy.records) < changed < 0.25 * len(messy.records)


def test_children_known_by_an_unlisted_nickname_are_recorded_by_it(messy: Region) -> None:
    mine = [c for c in copies(messy) if c.child.given_name in UNLISTED_NICKNAMES]
    using = [c for c in mine if c.record.given_name in UNLISTED_NICKNAMES[c.child.given_name]]

    # Each record of a child known by one uses it, unless the base model already gave
    # another name or the nickname is then misspelt (about 10% of records).
    expected = KNOWN_BY_UNLISTED_NICKNAME * UNLISTED_NICKNAME_USED * (1 - NICKNAME_MISSPELT) * 0.9
    assert near(len(using) / len(mine), expected), (len(using), len(mine))


def _nicknames_of(child: Child) -> tuple[str, ...]:
    return NICKNAMES.get(child.given_name, ()) + UNLISTED_NICKNAMES.get(child.given_name, ())


def _misspelling_of(written: str, names: tuple[str, ...]) -> bool:
    return written not in names and any(
        written[:1] == name[:1] and SequenceMatcher(None, written, name).ratio() >= 0.6
        for name in names
    )


def test_nicknames_are_misspelt_at_about_their_rate(messy: Region) -> None:
    exact = misspelt = 0
    for copy in copies(messy):
        nicknames, given = _nicknames_of(copy.child), copy.record.given_name
        if given in nicknames:
            exact += 1
        elif given != copy.child.given_name and _misspelling_of(given, nicknames):
            misspelt += 1

    # A base typo (2%) adds to the nicknames misspelt here.
    assert misspelt >= 30
    assert near(misspelt / (exact + misspelt), NICKNAME_MISSPELT + 0.02), (misspelt, exact)


def test_spelt_by_ear_gives_another_spelling_of_the_ending() -> None:
    rng = random.Random(1)
    assert {spelt_by_ear(rng, "Millie") for _ in range(50)} == {"Milly", "Milley", "Milli"}
    assert {spelt_by_ear(rng, "Molly") for _ in range(50)} == {"Mollie", "Molley"}
    assert spelt_by_ear(rng, "MILLIE") in {"MILLY", "MILLEY", "MILLI"}


def test_recent_moves_come_with_dates_of_birth_a_day_or_ten_out(messy: Region) -> None:
    moved = [f for f in messy.families if f.previous_address is not None]
    # The base model moves 8% of families in five years; a further share moved in the last two.
    assert near(len(moved) / len(messy.families), 0.08 + 0.92 * MOVED_RECENTLY, 0.15)

    after = [
        c
        for c in copies(messy)
        if c.child.family.moved_on is not None
        and c.record.started_on >= c.child.family.moved_on
        and c.record.date_of_birth is not None
    ]
    out = [abs((c.record.date_of_birth - c.child.date_of_birth).days) for c in after]  # type: ignore[operator]
    assert all(c.record.address_line_1 == c.child.family.address.line_1 for c in after)
    assert near(out.count(1) / len(after), DATE_OF_BIRTH_A_DAY_OUT, 0.25), (
        out.count(1),
        len(after),
    )
    ten = out.count(10) / len(after)
    assert near(ten, DATE_OF_BIRTH_TEN_DAYS_OUT * (1 - DATE_OF_BIRTH_A_DAY_OUT), 0.5), ten

    before = [c for c in copies(messy) if c.child.family.moved_on is not None and c not in after]
    old = sum(c.record.address_line_1 == c.child.family.previous_address.line_1 for c in before)  # type: ignore[union-attr]
    assert 0.3 < old / len(before) < 0.7


def test_ten_days_out_stays_in_the_month_when_it_can() -> None:
    rng = random.Random(2)
    assert ten_days_out(rng, date(2020, 3, 5), REFERENCE_DATE) == date(2020, 3, 15)
    assert ten_days_out(rng, date(2020, 3, 25), REFERENCE_DATE) == date(2020, 3, 15)
    assert {ten_days_out(rng, date(2020, 3, 15), REFERENCE_DATE) for _ in range(30)} == {
        date(2020, 3, 5),
        date(2020, 3, 25),
    }
    assert ten_days_out(rng, date(2026, 8, 25), REFERENCE_DATE) == date(2026, 8, 15)


def test_year_digit_wrong_changes_only_the_last_digit_of_the_year() -> None:
    rng = random.Random(3)
    slipped = [year_digit_wrong(rng, date(2015, 6, 1), REFERENCE_DATE) for _ in range(200)]

    assert all(day.replace(year=2015) == date(2015, 6, 1) for day in slipped)
    assert all(2010 <= day.year <= 2019 and day.year != 2015 for day in slipped)
    assert sum(day.year in (2014, 2016) for day in slipped) > 120
    assert year_digit_wrong(rng, date(2026, 8, 1), REFERENCE_DATE).year < 2026


def test_years_of_birth_are_wrong_by_one_digit_at_about_their_rate(messy: Region) -> None:
    dated = [c for c in copies(messy) if c.record.date_of_birth is not None]
    year_only = [
        c
        for c in dated
        if c.record.date_of_birth != c.child.date_of_birth
        and c.record.date_of_birth.replace(year=2000) == c.child.date_of_birth.replace(year=2000)  # type: ignore[union-attr]
        and c.record.date_of_birth.year // 10 == c.child.date_of_birth.year // 10  # type: ignore[union-attr]
    ]

    # The base model's date slips change the year's last digit in about 0.4% of records.
    assert near(len(year_only) / len(dated), YEAR_DIGIT_WRONG + 0.004, 0.4), len(year_only)


def test_changed_and_double_barrelled_family_names(messy: Region) -> None:
    changed = [c for c in messy.children if c.previous_family_name]
    # The base model changes 3% of children's names, twins and all.
    assert near(len(changed) / len(messy.children), 0.03 + NAME_CHANGED_RECENTLY, 0.25)
    joined = [c for c in changed if c.previous_family_name in c.family_name.split("-")]
    assert near(len(joined) / len(messy.children), NAME_CHANGED_RECENTLY * CHANGED_TO_DOUBLE_BARREL)

    new_name = [
        c
        for c in copies(messy)
        if c.child in joined and c.record.family_name == c.child.family_name
    ]
    noted = [c for c in new_name if c.record.previous_family_names]
    assert len(noted) >= 20
    assert len(new_name) - len(noted) >= 20
    assert all(c.record.previous_family_names == (c.child.previous_family_name,) for c in noted)

    barrelled = [c for c in copies(messy) if "-" in c.child.family_name]
    spaced = [c for c in barrelled if c.record.family_name == c.child.family_name.replace("-", " ")]
    assert near(len(spaced) / len(barrelled), DOUBLE_BARREL_UNHYPHENATED * 0.6, 0.5)


def test_twins_named_for_each_other_stay_two_children(messy: Region) -> None:
    by_key = {child.key: child for child in messy.children}
    pairs = [(by_key[c.twin_of], c) for c in messy.children if c.twin_of]
    crossed = [(a, b) for a, b in pairs if b.given_name in a.middle_names[:1]]
    both = [(a, b) for a, b in crossed if a.given_name in b.middle_names[:1]]

    assert near(len(crossed) / len(pairs), TWINS_NAMED_FOR_EACH_OTHER, 0.6), len(pairs)
    assert 0 < len(both) < len(crossed)
    assert len(both) / len(crossed) == pytest.approx(BOTH_TWINS_NAMED_FOR_EACH_OTHER, abs=0.35)
    assert all(a.key != b.key and a.given_name != b.given_name for a, b in crossed)
    # The records of a twin whose middle name is the other's given name stay that twin's.
    twins = {key for a, b in crossed for key in (a.key, b.key)}
    held = [c for c in copies(messy) if c.child.key in twins]
    assert len(held) >= len(twins)
    assert all(
        c.record.given_name.strip() != c.child.given_name
        or c.record.middle_names[:1] in ((), c.child.middle_names[:1])
        for c in held
    )


def test_name_change_dates_fall_in_the_childs_life(messy: Region) -> None:
    for child in messy.children:
        if child.family_name_changed_on is not None:
            assert child.date_of_birth < child.family_name_changed_on < REFERENCE_DATE
    for family in messy.families:
        if family.moved_on is not None:
            assert REFERENCE_DATE - timedelta(days=5 * 365) <= family.moved_on < REFERENCE_DATE
