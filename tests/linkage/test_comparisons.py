"""Each comparison level fires on a hand-made pair, and the SQL helpers match DuckDB."""

from __future__ import annotations

import random
from datetime import date

import duckdb
import pytest
from rapidfuzz.distance import DamerauLevenshtein

from fame.linkage import LinkageRecord
from fame.linkage._comparisons import (
    ADDRESS,
    DATE_OF_BIRTH,
    FAMILY_NAME,
    GIVEN_NAME,
    MIDDLE_NAMES,
    SEX,
    Comparison,
    jaro_winkler,
)
from fame.records import AgencyRecord

from .conftest import OLIVIA, variant


def level(comparison: Comparison, left: AgencyRecord, right: AgencyRecord) -> str:
    a, b = LinkageRecord.from_agency_record(left), LinkageRecord.from_agency_record(right)
    return comparison.levels[comparison.level_of(a, b)].label


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("Olivia", "OLIVIA", "exact"),
        ("Bill", "William", "nickname"),
        ("Livvy", "Olivia", "nickname"),
        ("Olivia", "Olivai", "Jaro-Winkler >= 0.92"),
        ("Max", "Mx", "one letter different"),
        ("Olivia", "Amelia", "different given names"),
        ("", "Olivia", "null"),
    ],
)
def test_given_name_levels_fire(left: str, right: str, expected: str) -> None:
    assert level(GIVEN_NAME, variant(given_name=left), variant(given_name=right)) == expected


def test_given_name_middle_name_used_as_given_name_either_way() -> None:
    known_by_middle = variant(given_name="Grace", middle_names=())

    assert level(GIVEN_NAME, OLIVIA, known_by_middle) == "middle name as given name"
    assert level(GIVEN_NAME, known_by_middle, OLIVIA) == "middle name as given name"


def test_given_name_jaro_winkler_lower_band() -> None:
    assert 0.88 <= jaro_winkler("ellie", "elsie") < 0.92
    assert level(GIVEN_NAME, variant(given_name="Ellie"), variant(given_name="Elsie")) == (
        "Jaro-Winkler >= 0.88"
    )


def test_middle_names_levels_fire() -> None:
    assert level(MIDDLE_NAMES, OLIVIA, variant()) == "same middle names"
    assert level(MIDDLE_NAMES, OLIVIA, variant(middle_names=("Rose", "Grace"))) == (
        "a middle name in common"
    )
    assert level(MIDDLE_NAMES, OLIVIA, variant(middle_names=("Rose",))) == "different middle names"
    assert level(MIDDLE_NAMES, OLIVIA, variant(middle_names=())) == "null"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"family_name": "hughes"}, "exact"),
        ({"family_name": "Khan", "previous_family_names": ("Hughes",)}, "previous family name"),
        ({"family_name": "Hughes-Khan"}, "part of a double-barrelled name"),
        ({"given_name": "Hughes", "family_name": "Olivia"}, "given and family names swapped"),
        ({"family_name": "Hughse"}, "Jaro-Winkler >= 0.92"),
        ({"family_name": "Patel"}, "different family names"),
        ({"family_name": ""}, "null"),
    ],
)
def test_family_name_levels_fire(changes: dict[str, object], expected: str) -> None:
    assert level(FAMILY_NAME, OLIVIA, variant(**changes)) == expected


def test_family_name_previous_name_matches_either_way() -> None:
    married = variant(family_name="Khan", previous_family_names=("Hughes",))

    assert level(FAMILY_NAME, married, OLIVIA) == "previous family name"


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2016, 3, 4), "exact"),
        (date(2016, 4, 3), "day/month swapped"),
        (date(2018, 3, 4), "one digit off"),
        (date(2016, 3, 10), "within a week"),
        (date(2016, 3, 17), "within a month"),
        (date(2016, 9, 30), "within a year"),
        (date(2012, 7, 19), "different dates of birth"),
        (None, "null"),
    ],
)
def test_date_of_birth_levels_fire(born: date | None, expected: str) -> None:
    assert level(DATE_OF_BIRTH, OLIVIA, variant(date_of_birth=born)) == expected


def test_sex_unknown_is_treated_as_null() -> None:
    assert level(SEX, OLIVIA, variant(sex="U")) == "null"
    assert level(SEX, OLIVIA, variant(sex="M")) == "different sex"
    assert level(SEX, OLIVIA, variant(sex="F")) == "exact"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"postcode": "qn1 2ab"}, "same postcode and line"),
        ({"address_line_1": "12 Moor Rd."}, "same postcode and line"),
        ({"address_line_1": "12 Moor Rod"}, "same postcode, similar line"),
        ({"address_line_1": "9 Fern Close"}, "same postcode, another line"),
        ({"address_line_1": ""}, "same postcode"),
        ({"postcode": ""}, "same line, other postcode"),
        ({"postcode": "QE5 8SG", "address_line_1": "12 Moor Rod"}, "similar line, other postcode"),
        ({"postcode": "QN1 2XY", "address_line_1": "3 Fern Close"}, "same sector"),
        ({"postcode": "QN1 7XY", "address_line_1": "3 Fern Close"}, "same district"),
        ({"postcode": "QE5 8SG", "address_line_1": "3 Fern Close"}, "different places"),
        ({"postcode": "", "address_line_1": ""}, "null"),
        ({"postcode": "", "address_line_1": "3 Fern Close"}, "different places"),
    ],
)
def test_address_levels_weigh_postcode_and_line_together(
    changes: dict[str, str], expected: str
) -> None:
    assert level(ADDRESS, OLIVIA, variant(**changes)) == expected


def _random_text(rng: random.Random, alphabet: str, longest: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest)))


def test_jaro_winkler_and_edit_distance_match_duckdb_exactly() -> None:
    rng = random.Random(3)
    pairs = [
        (_random_text(rng, "aeilnorst -", 12), _random_text(rng, "aeilnorst -", 12))
        for _ in range(3000)
    ]
    pairs += [
        (_random_text(rng, "abcdefgh 123", 70), _random_text(rng, "abcdefgh 123", 70))
        for _ in range(500)
    ]
    connection = duckdb.connect()
    connection.execute("CREATE TABLE pairs (a VARCHAR, b VARCHAR)")
    connection.executemany("INSERT INTO pairs VALUES (?, ?)", pairs)

    rows = connection.sql(
        "SELECT a, b, jaro_winkler_similarity(a, b), damerau_levenshtein(a, b) FROM pairs"
    ).fetchall()

    assert len(rows) == len(pairs)
    assert [jaro_winkler(a, b) for a, b, _, _ in rows] == [
        similarity for _, _, similarity, _ in rows
    ]
    assert [DamerauLevenshtein.distance(a, b) for a, b, _, _ in rows] == [d for *_, d in rows]
