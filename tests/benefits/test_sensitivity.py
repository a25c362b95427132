"""The tornado: each assumption moved 20% either way, sorted by how far the NPV swings.

Factors at 3.5%: 1, 0.9661836, 0.9335107, 0.9019427, 0.8714422 (sum 4.6730792).
"""

from __future__ import annotations

from decimal import Decimal

from fame.benefits.sensitivity import tornado

from .examples import example


def penny(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def test_rows_come_largest_swing_first_and_every_assumption_is_there() -> None:
    _, rows = tornado(example())

    swings = [row.swing for row in rows]
    assert swings == sorted(swings, reverse=True)
    assert {row.path for row in rows} == {
        "costs[0].amount",
        "costs[1].amount",
        "benefits[0].hours_per_month",
        "benefits[0].share_saved",
        "benefits[0].hourly_cost",
        "benefits[1].cases_per_year",
        "benefits[1].share_averted",
        "benefits[1].cost_per_case",
        "benefits[2].amount",
        "discount_rate",
        "optimism_bias.costs",
        "optimism_bias.benefits",
    }


def test_the_time_benefits_inputs_swing_by_forty_percent_of_its_present_value() -> None:
    # The time benefit is the only non-cashable one; its PV is 1,182,876.65 (test_calculate).
    # It is linear in hours: 0.8x to 1.2x moves the NPV by 0.4 x 1,182,876.65 = 473,150.66
    base, rows = tornado(example())
    hours = next(row for row in rows if row.path == "benefits[0].hours_per_month")

    assert rows[0].swing == hours.swing
    assert penny(hours.swing) == Decimal("473150.66")
    assert (hours.low, hours.high) == (Decimal("1.6"), Decimal("2.4"))
    assert hours.npv_low < base < hours.npv_high


def test_a_cost_moving_up_brings_the_npv_down() -> None:
    # Hosting: 30,000 x 1.2 = 36,000 a year for 5 years, PV 36,000 x 4.6730792 = 168,230.85;
    # swing 0.4 x 168,230.85 = 67,292.34
    base, rows = tornado(example())
    hosting = next(row for row in rows if row.path == "costs[0].amount")

    assert hosting.npv_high < base < hosting.npv_low
    assert penny(hosting.swing) == Decimal("67292.34")


def test_a_share_is_held_at_one_when_moved_up() -> None:
    data = example()
    data["benefits"][0]["share_saved"] = 0.9

    _, rows = tornado(data)
    saved = next(row for row in rows if row.path == "benefits[0].share_saved")

    assert (saved.low, saved.high) == (Decimal("0.72"), Decimal(1))


def test_an_assumption_at_zero_does_not_swing() -> None:
    data = example()
    data["benefits"][2]["amount"] = 0

    _, rows = tornado(data)

    assert rows[-1].path == "benefits[2].amount"
    assert rows[-1].swing == 0
