"""`fame link train|bulk|evaluate`, as an operator runs them (through the command class,
since the project's settings list apps and this one is added by the lead)."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.linkage import load_model
from fame.linkage.management.commands.link import Command


def run_link(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(Command(), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Say what to do"),
        (("merge",), "Unknown link command 'merge'"),
        (("bulk", "--records", "x.csv"), "`fame link bulk` needs --out"),
        (("train",), "`fame link train` needs --records"),
        (("bulk", "--records", "x", "--out", "y", "--truth", "t"), "--truth does not apply"),
        (
            ("bulk", "--records", "x", "--out", "y", "--threshold", "high"),
            "--threshold must be a number",
        ),
        (("train", "--records", "x", "--max-pairs", "0"), "--max-pairs must be at least 1"),
    ],
)
def test_link_bad_arguments_give_a_clear_error(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        run_link(*args)

    assert raised.value.returncode == 2


def test_link_missing_records_path_says_so(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--records: there is no file or folder at"):
        run_link("train", "--records", str(tmp_path / "nowhere"))


def test_link_folder_without_record_files_says_so(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="holds no agency record files"):
        run_link("bulk", "--records", str(tmp_path), "--out", str(tmp_path / "links.csv"))


def test_link_bad_record_file_lists_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "sch-001.csv"
    bad.write_text("agency_id,local_id\nsch-001,S1\n")

    with pytest.raises(CommandError, match="header is missing columns"):
        run_link("bulk", "--records", str(bad), "--out", str(tmp_path / "links.csv"))


def test_link_bad_model_file_says_so(tmp_path: Path, small_region_dir: Path) -> None:
    broken = tmp_path / "model.json"
    broken.write_text("[]")

    with pytest.raises(CommandError, match=r"--model: .*not a FAME linkage model"):
        run_link(
            "bulk", "--records", str(small_region_dir), "--out", "x.csv", "--model", str(broken)
        )


def test_link_evaluate_missing_truth_file_says_so(tmp_path: Path, small_region_dir: Path) -> None:
    with pytest.raises(CommandError, match="--truth: there is no file at"):
        run_link("evaluate", "--records", str(small_region_dir), "--truth", str(tmp_path / "t.csv"))


@pytest.mark.slow
def test_link_train_bulk_and_evaluate_work_together(tmp_path: Path, small_region_dir: Path) -> None:
    model_file = tmp_path / "model.json"
    links = tmp_path / "links.csv"

    trained, progress = run_link(
        "train", "--records", str(small_region_dir), "--out", str(model_file), "--max-pairs", "1e6"
    )
    linked, _ = run_link(
        "bulk", "--records", str(small_region_dir), "--out", str(links), "--model", str(model_file)
    )
    report, _ = run_link(
        "evaluate",
        "--records",
        str(small_region_dir),
        "--truth",
        str(small_region_dir / "truth.csv"),
        "--model",
        str(model_file),
        "--json",
    )

    assert "Trained a linkage model on" in trained
    assert "Estimating u" in progress
    assert load_model(model_file).trained_on["records"] > 2000
    assert "Linked" in linked
    with links.open(newline="") as handle:
        assert sum(1 for _ in csv.reader(handle)) > 2000
    result = json.loads(report)
    assert result["accuracy"]["f1"] > 0.98
    assert result["model"]["given_name_different_weight"] < 0
    assert result["twins"]["twin_like_pairs_linked"] <= result["twins"]["twin_like_pairs"]


def test_link_evaluate_prints_a_plain_summary(small_region_dir: Path) -> None:
    out, _ = run_link(
        "evaluate",
        "--records",
        str(small_region_dir),
        "--truth",
        str(small_region_dir / "truth.csv"),
    )

    assert "precision" in out
    assert "Twin-like pairs wrongly linked" in out
