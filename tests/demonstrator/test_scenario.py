"""Scenario files: the shipped ones are valid and say where each value comes from; a bad
one is refused, naming the path of every bad field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fame.demonstrator.scenario import (
    SHIPPED,
    ScenarioError,
    parse_scenario,
    read_scenario,
    shipped_scenarios,
)

REGIONAL = SHIPPED / "regional.toml"


def test_shipped_scenarios_are_the_three_sizes_with_the_three_approaches():
    scenarios = {read_scenario(path).name: read_scenario(path) for path in shipped_scenarios()}

    assert set(scenarios) == {"small", "regional", "national_slice"}
    assert scenarios["regional"].region.children == 50_000
    for scenario in scenarios.values():
        assert list(scenario.approaches) == ["as_is", "index", "index_caf_federated"]


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_shipped_scenario_gives_a_source_beside_every_value(path: Path):
    value_line = re.compile(r"^[a-z_0-9]+\s*=")
    unsourced = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if value_line.match(line)
        and "#" not in line
        and not line.startswith(("name ", "description ", "based_on ", "label "))
    ]

    assert unsourced == []


def _regional_with(old: str, new: str) -> str:
    text = REGIONAL.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('finding = "index"', 'finding = "oracle"', "approaches.index.finding: Input should be"),
        ("under_5 = 0.10,", "under_5 = 1.10,", "region.agencies.school.involved.under_5: "),
        ("reach_chance = 0.495", "reach_chance = -1", "finding.reach_chance: "),
        ("children = 50_000", "children = 0", "region.children: "),
        (
            'minutes_per_call = { dist = "lognormal", mean = 9, sd = 6 }',
            'minutes_per_call = { dist = "lognormal", mean = 9 }',
            "finding.minutes_per_call.sd: Field required",
        ),
        (
            'days_to_decide = { dist = "triangular", low = 1, mode = 3, high = 10 }',
            'days_to_decide = { dist = "triangular", low = 5, mode = 3, high = 10 }',
            "caf.days_to_decide: needs low <= mode <= high",
        ),
        ("under_5 = 0.28", "under_5 = 0.5", "region: age_mix shares add up to 1.22, not 1"),
        ("seed = 2026", "seed = 2026\nspeed = 3", "speed: Extra inputs are not permitted"),
    ],
)
def test_bad_field_is_named_by_its_path(old: str, new: str, problem: str):
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(_regional_with(old, new))

    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems


def test_not_toml_is_said_in_one_problem():
    with pytest.raises(ScenarioError) as refused:
        parse_scenario("name = [unclosed")

    assert len(refused.value.problems) == 1
    assert refused.value.problems[0].startswith("scenario: not valid TOML")


def test_based_on_changes_only_what_is_given(tmp_path: Path):
    (tmp_path / "mine.toml").write_text(
        'based_on = "regional"\nname = "mine"\n[region]\nchildren = 1_234\n'
        "[finding]\nreach_chance = 0.6\n",
        encoding="utf-8",
    )

    mine, regional = read_scenario(tmp_path / "mine.toml"), read_scenario(REGIONAL)

    assert (mine.name, mine.region.children, mine.finding.reach_chance) == ("mine", 1_234, 0.6)
    assert mine.region.agencies == regional.region.agencies
    assert mine.finding.minutes_per_call == regional.finding.minutes_per_call
    assert mine.approaches == regional.approaches


def test_based_on_an_unknown_scenario_is_refused(tmp_path: Path):
    (tmp_path / "mine.toml").write_text('based_on = "atlantis"\n', encoding="utf-8")

    with pytest.raises(ScenarioError, match="no scenario 'atlantis'"):
        read_scenario(tmp_path / "mine.toml")


def test_scenarios_based_on_each_other_in_a_circle_are_refused(tmp_path: Path):
    (tmp_path / "a.toml").write_text('based_on = "b"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('based_on = "a"\n', encoding="utf-8")

    with pytest.raises(ScenarioError, match="circle"):
        read_scenario(tmp_path / "a.toml")


def test_file_that_is_not_utf8_is_refused(tmp_path: Path):
    (tmp_path / "latin.toml").write_bytes(b'name = "caf\xe9"\n')

    with pytest.raises(ScenarioError, match="not UTF-8"):
        read_scenario(tmp_path / "latin.toml")
