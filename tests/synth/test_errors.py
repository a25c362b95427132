"""The error model's building blocks."""

from __future__ import annotations

import random
from datetime import date

import pytest

from fame.synth.errors import digit_slip, swap_day_and_month, typo


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def test_typo_changes_a_name_by_one_slip() -> None:
    rng = random.Random(1)

    typos = [typo(rng, "Harrison") for _ in range(200)]

    assert all(1 <= edit_distance(name, "Harrison") <= 2 for name in typos if name != "Harrison")
    assert all(name[0] == "H" for name in typos)
    assert len(set(typos)) > 20


def test_typo_leaves_very_short_names_alone() -> None:
    assert typo(random.Random(1), "Al") == "Al"


@pytest.mark.parametrize(
    ("day", "swapped"),
    [
        (date(2015, 3, 7), date(2015, 7, 3)),
        (date(2015, 3, 13), date(2015, 3, 13)),
        (date(2015, 4, 4), date(2015, 4, 4)),
    ],
)
def test_swap_day_and_month_only_when_possible(day: date, swapped: date) -> None:
    assert swap_day_and_month(day) == swapped


def test_digit_slip_changes_one_digit_and_stays_a_real_past_date() -> None:
    rng, birth, latest = random.Random(4), date(2016, 11, 24), date(2026, 9, 1)

    for _ in range(200):
        slipped = digit_slip(rng, birth, latest)
        differing = sum(a != b for a, b in zip(slipped.isoformat(), birth.isoformat(), strict=True))
        assert slipped <= latest
        assert 1 <= differing <= 2  # 2016 -> 2015 is one digit of the year, written twice
