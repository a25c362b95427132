"""Comparing approaches: intervals, paired differences, and the JSON contract for scripts."""

from __future__ import annotations

import json
import math
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fame.demonstrator.compare import interval

from .conftest import CONTRACT_MEASURES


def test_interval_is_the_t_interval():
    got = interval([1.0, 2.0, 3.0, 4.0])

    # mean 2.5, sd 1.2910, t(0.975, 3) = 3.1824: half-width 2.0543
    assert got.mean == 2.5
    assert math.isclose(got.ci_low, 2.5 - 2.0543, abs_tol=1e-3)
    assert math.isclose(got.ci_high, 2.5 + 2.0543, abs_tol=1e-3)


def test_interval_of_nothing_and_of_one():
    assert interval([None, None]).mean is None
    one = interval([3.0, None])
    assert (one.mean, one.ci_low, one.ci_high) == (3.0, None, None)


def _demonstrator(*args: str) -> str:
    out = StringIO()
    call_command("demonstrator", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_compare_json_keeps_the_contract():
    report = json.loads(
        _demonstrator(
            "compare", "--scenario", "small", "--replications", "2", "--json", "--jobs", "1"
        )
    )

    assert report["scenario"] == "small"
    assert report["replications"] == 2
    assert report["seed"] == 2026
    assert report["approaches"] == ["as_is", "index", "index_caf_federated"]
    assert set(report["measures"]) >= set(CONTRACT_MEASURES)
    for measure in CONTRACT_MEASURES:
        for approach in report["approaches"]:
            cell = report["measures"][measure][approach]
            assert set(cell) == {"mean", "ci_low", "ci_high"}
            assert cell["ci_low"] <= cell["mean"] <= cell["ci_high"]
    finding = report["differences"]["finding_hours_per_practitioner_month"]["index"]
    assert finding["ci_high"] < 0  # the index saves time, beyond doubt


def test_scenarios_json_lists_the_shipped_ones():
    listed = json.loads(_demonstrator("scenarios", "--json"))

    assert [s["name"] for s in listed] == ["national_slice", "regional", "small"]
    assert all(
        set(s) == {"name", "path", "children", "approaches"}
        and s["approaches"] == ["as_is", "index", "index_caf_federated"]
        for s in listed
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "Say what to do"),
        (("forecast",), "Unknown command 'forecast'"),
        (("compare",), "Give the scenario"),
        (
            ("compare", "--scenario", "atlantis"),
            "no scenario file atlantis, and no shipped scenario",
        ),
        (
            ("compare", "--scenario", "small", "--replications", "ten"),
            "--replications takes a whole number",
        ),
        (("compare", "--scenario", "small", "--replications", "0"), "from 1 to 1000"),
        (("simulate", "--scenario", "small"), "--out DIR"),
        (
            ("simulate", "--scenario", "small", "--approach", "magic", "--out", "x"),
            "has no approach 'magic'",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(args: tuple[str, ...], says: str):
    with pytest.raises(CommandError, match=says.replace("(", r"\(")) as refused:
        _demonstrator(*args)

    assert refused.value.returncode == 2


def test_compare_table_gives_each_difference_with_its_interval():
    printed = _demonstrator("compare", "--scenario", "small", "--replications", "2", "--jobs", "1")

    finding = printed.split("Hours a month each practitioner spends finding who is involved\n")[1]
    as_is, index = finding.splitlines()[:2]
    assert as_is.startswith("  as_is") and "difference" not in as_is
    assert index.startswith("  index") and "; difference -" in index


def test_interval_stays_within_what_the_measure_can_be():
    share = interval([0.97, 1.0], low=0.0, high=1.0)

    assert share.ci_high == 1.0 and share.ci_low < 0.97
    assert interval([0.0, 0.02], low=0.0).ci_low == 0.0
