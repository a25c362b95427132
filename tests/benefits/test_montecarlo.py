"""Monte Carlo runs of the NPV: reproducible with a seed, percentiles in order."""

from __future__ import annotations

import pytest

from fame.benefits import ModelError, calculate, read_model
from fame.benefits.montecarlo import read_ranges, run

from .examples import example

RANGES = {
    "benefits[0].hours_per_month": {"low": 1, "likely": 2, "high": 4},
    "costs[0].amount": {"low": 25000, "likely": 30000, "high": 45000},
}


def test_the_same_seed_gives_the_same_answer_and_another_seed_another() -> None:
    data = example()
    ranges = read_ranges(RANGES, data)

    first = run(data, ranges, runs=300, seed=7)
    again = run(data, ranges, runs=300, seed=7)
    other = run(data, ranges, runs=300, seed=8)

    assert first == again
    assert other.p50 != first.p50


def test_percentiles_are_in_order() -> None:
    data = example()

    outcome = run(data, read_ranges(RANGES, data), runs=500, seed=1)

    assert outcome.p10 <= outcome.p50 <= outcome.p90
    assert outcome.p10 < outcome.p90
    assert 0 <= outcome.share_positive <= 1


def test_a_range_of_one_value_gives_that_npv_every_run() -> None:
    data = example()
    ranges = read_ranges({"benefits[2].amount": {"low": 8000, "likely": 8000, "high": 8000}}, data)
    npv = float(calculate(read_model(data)).npv)

    outcome = run(data, ranges, runs=50)

    assert outcome.p10 == outcome.p50 == outcome.p90 == pytest.approx(npv, abs=1e-6)
    assert outcome.share_positive == 1


def test_p10_and_p50_of_a_symmetric_range_are_worked_by_hand() -> None:
    # The NPV moves by 0.9 x 4.6730792 = 4.2057713 for each pound a year of licences.
    # Triangular(6,000, 8,000, 10,000): median 8,000, so P50 is about the base NPV;
    # P10 solves (x - 6,000)^2 / (4,000 x 2,000) = 0.1: x = 6,000 + 894.43 = 6,894.43,
    # so P10 is about base - (8,000 - 6,894.43) x 4.2057713 = base - 4,649.77.
    # Sampling error with 2,000 runs is about 100 at P50 and 130 at P10.
    data = example()
    ranges = read_ranges({"benefits[2].amount": {"low": 6000, "likely": 8000, "high": 10000}}, data)
    base = float(calculate(read_model(data)).npv)

    outcome = run(data, ranges, seed=11)

    assert outcome.p50 == pytest.approx(base, abs=400)
    assert outcome.p10 == pytest.approx(base - 4649.77, abs=500)


def test_bad_ranges_are_refused_each_with_its_path() -> None:
    bad = {
        "benefits[9].amount": {"low": 1, "likely": 2, "high": 3},
        "benefits[0].share_saved": {"low": 0.4, "likely": 0.5, "high": 1.2},
        "costs[0].amount": {"low": 5, "likely": 2, "high": 9},
        "costs[1].amount": {"low": 5, "high": 9},
        "benefits[2].amount": {"low": -5, "likely": 0, "high": 9},
    }

    with pytest.raises(ModelError) as refused:
        read_ranges(bad, example())

    assert refused.value.problems == [
        "ranges.benefits[9].amount: not an assumption of this model",
        "ranges.benefits[0].share_saved: the range must lie within 0 to 1",
        "ranges.costs[0].amount: low 5, likely 2, high 9 are not in order",
        "ranges.costs[1].amount: give numbers for likely",
        "ranges.benefits[2].amount: the range cannot go below 0",
    ]


def test_a_drawn_discount_rate_is_used_in_the_npv() -> None:
    # At 0% nothing is discounted: the NPV is the sum of the nets,
    # 27,525 + 257,175 + 3 x 382,500 = 1,432,200
    data = example()
    ranges = read_ranges({"discount_rate": {"low": 0, "likely": 0, "high": 0}}, data)

    outcome = run(data, ranges, runs=5)

    assert outcome.p50 == pytest.approx(1_432_200, abs=1e-6)
