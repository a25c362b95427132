"""Sharing amounts between partners, and the property that partners' parts add up to the
totals for any model."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fame.benefits import calculate, read_model
from fame.benefits.model import Partner, Sharing
from fame.benefits.sharing import split

PARTNERS = (
    Partner("la", Decimal(60000), Decimal(600)),
    Partner("pct", Decimal(30000), Decimal(250)),
    Partner("police", Decimal(10000), Decimal(150)),
)


def test_equal_gives_each_the_same_and_the_last_the_odd_fraction() -> None:
    # 100 / 3 = 33.333333333333 (to 1e-12) each; the last takes 100 - 66.666666666666
    parts = split(Decimal(100), Sharing("equal"), PARTNERS)

    assert parts == {
        "la": Decimal("33.333333333333"),
        "pct": Decimal("33.333333333333"),
        "police": Decimal("33.333333333334"),
    }
    assert sum(parts.values()) == 100


def test_population_shares_in_proportion() -> None:
    # 60,000 : 30,000 : 10,000 of 100,000 -> 60%, 30%, 10% of 5,000
    parts = split(Decimal(5000), Sharing("population"), PARTNERS)

    assert parts == {"la": 3000, "pct": 1500, "police": 500}


def test_practitioners_shares_in_proportion() -> None:
    # 600 : 250 : 150 of 1,000 -> 60%, 25%, 15% of 8,000
    parts = split(Decimal(8000), Sharing("practitioners"), PARTNERS)

    assert parts == {"la": 4800, "pct": 2000, "police": 1200}


def test_usage_shares_by_the_counts_and_a_partner_not_counted_gets_nothing() -> None:
    # 120 : 80 searches -> 60%, 40% of 1,000
    sharing = Sharing("usage", (("la", Decimal(120)), ("pct", Decimal(80))))

    parts = split(Decimal(1000), sharing, PARTNERS)

    assert parts == {"la": 600, "pct": 400, "police": 0}


def test_custom_shares_typed_short_of_one_are_scaled_to_the_whole() -> None:
    # 0.3333333 x 3 = 0.9999999 (within a millionth of 1): each gets a third of 900,
    # 300 each, and the parts add up to exactly 900, not 899.99991
    third = Decimal("0.3333333")
    sharing = Sharing("custom", (("la", third), ("pct", third), ("police", third)))

    parts = split(Decimal(900), sharing, PARTNERS)

    assert parts == {"la": 300, "pct": 300, "police": 300}
    assert sum(parts.values()) == 900


def test_the_remainder_goes_to_a_partner_with_a_share() -> None:
    # police has no share: the odd fraction must not land on it
    sharing = Sharing("custom", (("la", Decimal("0.5")), ("pct", Decimal("0.5"))))

    parts = split(Decimal("0.000000000001"), sharing, PARTNERS)

    assert parts["police"] == 0
    assert sum(parts.values()) == Decimal("0.000000000001")


# --- property: partners' parts add up to the totals, for random models and rules ----------

money = st.decimals(min_value=0, max_value=10_000_000, places=2)
share = st.decimals(min_value=0, max_value=1, places=3)


@st.composite
def sharings(draw: Any, ids: list[str]) -> dict[str, Any]:
    rule = draw(st.sampled_from(["equal", "population", "practitioners", "usage", "custom"]))
    if rule == "usage":
        counts = {pid: draw(st.integers(0, 500)) for pid in ids}
        counts[ids[0]] += 1  # some usage
        return {"rule": rule, "usage": counts}
    if rule == "custom":
        cuts = sorted(draw(st.lists(share, min_size=len(ids) - 1, max_size=len(ids) - 1)))
        edges = [Decimal(0), *cuts, Decimal(1)]
        return {"rule": rule, "shares": {pid: edges[i + 1] - edges[i] for i, pid in enumerate(ids)}}
    return {"rule": rule}


@st.composite
def models(draw: Any) -> dict[str, Any]:
    years = draw(st.integers(1, 6))
    ids = [f"p{i}" for i in range(draw(st.integers(1, 4)))]
    partners = [
        {
            "id": pid,
            "population": draw(st.integers(1, 90_000)),
            "practitioners": draw(st.integers(1, 900)),
        }
        for pid in ids
    ]
    costs = []
    for i in range(draw(st.integers(0, 3))):
        start = draw(st.integers(1, years))
        cost: dict[str, Any] = {
            "name": f"c{i}",
            "amount": draw(money),
            "shared": draw(sharings(ids)),
        }
        if draw(st.booleans()):
            cost.update(kind="one_off", year=start)
        else:
            cost.update(kind="running", from_year=start, to_year=draw(st.integers(start, years)))
        costs.append(cost)
    benefits = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["time", "avoided_cost", "amount"]))
        inputs = {
            "time": {
                "hours_per_month": draw(share) * 10,
                "share_saved": draw(share),
                "hourly_cost": draw(money) / 1000,
            },
            "avoided_cost": {
                "cases_per_year": draw(st.integers(0, 500)),
                "share_averted": draw(share),
                "cost_per_case": draw(money),
            },
            "amount": {"amount": draw(money)},
        }[kind]
        benefits.append(
            {
                "name": f"b{i}",
                "kind": kind,
                "cashable": draw(st.booleans()),
                "ramp": draw(st.lists(share, min_size=years, max_size=years)),
                "shared": draw(sharings(ids)),
                **inputs,
            }
        )
    return {
        "years": years,
        "discount_rate": draw(st.decimals(min_value=0, max_value="0.2", places=4)),
        "optimism_bias": {"costs": draw(share), "benefits": draw(share)},
        "partners": partners,
        "costs": costs,
        "benefits": benefits,
    }


@settings(max_examples=150, deadline=None)
@given(models())
def test_partners_parts_always_add_up_to_the_totals(data: dict[str, Any]) -> None:
    result = calculate(read_model(data))
    positions = result.partners.values()

    for t, year in enumerate(result.years):
        assert sum(p.costs[t] for p in positions) == year.costs
        assert sum(p.benefits[t] for p in positions) == year.benefits
        assert sum(p.net[t] for p in positions) == year.net
    # present values: each partner's discounted amounts are held to 1e-12 of a pound, so
    # their sum may differ from the whole's by half of that for each partner and year
    slack = Decimal("1e-12") * len(result.years) * len(result.partners)
    assert abs(sum(p.present_value(p.costs) for p in positions) - result.pv_costs) <= slack
    assert abs(sum(p.present_value(p.benefits) for p in positions) - result.pv_benefits) <= (
        2 * slack
    )
    assert abs(sum(p.present_value(p.net) for p in positions) - result.npv) <= 2 * slack
