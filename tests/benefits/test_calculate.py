"""The Green Book arithmetic against the issue's example model, worked by hand.

The example (tests/benefits/example.json): 5 years, 3.5%, optimism bias 20% on costs and
10% off benefits; partners la (population 40,000, 600 practitioners) and pct (40,000, 250).

Costs, each x 1.2:
  Hub hosting, running 30,000 a year, years 1-5: 36,000 a year, shared by population 1:1;
  Integration, one-off 20,000 in year 1: 24,000, shared la 0.7, pct 0.3.
Benefits at full ramp, each x 0.9:
  time: 2 h x 12 x 0.5 x £35 x (600 + 250) = 357,000; x 0.9 = 321,300 (non-cashable),
        ramp 0.25, 0.75, 1, 1, 1 -> 80,325; 240,975; 321,300; ...; shared by practitioners;
  avoided cost: 40 x 0.1 x £25,000 = 100,000; x 0.9 = 90,000 (cashable),
        ramp 0, 0.5, 1, 1, 1 -> 0; 45,000; 90,000; ...; shared equally;
  amount: 8,000 x 0.9 = 7,200 a year (cashable), all to la.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from fame.benefits import as_json, calculate, read_model
from fame.benefits.calculate import discount_factor

from .examples import example


def penny(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_year_one_is_worked_by_hand() -> None:
    # costs: one-off 24,000; running 36,000 -> 60,000
    # benefits: cashable 7,200 (licences; escalations ramp 0); non-cashable 80,325
    # net 87,525 - 60,000 = 27,525; factor 1/1.035^0 = 1; discounted net 27,525
    year = calculate(read_model(example())).years[0]

    assert (year.one_off, year.running) == (Decimal(24000), Decimal(36000))
    assert (year.cashable, year.non_cashable) == (Decimal(7200), Decimal(80325))
    assert year.net == Decimal(27525)
    assert year.discount_factor == 1
    assert year.discounted_net == Decimal(27525)


def test_year_two_is_worked_by_hand() -> None:
    # costs: running 36,000 only
    # benefits: cashable 45,000 + 7,200 = 52,200; non-cashable 240,975; total 293,175
    # net 257,175; factor 1/1.035 = 0.966183574879...; discounted 257,175/1.035 = 248,478.26
    year = calculate(read_model(example())).years[1]

    assert (year.one_off, year.running) == (Decimal(0), Decimal(36000))
    assert (year.cashable, year.non_cashable) == (Decimal(52200), Decimal(240975))
    assert year.net == Decimal(257175)
    assert round(year.discount_factor, 12) == Decimal("0.966183574879")
    assert penny(year.discounted_net) == Decimal("248478.26")


def test_totals_are_worked_by_hand() -> None:
    # years 3-5: benefits 90,000 + 7,200 + 321,300 = 418,500; costs 36,000; net 382,500
    # discounted nets: 27,525 + 257,175/1.035 + 382,500 x (1/1.035^2 + 1/1.035^3 + 1/1.035^4)
    #   = 27,525 + 248,478.2609 + 382,500 x (0.9335107 + 0.9019427 + 0.8714422)
    #   = 27,525 + 248,478.2609 + 1,035,387.5798 = 1,311,390.84
    # PV costs = 60,000 + 36,000 x (0.9661836 + 0.9335107 + 0.9019427 + 0.8714422)
    #   = 60,000 + 36,000 x 3.6730792 = 192,230.85
    # PV benefits = NPV + PV costs = 1,503,621.69; BCR = 1,503,621.69 / 192,230.85 = 7.82
    # year 1's discounted net is already positive: payback year 1
    result = calculate(read_model(example()))

    assert penny(result.npv) == Decimal("1311390.84")
    assert penny(result.pv_costs) == Decimal("192230.85")
    assert penny(result.pv_benefits) == Decimal("1503621.69")
    assert round(result.bcr or 0, 2) == Decimal("7.82")
    assert result.payback_year == 1


def test_cashable_and_non_cashable_are_shown_apart_and_together() -> None:
    # PV non-cashable = 321,300 x (0.25 + 0.75 x 0.9661836 + 0.9335107 + 0.9019427
    #   + 0.8714422) = 321,300 x 3.6815333 = 1,182,876.65; cashable the rest: 320,745.04
    result = calculate(read_model(example()))

    assert penny(result.pv("non_cashable")) == Decimal("1182876.65")
    assert penny(result.pv("cashable")) == Decimal("320745.04")
    assert result.pv("cashable") + result.pv("non_cashable") == result.pv_benefits


def test_each_partner_pays_and_gains_by_its_rules_worked_by_hand() -> None:
    # year 1, la: costs 36,000/2 + 24,000 x 0.7 = 34,800;
    #   benefits 80,325 x 600/850 + 7,200 = 56,700 + 7,200 = 63,900; net 29,100
    # year 1, pct: costs 18,000 + 7,200 = 25,200; benefits 80,325 x 250/850 = 23,625;
    #   net -1,575: pct pays more than it gains in year 1
    # year 2, la: benefits 240,975 x 600/850 + 45,000/2 + 7,200 = 170,100 + 22,500 + 7,200
    #   = 199,800; pct 70,875 + 22,500 = 93,375
    partners = calculate(read_model(example())).partners

    assert partners["la"].costs[:2] == (Decimal(34800), Decimal(18000))
    assert partners["pct"].costs[:2] == (Decimal(25200), Decimal(18000))
    assert partners["la"].benefits[:2] == (Decimal(63900), Decimal(199800))
    assert partners["pct"].benefits[:2] == (Decimal(23625), Decimal(93375))
    assert partners["pct"].net[0] == Decimal(-1575)


def test_discount_factor_leaves_year_one_alone_and_compounds_after() -> None:
    # 1/1.035^2 = 1/1.071225 = 0.933510700...
    assert discount_factor(Decimal("0.035"), 1) == 1
    assert round(discount_factor(Decimal("0.035"), 3), 9) == Decimal("0.933510700")


def test_bcr_is_none_and_payback_never_when_there_are_no_costs_or_no_return() -> None:
    free = example()
    free["costs"] = []
    losing = example()
    losing["benefits"] = []

    assert calculate(read_model(free)).bcr is None
    assert calculate(read_model(losing)).payback_year is None


def test_payback_is_the_first_year_the_cumulative_discounted_net_is_not_negative() -> None:
    # No discounting or bias: costs 100 in year 1; benefit 40 a year from year 1:
    # cumulative net -60, -20, +20 -> payback year 3
    model = {
        "years": 4,
        "discount_rate": 0,
        "optimism_bias": {"costs": 0, "benefits": 0},
        "partners": [{"id": "a", "population": 1, "practitioners": 1}],
        "costs": [
            {"name": "c", "kind": "one_off", "amount": 100, "year": 1, "shared": {"rule": "equal"}}
        ],
        "benefits": [
            {
                "name": "b",
                "kind": "amount",
                "cashable": True,
                "amount": 40,
                "ramp": [1, 1, 1, 1],
                "shared": {"rule": "equal"},
            }
        ],
    }

    result = calculate(read_model(model))

    assert [float(c) for c in result.cumulative_discounted_net] == [-60, -20, 20, 60]
    assert result.payback_year == 3


def test_json_has_the_issues_keys() -> None:
    data = as_json(calculate(read_model(example())))

    assert set(data["totals"]) >= {"npv", "bcr", "payback_year", "pv_costs", "pv_benefits"}
    assert set(data["years"][0]) >= {
        "year",
        "costs",
        "benefits",
        "net",
        "discount_factor",
        "discounted_net",
    }
    assert set(data["years"][0]["costs"]) >= {"one_off", "running"}
    assert set(data["years"][0]["benefits"]) >= {"cashable", "non_cashable"}
    assert set(data["partners"]) == {"la", "pct"}
    assert set(data["partners"]["la"]) >= {"costs", "benefits", "net", "pv_net"}
    assert data["totals"]["npv"] == pytest.approx(1311390.84, abs=0.005)
    assert data["years"][1]["discounted_net"] == pytest.approx(248478.260870, abs=1e-6)


def test_a_time_benefit_counts_every_partners_practitioners_then_shares_by_its_rule() -> None:
    # 2 h x 12 x 0.5 x £35 x (100 + 200 + 300) = 252,000 a year (no bias, full ramp),
    # shared equally: 84,000 each, though the partners' practitioners differ
    model = {
        "years": 1,
        "discount_rate": 0.035,
        "optimism_bias": {"costs": 0, "benefits": 0},
        "partners": [
            {"id": "la", "population": 1, "practitioners": 100},
            {"id": "pct", "population": 1, "practitioners": 200},
            {"id": "police", "population": 1, "practitioners": 300},
        ],
        "costs": [],
        "benefits": [
            {
                "name": "t",
                "kind": "time",
                "cashable": False,
                "hours_per_month": 2,
                "share_saved": 0.5,
                "hourly_cost": 35,
                "ramp": [1],
                "shared": {"rule": "equal"},
            }
        ],
    }

    result = calculate(read_model(model))

    assert result.years[0].non_cashable == 252000
    assert {pid: p.benefits[0] for pid, p in result.partners.items()} == {
        "la": 84000,
        "pct": 84000,
        "police": 84000,
    }
