"""Blocking keys: a child's variants share a key; candidate recall stays high."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fame.linkage import KEY_KINDS, blocking_keys
from fame.linkage._blocking import swap_free_date
from fame.synth import Region

from .conftest import OLIVIA, variant


@pytest.mark.parametrize(
    "changes",
    [
        {"given_name": "Livvy", "address_line_1": "3 Fern Close", "postcode": "QN7 1XY"},
        {"date_of_birth": date(2016, 4, 3)},
        {"date_of_birth": date(2018, 3, 4), "postcode": "QE5 8SG"},
        {"family_name": "Khan", "previous_family_names": ("Hughes",), "postcode": "QE5 8SG"},
        {"family_name": "Hughes-Khan", "postcode": "QE5 8SG"},
        {"family_name": "Hugehs", "given_name": "Olivai"},
        {"given_name": "Grace", "middle_names": (), "date_of_birth": None},
        {"given_name": "Hughes", "family_name": "Olivia", "postcode": "QE5 8SG"},
        {"date_of_birth": None, "postcode": ""},
    ],
)
def test_blocking_keys_same_child_variants_share_a_key(changes: dict[str, object]) -> None:
    assert blocking_keys(OLIVIA) & blocking_keys(variant(**changes))


def test_blocking_keys_are_short_strings_of_known_kinds() -> None:
    keys = blocking_keys(OLIVIA)

    assert "dob~name:2016-03-04:H220" in keys
    assert not any("2016-04-03" in key for key in keys)  # 3 April is written 2016-03-04
    assert "pc~name:QN1 2AB:H220" in keys
    assert {key.split(":")[0] for key in keys} <= set(KEY_KINDS)
    assert max(len(key) for key in keys) <= 40


def test_blocking_keys_a_birthday_and_its_swap_give_the_same_keys() -> None:
    swapped = variant(date_of_birth=date(2016, 4, 3))  # OLIVIA was born on 4 March

    assert blocking_keys(swapped) == blocking_keys(OLIVIA)


BIRTHDAYS = st.dates(date(1990, 1, 1), date(2030, 12, 31))


@given(BIRTHDAYS, BIRTHDAYS)
def test_swap_free_date_is_shared_only_by_a_date_and_its_swap(one: date, other: date) -> None:
    swap = (one.year, one.day, one.month)

    same_or_swapped = other == one or (other.year, other.month, other.day) == swap

    assert (swap_free_date(one) == swap_free_date(other)) == same_or_swapped


def test_blocking_keys_different_children_at_other_addresses_share_none() -> None:
    stranger = variant(
        given_name="Noah", family_name="Patel", date_of_birth=date(2012, 7, 19), postcode="QE5 8SG"
    )

    assert not blocking_keys(OLIVIA) & blocking_keys(stranger)


def test_blocking_keys_recall_on_a_small_region_is_at_least_99_percent(
    small_region: Region,
) -> None:
    keys = [blocking_keys(record) for record in small_region.records]
    child_of = {(row.agency_id, row.local_id): row.child_key for row in small_region.truth}
    by_child: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(small_region.records):
        by_child[child_of[record.agency_id, record.local_id]].append(index)
    holders: dict[str, set[int]] = defaultdict(set)
    for index, record_keys in enumerate(keys):
        for key in record_keys:
            holders[key].add(index)

    true_pairs = [pair for members in by_child.values() for pair in combinations(members, 2)]
    found = sum(bool(keys[a] & keys[b]) for a, b in true_pairs)
    candidates = sorted(len(set().union(*(holders[k] for k in ks))) - 1 for ks in keys)

    assert len(true_pairs) > 1000
    assert found / len(true_pairs) >= 0.99
    assert sum(candidates) / len(candidates) < 20  # candidates per record stay few
