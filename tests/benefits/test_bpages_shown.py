"""How the pages show figures: money to the penny, rounded only when shown."""

from __future__ import annotations

from fame.benefits.pages.shown import count, money, sharing_text


def test_money_is_shown_to_the_penny_with_thousands_separators():
    assert money(1311390.835) == "£1,311,390.84"  # half a penny rounds up, only here
    assert money(30000) == "£30,000.00"
    assert money(-1250.5) == "-£1,250.50"
    assert money("lots") == "lots"


def test_counts_and_sharing_rules_in_words():
    assert count(40000) == "40,000"
    assert (
        sharing_text({"rule": "usage", "usage": {"la": 120, "pct": 80}})
        == "By usage: la 120, pct 80"
    )
    assert sharing_text({"rule": "population"}) == "By population"
