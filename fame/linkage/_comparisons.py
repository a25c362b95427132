"""FAME's comparisons for children's records: each level written once in SQL and once in Python.

The SQL goes to Splink (DuckDB) for training and bulk linkage; the Python test
is what the runtime scorer applies to one pair. They sit side by side so a
reader can check one against the other, and a test checks them on thousands of
pairs. Levels are tried in order; the first that holds is the level of the pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein, Jaro

from ._normalise import LinkageRecord

Test = Callable[[LinkageRecord, LinkageRecord], bool]


@lru_cache(maxsize=1 << 16)
def jaro_winkler(left: str, right: str) -> float:
    """Jaro-Winkler similarity exactly as DuckDB's ``jaro_winkler_similarity`` computes it.

    The Jaro part is rapidfuzz's (the same algorithm DuckDB embeds, bit for bit).
    DuckDB's build fuses the Winkler step ``jaro + prefix * 0.1 * (1 - jaro)`` into
    one multiply-add with a single rounding; rapidfuzz rounds twice and so is
    sometimes one unit in the last place lower. Exact fractions reproduce DuckDB.
    Remembered for the last 65,536 pairs: a name meets the same names again and
    again, and two levels ask for the same pair (>= 0.92, then >= 0.88).
    """
    if not left or not right:
        return 0.0
    similarity = Jaro.similarity(left, right)
    if similarity <= 0.7:
        return similarity
    prefix = 0
    for a, b in zip(left[:4], right[:4], strict=False):
        if a != b:
            break
        prefix += 1
    return float(Fraction(similarity) + Fraction(prefix * 0.1) * Fraction(1.0 - similarity))


@dataclass(frozen=True)
class Level:
    """One comparison level: a label for people, SQL for Splink, a test for the scorer."""

    label: str
    sql: str
    test: Test
    is_null: bool = False
    tf_column: str | None = None
    fixed_m: float | None = None

    def as_splink(self) -> dict[str, Any]:
        level: dict[str, Any] = {"sql_condition": self.sql, "label_for_charts": self.label}
        if self.is_null:
            level["is_null_level"] = True
        if self.tf_column:
            level["tf_adjustment_column"] = self.tf_column
            level["tf_adjustment_weight"] = 1.0
        if self.fixed_m is not None:
            level["m_probability"] = self.fixed_m
            level["fix_m_probability"] = True
        return level


@dataclass(frozen=True)
class Comparison:
    """An ordered list of levels over one aspect of a record (its name in Splink's output)."""

    name: str
    description: str
    levels: tuple[Level, ...]

    def as_splink(self) -> dict[str, Any]:
        return {
            "output_column_name": self.name,
            "comparison_description": self.description,
            "comparison_levels": [level.as_splink() for level in self.levels],
        }

    def level_of(self, left: LinkageRecord, right: LinkageRecord) -> int:
        """The index of the first level that holds (the last level is 'else')."""
        for index, level in enumerate(self.levels):
            if level.test(left, right):
                return index
        raise AssertionError(f"no level of {self.name} holds; the last must be 'else'")


def _else(label: str = "else", fixed_m: float | None = None) -> Level:
    return Level(label, "ELSE", lambda left, right: True, fixed_m=fixed_m)


def _null(column: str) -> Level:
    return Level(
        "null",
        f"{column}_l IS NULL OR {column}_r IS NULL",
        lambda left, right: getattr(left, column) is None or getattr(right, column) is None,
        is_null=True,
    )


def _jw(column: str, threshold: float) -> Level:
    def test(left: LinkageRecord, right: LinkageRecord) -> bool:
        return jaro_winkler(getattr(left, column), getattr(right, column)) >= threshold

    return Level(
        f"Jaro-Winkler >= {threshold}",
        f"jaro_winkler_similarity({column}_l, {column}_r) >= {threshold}",
        test,
    )


def _one_in_others(one: str, many: str) -> Test:
    """The ``one`` field of either record is in the ``many`` field of the other."""

    def test(left: LinkageRecord, right: LinkageRecord) -> bool:
        return getattr(left, one) in getattr(right, many) or getattr(right, one) in getattr(
            left, many
        )

    return test


def _one_in_others_sql(one: str, many: str) -> str:
    return f"list_contains({many}_r, {one}_l) OR list_contains({many}_l, {one}_r)"


GIVEN_NAME = Comparison(
    "given_name",
    "Given name: exact, nickname, spelling, middle name used as given name",
    (
        _null("given_name"),
        Level(
            "exact",
            "given_name_l = given_name_r",
            lambda left, right: left.given_name == right.given_name,
            tf_column="given_name",
        ),
        Level(
            "nickname",
            "list_has_any(given_aliases_l, given_aliases_r)",
            lambda left, right: not set(left.given_aliases).isdisjoint(right.given_aliases),
        ),
        _jw("given_name", 0.92),
        _jw("given_name", 0.88),
        Level(
            "one letter different",
            "damerau_levenshtein(given_name_l, given_name_r) <= 1",
            lambda left, right: (
                DamerauLevenshtein.distance(left.given_name or "", right.given_name or "") <= 1
            ),
        ),
        Level(
            "middle name as given name",
            _one_in_others_sql("given_name", "middle_names"),
            _one_in_others("given_name", "middle_names"),
        ),
        Level(
            "given and family names swapped",
            "given_name_l = family_name_r OR given_name_r = family_name_l",
            lambda left, right: (
                left.given_name == right.family_name or right.given_name == left.family_name
            ),
        ),
        _else("different given names"),
    ),
)

MIDDLE_NAMES = Comparison(
    "middle_names",
    "Middle names, where both records have some",
    (
        Level(
            "null",
            "len(middle_names_l) = 0 OR len(middle_names_r) = 0",
            lambda left, right: not left.middle_names or not right.middle_names,
            is_null=True,
        ),
        Level(
            "same middle names",
            "middle_names_l = middle_names_r",
            lambda left, right: left.middle_names == right.middle_names,
        ),
        Level(
            "a middle name in common",
            "list_has_any(middle_names_l, middle_names_r)",
            lambda left, right: not set(left.middle_names).isdisjoint(right.middle_names),
        ),
        _else("different middle names"),
    ),
)

FAMILY_NAME = Comparison(
    "family_name",
    "Family name: exact, previous name, part of a double-barrelled name, spelling",
    (
        _null("family_name"),
        Level(
            "exact",
            "family_name_l = family_name_r",
            lambda left, right: left.family_name == right.family_name,
            tf_column="family_name",
        ),
        Level(
            "previous family name",
            _one_in_others_sql("family_name", "previous_family_names"),
            _one_in_others("family_name", "previous_family_names"),
        ),
        Level(
            "part of a double-barrelled name",
            "list_has_any(family_parts_l, family_parts_r)",
            lambda left, right: not set(left.family_parts).isdisjoint(right.family_parts),
        ),
        Level(
            "given and family names swapped",
            "family_name_l = given_name_r OR family_name_r = given_name_l",
            lambda left, right: (
                left.family_name == right.given_name or right.family_name == left.given_name
            ),
        ),
        _jw("family_name", 0.92),
        _jw("family_name", 0.88),
        _else("different family names"),
    ),
)


def _days_apart(left: LinkageRecord, right: LinkageRecord) -> int:
    assert left.date_of_birth is not None and right.date_of_birth is not None
    return abs((left.date_of_birth - right.date_of_birth).days)


def _one_digit_off(left: LinkageRecord, right: LinkageRecord) -> bool:
    assert left.dob_digits is not None and right.dob_digits is not None
    return sum(a != b for a, b in zip(left.dob_digits, right.dob_digits, strict=True)) == 1


_DAYS_APART_SQL = "abs(date_diff('day', date_of_birth_l, date_of_birth_r))"

DATE_OF_BIRTH = Comparison(
    "date_of_birth",
    "Date of birth: exact, day and month swapped, one digit off, within a month, a year",
    (
        _null("date_of_birth"),
        Level(
            "exact",
            "date_of_birth_l = date_of_birth_r",
            lambda left, right: left.date_of_birth == right.date_of_birth,
        ),
        Level(
            "day/month swapped",
            "dob_swapped_l = dob_digits_r",
            lambda left, right: (
                left.dob_swapped is not None and left.dob_swapped == right.dob_digits
            ),
        ),
        Level("one digit off", "hamming(dob_digits_l, dob_digits_r) = 1", _one_digit_off),
        Level(
            "within a week",
            f"{_DAYS_APART_SQL} <= 7",
            lambda left, right: _days_apart(left, right) <= 7,
        ),
        Level(
            "within a month",
            f"{_DAYS_APART_SQL} <= 31",
            lambda left, right: _days_apart(left, right) <= 31,
        ),
        Level(
            "within a year",
            f"{_DAYS_APART_SQL} <= 366",
            lambda left, right: _days_apart(left, right) <= 366,
        ),
        _else("different dates of birth"),
    ),
)

SEX = Comparison(
    "sex",
    "Sex (U is treated as unknown)",
    (
        _null("sex"),
        Level("exact", "sex_l = sex_r", lambda left, right: left.sex == right.sex),
        _else("different sex"),
    ),
)


def _same(column: str) -> Test:
    def test(left: LinkageRecord, right: LinkageRecord) -> bool:
        value = getattr(left, column)
        return value is not None and value == getattr(right, column)

    return test


def _same_postcode_and(line: Test) -> Test:
    def test(left: LinkageRecord, right: LinkageRecord) -> bool:
        return left.postcode is not None and left.postcode == right.postcode and line(left, right)

    return test


def _lines(test: Callable[[str, str], bool]) -> Test:
    def lines(left: LinkageRecord, right: LinkageRecord) -> bool:
        return (
            left.address is not None
            and right.address is not None
            and test(left.address, right.address)
        )

    return lines


def _similar(left: str, right: str) -> bool:
    return jaro_winkler(left, right) >= 0.9


def _equal(left: str, right: str) -> bool:
    return left == right


_BOTH_LINES = "address_l IS NOT NULL AND address_r IS NOT NULL"
_SIMILAR_LINES = "jaro_winkler_similarity(address_l, address_r) >= 0.9"

ADDRESS = Comparison(
    "address",
    "Where the child lives: postcode and first address line, weighed together",
    (
        Level(
            "null",
            "(postcode_l IS NULL OR postcode_r IS NULL) "
            "AND (address_l IS NULL OR address_r IS NULL)",
            lambda left, right: (
                (left.postcode is None or right.postcode is None)
                and (left.address is None or right.address is None)
            ),
            is_null=True,
        ),
        Level(
            "same postcode and line",
            "postcode_l = postcode_r AND address_l = address_r",
            _same_postcode_and(_lines(_equal)),
        ),
        Level(
            "same postcode, similar line",
            f"postcode_l = postcode_r AND {_SIMILAR_LINES}",
            _same_postcode_and(_lines(_similar)),
        ),
        Level(
            "same postcode, another line",
            f"postcode_l = postcode_r AND {_BOTH_LINES}",
            _same_postcode_and(
                lambda left, right: left.address is not None and right.address is not None
            ),
        ),
        Level("same postcode", "postcode_l = postcode_r", _same("postcode")),
        Level("same line, other postcode", "address_l = address_r", _lines(_equal)),
        Level("similar line, other postcode", _SIMILAR_LINES, _lines(_similar)),
        Level("same sector", "postcode_sector_l = postcode_sector_r", _same("postcode_sector")),
        Level(
            "same district", "postcode_district_l = postcode_district_r", _same("postcode_district")
        ),
        _else("different places"),
    ),
)
"""Postcode and address line are one comparison: they agree together for nearly every pair
at one address, so two comparisons would count the same evidence twice and make
brothers and sisters look like one child; as levels of one comparison, 'same postcode,
another line' (a different house or street in one postcode: Emma White at 3 Fern Close,
Emma McCarter at 9 Fern Close) gets a weight of its own that training sets."""

GIVEN_NAMES_DIFFER = len(GIVEN_NAME.levels) - 1
"""The given-name level 'different given names' (the last)."""


def _given_names_differ(left: LinkageRecord, right: LinkageRecord) -> bool:
    return GIVEN_NAME.level_of(left, right) == GIVEN_NAMES_DIFFER


_GIVEN_NAMES_DIFFER_SQL = " AND ".join(
    f"NOT coalesce(({level.sql}), false)" for level in GIVEN_NAME.levels[:-1]
)


def _twins_look(left: LinkageRecord, right: LinkageRecord) -> bool:
    return (
        left.family_name is not None
        and left.family_name == right.family_name
        and left.date_of_birth is not None
        and left.date_of_birth == right.date_of_birth
        and left.postcode is not None
        and left.postcode == right.postcode
        and _given_names_differ(left, right)
    )


TWINS = Comparison(
    "twins",
    "One family name, birthday and postcode, given names that differ: what twins look like",
    (
        Level(
            "null",
            " OR ".join(
                f"{column}_{side} IS NULL"
                for column in ("family_name", "date_of_birth", "postcode")
                for side in ("l", "r")
            ),
            lambda left, right: any(
                getattr(record, column) is None
                for column in ("family_name", "date_of_birth", "postcode")
                for record in (left, right)
            ),
            is_null=True,
        ),
        Level(
            "twins' pattern",
            "family_name_l = family_name_r AND date_of_birth_l = date_of_birth_r "
            f"AND postcode_l = postcode_r AND {_GIVEN_NAMES_DIFFER_SQL}",
            _twins_look,
        ),
        _else("not twins' pattern"),
    ),
)
"""A correction for what the other comparisons, added up as if independent, overstate.

Two records sharing family name, birthday and postcode are far more often two
children (twins) than the product of the three agreements' chances among random
pairs says. Training measures that excess on the data (``_training.twins_correction``)
and gives this level the weight that makes the pattern's total match what the data
show; it is 0 where no excess is found (FEBRL has no twins). Not trained by EM."""

COMPARISONS: tuple[Comparison, ...] = (
    GIVEN_NAME,
    MIDDLE_NAMES,
    FAMILY_NAME,
    DATE_OF_BIRTH,
    SEX,
    ADDRESS,
    TWINS,
)
"""FAME's comparisons, in the order Splink's settings and the scorer's explanation use."""

TRAINED_BY_EM: tuple[Comparison, ...] = COMPARISONS[:-1]
"""The comparisons whose m EM estimates (the twins correction is computed after)."""

TF_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        level.tf_column
        for comparison in COMPARISONS
        for level in comparison.levels
        if level.tf_column
    )
)
"""Columns whose exact-match weight is adjusted for how common the value is."""
