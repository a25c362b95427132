"""The calculator's defaults: each with a unit and a source, a bad file refused by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fame.benefits.defaults import (
    DEFAULTS_FILE,
    STATUSES,
    DefaultsError,
    fragment_sources,
    load_defaults,
    new_model_fragment,
    parse_defaults,
    ramp_for,
)

PROFESSIONS = (
    "teacher",
    "health_visitor",
    "school_nurse",
    "social_worker",
    "police_officer",
    "voluntary_sector_worker",
)

GOOD_ENTRY = """
[discount_rate]
label = "Discount rate"
value = 0.035
unit = "a year"
status = "guidance"
source = "HM Treasury, The Green Book"
year = 2003
"""


def test_shipped_defaults_each_have_a_value_unit_status_and_source() -> None:
    defaults = load_defaults()

    assert len(defaults) >= 15
    for key, entry in defaults.items():
        assert entry.key == key
        assert entry.label and entry.unit, key
        assert entry.status in STATUSES, key
        assert len(entry.source) > 20, f"{key}'s source does not say enough to be followed"
        assert 1990 <= entry.year <= 2026, key


def test_shipped_defaults_hold_the_published_figures() -> None:
    defaults = load_defaults()

    assert defaults["finding_hours_per_month"].value == 2.0
    assert "ContactPoint" in defaults["finding_hours_per_month"].source
    assert defaults["finding_hours_per_month"].status == "published estimate"
    assert defaults["discount_rate"].value == 0.035
    assert "Green Book" in defaults["discount_rate"].source
    assert defaults["caf_cost_per_case"].value == 3000.0
    later = defaults["later_intervention_cost_per_case"]
    assert (later.low, later.high) == (5000.0, 150000.0)
    # Cost avoided: a later intervention less a CAF, at each end of the range:
    # 5,000 - 3,000 = 2,000 and 150,000 - 3,000 = 147,000.
    avoided = defaults["cost_avoided_per_case"]
    assert (avoided.value, avoided.low, avoided.high) == (2000.0, 2000.0, 147000.0)
    assert "Optimism Bias" in defaults["optimism_bias_costs"].source
    assert defaults["caf_support_posts_cost"].status == "seed document"


def test_shipped_defaults_give_an_hourly_cost_for_each_profession_with_its_basis() -> None:
    defaults = load_defaults()

    for profession in PROFESSIONS:
        cost = defaults[f"hourly_cost.{profession}"]
        assert cost.unit == "£ an hour"
        assert "rounded" in cost.source or cost.status != "working estimate", profession
    for profession in ("health_visitor", "school_nurse", "social_worker"):
        assert "PSSRU" in defaults[f"hourly_cost.{profession}"].source


def test_a_default_with_a_range_lies_within_it() -> None:
    for key, entry in load_defaults().items():
        if entry.low is not None:
            assert entry.high is not None
            assert entry.low <= entry.value <= entry.high, key  # type: ignore[operator]


def test_new_model_fragment_is_the_issue_shape_with_the_time_benefit() -> None:
    fragment = new_model_fragment(years=4)

    assert fragment["years"] == 4
    assert fragment["discount_rate"] == 0.035
    assert fragment["optimism_bias"] == {"costs": 0.2, "benefits": 0.1}
    [time] = fragment["benefits"]
    assert time == {
        "name": "Finding who is involved",
        "kind": "time",
        "cashable": False,
        "hours_per_month": 2.0,
        "share_saved": 0.5,
        "hourly_cost": 35.0,
        "ramp": [0.25, 0.75, 1.0, 1.0],
        "shared": {"rule": "practitioners"},
    }


def test_fragment_sources_name_a_default_for_each_figure() -> None:
    sources = fragment_sources()

    assert sources["benefits[0].hours_per_month"].key == "finding_hours_per_month"
    assert "Green Book" in sources["discount_rate"].source


def test_ramp_carries_its_last_share_on_and_is_cut_at_the_years() -> None:
    assert ramp_for(5, (0.25, 0.75, 1.0)) == [0.25, 0.75, 1.0, 1.0, 1.0]
    assert ramp_for(2, (0.25, 0.75, 1.0)) == [0.25, 0.75]
    with pytest.raises(ValueError, match="at least one year"):
        ramp_for(0, (1.0,))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('source = "HM Treasury, The Green Book"\n', ""), r"discount_rate has no source"),
        (("value = 0.035", 'value = "3.5%"'), r"discount_rate\.value should be a number"),
        (('status = "guidance"', 'status = "a hunch"'), r"discount_rate\.status should be one of"),
        (("year = 2003", "year = 3"), r"discount_rate\.year should be a year"),
        (("year = 2003", "year = 2003\nlow = 0.05\nhigh = 0.1"), r"should lie between low"),
        (("year = 2003", "year = 2003\nlow = 0.01"), r"both low and high"),
        (("year = 2003", "year = 2003\ncolour = 'red'"), r"does not know: \['colour'\]"),
        (("[discount_rate]", "[discount_rate"), r"not readable TOML"),
    ],
)
def test_a_bad_entry_is_refused_naming_it(change: tuple[str, str], message: str) -> None:
    text = GOOD_ENTRY.replace(*change)

    with pytest.raises(DefaultsError, match=message):
        parse_defaults(text)


def test_a_file_without_a_default_the_calculator_needs_is_refused() -> None:
    with pytest.raises(DefaultsError, match="has no finding_hours_per_month"):
        parse_defaults(GOOD_ENTRY, where="my-defaults.toml")


def test_a_bad_file_is_refused_with_its_path(tmp_path: Path) -> None:
    broken = tmp_path / "defaults.toml"
    broken.write_text(
        DEFAULTS_FILE.read_text(encoding="utf-8").replace('unit = "£ an hour"', "", 1),
        encoding="utf-8",
    )

    expected = rf"{re.escape(str(broken))}: hourly_cost\.practitioner has no unit"
    with pytest.raises(DefaultsError, match=expected):
        load_defaults(broken)


def test_a_missing_file_is_refused_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(DefaultsError, match=r"cannot read the defaults file .*nowhere\.toml"):
        load_defaults(tmp_path / "nowhere.toml")
