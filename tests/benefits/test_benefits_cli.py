"""`fame benefits`: calculate, sensitivity and montecarlo from the command line."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.benefits import as_json, calculate, read_model
from fame.cli import main
from fame.verb_database import verb_need

from .examples import EXAMPLE, example


def run(*args: str) -> str:
    out = StringIO()
    call_command("benefits", *args, stdout=out)
    return out.getvalue()


def fame(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `fame ...` as a person would; its exit status, stdout and stderr."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_calculate_json_gives_the_issues_figures() -> None:
    printed = json.loads(run("calculate", "--model", str(EXAMPLE), "--json"))

    assert printed == json.loads(json.dumps(as_json(calculate(read_model(example())))))
    assert printed["totals"]["payback_year"] == 1
    assert printed["years"][0]["costs"] == {"one_off": 24000, "running": 36000, "total": 60000}


def test_calculate_prints_a_table_rounded_to_pence() -> None:
    said = run("calculate", "--model", str(EXAMPLE))

    assert "   2      £36,000.00     £293,175.00     £257,175.00    0.9662     £248,478.26" in said
    assert "NPV £1,311,390.84, BCR 7.82, payback year 1" in said
    assert "pct: costs £91,315.43" in said


def test_sensitivity_json_lists_the_largest_swing_first() -> None:
    printed = json.loads(run("sensitivity", "--model", str(EXAMPLE), "--json"))

    assert printed["assumptions"][0]["path"] == "benefits[0].hours_per_month"
    assert printed["assumptions"][0]["swing"] == pytest.approx(473150.66, abs=0.01)


def test_montecarlo_is_reproducible_with_a_seed(tmp_path: Path) -> None:
    ranges = tmp_path / "ranges.json"
    ranges.write_text(
        json.dumps({"costs[0].amount": {"low": 20000, "likely": 30000, "high": 50000}})
    )
    args = ("montecarlo", "--model", str(EXAMPLE), "--ranges", str(ranges), "--runs", "200")

    first = json.loads(run(*args, "--seed", "5", "--json"))
    again = json.loads(run(*args, "--seed", "5", "--json"))

    assert first == again
    assert first["runs"] == 200 and first["seed"] == 5
    assert first["npv"]["p10"] <= first["npv"]["p50"] <= first["npv"]["p90"]
    assert "200 runs (seed 5): NPV P10 £" in run(*args, "--seed", "5")


def test_a_bad_model_prints_each_problem_with_its_path_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = example()
    data["costs"][1]["shared"]["shares"] = {"la": 0.6, "pct": 0.3}
    data["benefits"][0]["ramp"] = [1, 1]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))

    code, out, err = fame(capsys, "benefits", "calculate", "--model", str(bad), "--json")

    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"CommandError: The model {bad} cannot be used:",
        "  benefits[0].ramp: give 5 values, one a year",
        "  costs[1].shared.shares: the shares add up to 0.9, not 1",
    ]


def test_a_file_that_is_not_json_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "model.json"
    bad.write_text("{years: 5")

    code, out, err = fame(capsys, "benefits", "calculate", "--model", str(bad))

    assert (code, out) == (1, "")
    assert err.strip().startswith(f"CommandError: model: {bad} is not JSON")
    assert len(err.strip().splitlines()) == 1


def test_bad_ranges_are_named_by_their_file(tmp_path: Path) -> None:
    ranges = tmp_path / "ranges.json"
    ranges.write_text(json.dumps({"years": {"low": 1, "likely": 2, "high": 3}}))

    with pytest.raises(CommandError) as refused:
        run("montecarlo", "--model", str(EXAMPLE), "--ranges", str(ranges))

    assert str(refused.value) == (
        f"The ranges {ranges} cannot be used: ranges.years: not an assumption of this model"
    )


def test_without_a_subcommand_it_says_what_to_do() -> None:
    with pytest.raises(CommandError, match="Say what to do: fame benefits calculate"):
        run()


def test_benefits_needs_no_database() -> None:
    assert verb_need(["benefits", "calculate", "--model", "m.json"]) is None


def test_montecarlo_needs_at_least_one_run(tmp_path: Path) -> None:
    ranges = tmp_path / "ranges.json"
    ranges.write_text(json.dumps({"costs[0].amount": {"low": 1, "likely": 2, "high": 3}}))

    with pytest.raises(CommandError, match="--runs: give at least one run"):
        run("montecarlo", "--model", str(EXAMPLE), "--ranges", str(ranges), "--runs", "0")
