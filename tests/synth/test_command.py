"""`fame synth` from the command line."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def synth(*args: str) -> str:
    out = StringIO()
    call_command("synth", *args, stdout=out)
    return out.getvalue()


def test_synth_writes_a_region_and_says_what_it_wrote(tmp_path: Path) -> None:
    folder = tmp_path / "region"

    said = synth("--children", "40", "--seed", "3", "--out", str(folder))

    assert (folder / "region.json").is_file()
    assert (folder / "truth.csv").is_file()
    assert said.startswith("Wrote a region of 40 children known to ")
    assert f"agency records) to {folder} in " in said


def test_synth_as_of_changes_the_region(tmp_path: Path) -> None:
    synth("--children", "20", "--out", str(tmp_path / "a"))
    synth("--children", "20", "--out", str(tmp_path / "b"), "--as-of", "2030-01-15")

    assert '"as_of": "2030-01-15"' in (tmp_path / "b" / "region.json").read_text(encoding="utf-8")
    assert (tmp_path / "a" / "truth.csv").read_bytes() != (
        tmp_path / "b" / "truth.csv"
    ).read_bytes()


def test_synth_refuses_a_folder_that_is_not_empty_and_not_a_region(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("precious", encoding="utf-8")

    with pytest.raises(CommandError, match="is not empty and is not a FAME region") as caught:
        synth("--children", "10", "--out", str(tmp_path))

    assert caught.value.returncode == 2
    assert [path.name for path in tmp_path.iterdir()] == ["thesis.docx"]


def test_synth_refuses_to_replace_a_region_without_force(tmp_path: Path) -> None:
    synth("--children", "10", "--out", str(tmp_path))

    with pytest.raises(CommandError, match="add --force") as caught:
        synth("--children", "10", "--out", str(tmp_path))

    assert caught.value.returncode == 2


def test_synth_force_replaces_a_region_and_leaves_no_stale_files(tmp_path: Path) -> None:
    synth("--children", "3000", "--out", str(tmp_path))
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    bigger = {path.name for path in tmp_path.iterdir()}

    synth("--children", "10", "--out", str(tmp_path), "--force")

    smaller = {path.name for path in tmp_path.iterdir()}
    assert "notes.txt" in smaller
    assert "sch-012.csv" in bigger
    assert "sch-012.csv" not in smaller


def test_synth_refuses_a_file_as_the_folder(tmp_path: Path) -> None:
    (tmp_path / "region").write_text("", encoding="utf-8")

    with pytest.raises(CommandError, match="is a file, not a folder"):
        synth("--children", "10", "--out", str(tmp_path / "region"))


@pytest.mark.parametrize("children", ["0", "-5", "lots"])
def test_synth_refuses_children_that_are_not_a_positive_number(
    tmp_path: Path, children: str
) -> None:
    with pytest.raises(CommandError, match="must be a positive whole number"):
        synth("--children", children, "--out", str(tmp_path))


def test_synth_refuses_bad_children_passed_from_code(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="must be a positive whole number") as caught:
        call_command("synth", children=0, out=str(tmp_path))

    assert caught.value.returncode == 2


def test_synth_refuses_a_bad_as_of_date(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        synth("--children", "10", "--out", str(tmp_path), "--as-of", "1/9/2026")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--children", "0", "--out", "unused"], "must be a positive whole number"),
        (["--children", "10"], "the following arguments are required: --out"),
    ],
)
def test_synth_usage_errors_exit_with_code_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fame.cli", "synth", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )

    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "unused").exists()
