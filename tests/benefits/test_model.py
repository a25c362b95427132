"""Reading a benefits model: the issue's example as it stands, and every problem by its path."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from fame.benefits import ModelError, read_model

from .examples import example


def test_the_issues_example_is_read_as_it_stands() -> None:
    model = read_model(example())

    assert model.years == 5
    assert model.discount_rate == Decimal("0.035")
    assert (model.costs_bias, model.benefits_bias) == (Decimal("0.2"), Decimal("0.1"))
    assert [p.id for p in model.partners] == ["la", "pct"]
    assert (model.costs[0].from_year, model.costs[0].to_year) == (1, 5)
    assert (model.costs[1].from_year, model.costs[1].to_year) == (1, 1)
    assert model.benefits[0].input("hours_per_month") == Decimal("2.0")
    assert model.benefits[2].shared.weights == (("la", Decimal("1.0")),)


def test_keys_the_calculator_does_not_know_are_left_for_the_pages() -> None:
    data = example()
    data["title"] = "Northmoor hub"
    data["benefits"][0]["source"] = "Published estimate behind the national index"

    assert read_model(data).benefits[0].name == "Finding who is involved"


def test_the_discount_rate_defaults_to_the_green_books() -> None:
    data = example()
    del data["discount_rate"]

    assert read_model(data).discount_rate == Decimal("0.035")


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        place = data
        for step in path[:-1]:
            place = place[step]
        place[path[-1]] = value

    return change


def _drop(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        place = data
        for step in path[:-1]:
            place = place[step]
        del place[path[-1]]

    return change


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_drop(["years"]), "years: missing"),
        (_set(["years"], 0), "years: give a whole number of years, 1 to 60"),
        (_set(["discount_rate"], 1.5), "discount_rate: must be between 0 and 1 (1.5 is too big)"),
        (_set(["optimism_bias", "benefits"], -0.1), "optimism_bias.benefits: cannot be negative"),
        (_set(["partners"], []), "partners: name at least one partner"),
        (_set(["partners", 1, "id"], "la"), "partners[1].id: 'la' is already a partner"),
        (_set(["partners", 0, "population"], "many"), "partners[0].population: give a number"),
        (_set(["costs", 0, "amount"], -5), "costs[0].amount: cannot be negative (-5)"),
        (_set(["costs", 0, "kind"], "yearly"), "costs[0].kind: 'yearly' is not a kind of cost"),
        (_set(["costs", 0, "to_year"], 6), "costs[0].to_year: year 6 is outside"),
        (_set(["costs", 0, "from_year"], 3), None),
        (_set(["costs", 1, "year"], 0), "costs[1].year: year 0 is outside the model's years"),
        (
            _set(["costs", 1, "shared", "shares"], {"la": 0.6, "pct": 0.3}),
            "costs[1].shared.shares: the shares add up to 0.9, not 1",
        ),
        (
            _set(["costs", 1, "shared", "shares"], {"la": 0.7, "gp": 0.3}),
            "costs[1].shared.shares.gp: 'gp' is not one of the partners",
        ),
        (_set(["costs", 0, "shared"], {"rule": "fair"}), "costs[0].shared.rule: 'fair' is not"),
        (
            _set(["costs", 0, "shared"], {"rule": "usage", "usage": {"la": 0, "pct": 0}}),
            "costs[0].shared.usage: give some usage: the counts add up to 0",
        ),
        (
            _set(["costs", 0, "shared"], {"rule": "usage"}),
            "costs[0].shared.usage: missing",
        ),
        (_set(["benefits", 0, "ramp"], [1, 1, 1]), "benefits[0].ramp: give 5 values, one a year"),
        (_set(["benefits", 0, "ramp", 4], 1.5), "benefits[0].ramp[4]: give a share"),
        (_set(["benefits", 0, "share_saved"], 2), "benefits[0].share_saved: must be between 0"),
        (_drop(["benefits", 1, "cost_per_case"]), "benefits[1].cost_per_case: missing"),
        (_set(["benefits", 1, "cashable"], "yes"), "benefits[1].cashable: give true or false"),
        (_set(["benefits", 2, "kind"], "gift"), "benefits[2].kind: 'gift' is not a kind of"),
        (_set(["benefits", 2, "amount"], True), "benefits[2].amount: give a number, not true"),
    ],
)
def test_a_bad_field_is_refused_with_its_path(change, problem) -> None:
    data = example()
    change(data)

    if problem is None:  # running from year 3 to 5 is fine
        read_model(data)
        return
    with pytest.raises(ModelError) as refused:
        read_model(data)

    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems


def test_a_running_cost_that_ends_before_it_starts_is_refused() -> None:
    data = example()
    data["costs"][0].update(from_year=4, to_year=2)

    with pytest.raises(ModelError) as refused:
        read_model(data)

    assert refused.value.problems == ["costs[0].to_year: year 2 is before from_year 4"]


def test_every_problem_is_listed_at_once() -> None:
    data = example()
    data["costs"][0]["amount"] = -1
    data["benefits"][0]["ramp"] = [1]
    del data["partners"][1]["practitioners"]

    with pytest.raises(ModelError) as refused:
        read_model(data)

    assert refused.value.problems == [
        "partners[1].practitioners: missing",
        "costs[0].amount: cannot be negative (-1)",
        "benefits[0].ramp: give 5 values, one a year",
    ]


def test_something_other_than_an_object_is_refused() -> None:
    with pytest.raises(ModelError) as refused:
        read_model([1, 2])

    assert refused.value.problems == ["model: give a JSON object, not a list"]


def test_custom_shares_within_a_millionth_of_one_are_accepted() -> None:
    data = example()
    data["costs"][1]["shared"]["shares"] = {"la": 0.3333333, "pct": 0.6666662}  # 0.9999995

    assert read_model(data).costs[1].shared.rule == "custom"
    data["costs"][1]["shared"]["shares"] = {"la": 0.333333, "pct": 0.666665}  # 0.999998
    with pytest.raises(ModelError, match=r"add up to 0\.999998, not 1"):
        read_model(data)
