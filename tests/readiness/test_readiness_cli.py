"""`fame readiness`: workbooks, results and banks from the command line."""

from __future__ import annotations

import json
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from fame.cli import main
from fame.readiness.models import Answer, BankVersion
from fame.readiness.workbook.layout import FIRST_ROW
from fame.verb_database import Need, verb_need

from .banks import small_bank_text
from .test_workbook import GOVERNANCE, answer_everything, both, fill, set_cell

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("readiness", *args, stdout=out)
    return out.getvalue()


def test_template_writes_the_blank_workbook(readiness_round, tmp_path: Path):
    out = tmp_path / "round.xlsx"

    said = run("template", "--round", str(readiness_round.pk), "--out", str(out))

    assert said.strip() == (
        f"Wrote the blank workbook for round {readiness_round.pk} (Autumn 2026) to {out}."
    )
    sheet = load_workbook(out)[GOVERNANCE]
    assert sheet.cell(FIRST_ROW, 1).value == "GV-P-1"
    assert sheet.cell(FIRST_ROW, 5).value is None


def test_template_for_a_respondent_names_them(readiness_round, tmp_path: Path):
    out = tmp_path / "round.xlsx"

    run(
        "template",
        "--round",
        str(readiness_round.pk),
        "--out",
        str(out),
        "--respondent",
        "health.ict",
    )

    assert load_workbook(out)[GOVERNANCE].cell(FIRST_ROW, 5).value == "health.ict"


def test_import_round_trip_for_the_named_respondent(readiness_round, tmp_path: Path):
    blank = tmp_path / "round.xlsx"
    run("template", "--round", str(readiness_round.pk), "--out", str(blank))
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(
        fill(
            blank.read_bytes(),
            both(answer_everything(""), set_cell(GOVERNANCE, "GV-G-1", 7, "Signed protocol")),
        )
    )

    said = run(
        "import", "--round", str(readiness_round.pk), str(filled), "--respondent", "school.practice"
    )

    count = len(readiness_round.bank.statements)
    assert said.strip() == (
        f"Imported {count} answers for school.practice into round {readiness_round.pk} "
        "(Autumn 2026)."
    )
    assert Answer.objects.filter(respondent__user__username="school.practice").count() == count
    assert Answer.objects.get(statement_id="GV-G-1").evidence_text == "Signed protocol"


def test_import_of_a_bad_workbook_lists_each_problem_and_saves_nothing(
    readiness_round, tmp_path: Path
):
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(
        fill(
            run_template_bytes(readiness_round, tmp_path),
            both(answer_everything("nobody"), set_cell(GOVERNANCE, "GV-P-1", 6, 9)),
        )
    )

    with pytest.raises(CommandError) as refused:
        run("import", "--round", str(readiness_round.pk), str(filled))

    message = str(refused.value)
    assert message.startswith(f"The workbook {filled} cannot be used:\n  Sheet ")
    assert f"  Sheet 'Governance', row {FIRST_ROW}, column F: score 9 is not 0-4" in message
    assert "column E: nobody is not a respondent in this round" in message
    assert message.endswith("Nothing was saved.")
    assert not Answer.objects.exists()


def run_template_bytes(readiness_round, tmp_path: Path) -> bytes:
    out = tmp_path / "blank.xlsx"
    run("template", "--round", str(readiness_round.pk), "--out", str(out))
    return out.read_bytes()


def test_import_of_a_file_that_is_not_there_says_so(readiness_round, tmp_path: Path):
    missing = tmp_path / "nothing.xlsx"

    with pytest.raises(CommandError, match=f"Cannot read {missing}: No such file or directory"):
        run("import", "--round", str(readiness_round.pk), str(missing))


@pytest.mark.parametrize(
    "args",
    [
        ["template", "--round", "999", "--out", "x.xlsx"],
        ["import", "--round", "999", "x.xlsx"],
        ["results", "--round", "999"],
    ],
)
def test_a_missing_round_is_one_line(args):
    with pytest.raises(CommandError, match=r"^There is no readiness round 999\.$"):
        run(*args)


def test_fame_entry_point_exits_1_with_the_error(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["readiness", "results", "--round", "999"])

    assert raised.value.code == 1
    assert capsys.readouterr().err.strip() == "CommandError: There is no readiness round 999."


def test_fame_readiness_alone_says_what_to_do(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["readiness"])

    assert raised.value.code == 2
    assert "Say what to do: fame readiness template | import" in capsys.readouterr().err


def test_results_json_gives_each_statement_and_the_groups(readiness_round, respondents):
    for user, score in zip(respondents, (0, 2, None), strict=True):
        Answer.objects.create(
            respondent=readiness_round.respondent_for(user),
            statement_id="IS-G-1",
            score=score,
            dont_know=score is None,
            evidence_text="Protocol",
        )

    data = json.loads(run("results", "--round", str(readiness_round.pk), "--json"))

    statement = next(s for s in data["statements"] if s["id"] == "IS-G-1")
    assert {k: statement[k] for k in ("scores", "dont_know", "median", "spread", "flagged")} == {
        "scores": [0, 2],
        "dont_know": 1,
        "median": 1.0,
        "spread": 2,
        "flagged": True,
    }
    assert data["blocks"]["information-sharing"] == 1.0
    assert data["blocks"]["governance"] is None
    assert {"block": "information-sharing", "dimension": "governance", "score": 1.0} in data[
        "cells"
    ]
    assert (data["round"]["respondents"], data["round"]["submitted"]) == (3, 0)
    assert data["bank"] == {"key": "childrens-services", "title": "Test bank", "version": "test.1"}


def test_results_text_and_xlsx(readiness_round, tmp_path: Path):
    out = tmp_path / "results.xlsx"

    said = run("results", "--round", str(readiness_round.pk), "--out", str(out))

    assert said.splitlines()[0].startswith(f"Round {readiness_round.pk}: Autumn 2026")
    assert "GV-G-1     score -" in said
    assert load_workbook(BytesIO(out.read_bytes())).sheetnames == [
        "Statements",
        "Cells",
        "Criteria",
    ]


def test_bank_keeps_a_checked_bank_once(tmp_path: Path):
    path = tmp_path / "bank.toml"
    path.write_text(small_bank_text(version="region.1"), encoding="utf-8")

    first = run("bank", str(path))
    again = run("bank", str(path))

    assert first.startswith("Kept Test bank (childrens-services) version region.1: 27 statements")
    assert "is kept already" in again
    assert BankVersion.objects.filter(version="region.1").count() == 1


def test_bank_with_problems_prints_each_and_keeps_nothing(tmp_path: Path):
    path = tmp_path / "bank.toml"
    text = small_bank_text().replace('criterion = "leadership"', 'criterion = "luck"', 1)
    path.write_text(text.replace('title = "Test bank"\n', ""), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        run("bank", str(path))

    message = str(refused.value)
    assert message.startswith(f"The bank {path} cannot be used:\n")
    assert "  [bank] has no title" in message
    assert "criterion 'luck' is not one of" in message
    assert not BankVersion.objects.exists()


def test_bank_that_is_not_toml_is_one_line(tmp_path: Path):
    path = tmp_path / "bank.toml"
    path.write_text("[bank\n")

    with pytest.raises(CommandError, match=f"^The bank {path} cannot be used: not TOML"):
        run("bank", str(path))


def test_banks_lists_the_versions_kept_and_their_rounds(readiness_round):
    said = run("banks")
    listed = json.loads(run("banks", "--json"))

    assert "Versions kept:\n  childrens-services version test.1: Test bank (" in said
    assert "used by 1 round" in said
    assert [(v["version"], v["rounds"]) for v in listed["kept"]] == [("test.1", 1)]


@pytest.mark.parametrize(
    ("sub", "need"),
    [
        ("template", Need.READS),
        ("import", Need.CHANGES),
        ("results", Need.READS),
        ("banks", Need.READS),
        ("bank", Need.MAKES),
    ],
)
def test_each_subcommand_says_what_it_needs_of_the_database(sub, need):
    found = verb_need(["readiness", sub, "--round", "1"])

    assert found is not None
    assert found[:2] == (f"fame readiness {sub}", need)


def test_import_help_names_its_options(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["readiness", "import", "--help"])

    out = capsys.readouterr().out
    assert raised.value.code == 0
    assert "--round ROUND_ID" in out
    assert "--respondent RESPONDENT" in out
    assert "the filled-in workbook (.xlsx)" in out
