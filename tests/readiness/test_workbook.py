"""The round's workbook: written, filled in with openpyxl as a person would, imported."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from fame.audit import AuditEvent
from fame.readiness.bank import read_bank
from fame.readiness.models import Answer, BankVersion, Round
from fame.readiness.workbook import (
    ImportRefused,
    import_workbook,
    layout,
    round_workbook,
)
from fame.readiness.workbook.layout import ABOUT, FIRST_ROW, sheet_title
from fame.web import xlsx

from .banks import small_bank_text

pytestmark = pytest.mark.django_db

GOVERNANCE = "Governance"


def fill(data: bytes, change: Callable[[Any], None]) -> bytes:
    """The workbook ``data`` after ``change`` (given the openpyxl workbook) is made."""
    book = load_workbook(BytesIO(data))
    change(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def rows_of(sheet: Any) -> dict[str, int]:
    """Each statement id on ``sheet`` and its row number."""
    return {
        str(sheet.cell(n, 1).value): n
        for n in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(n, 1).value
    }


def answer_everything(username: str) -> Callable[[Any], None]:
    """Score every statement: 0 with no evidence, 1-4 with evidence, Don't know."""

    def change(book: Any) -> None:
        n = 0
        for sheet in book.worksheets[1:]:
            for statement_id, row in rows_of(sheet).items():
                sheet.cell(row, 5).value = username
                choice = (0, 1, 2, 3, 4, "Don't know")[n % 6]
                sheet.cell(row, 6).value = choice
                if choice not in (0, "Don't know"):
                    sheet.cell(row, 7).value = f"Minutes for {statement_id}"
                if choice == 4:
                    sheet.cell(row, 8).value = f"https://example.org/{statement_id}"
                n += 1

    return change


def set_cell(sheet: str, statement_id: str, column: int, value: object) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        ws = book[sheet]
        ws.cell(rows_of(ws)[statement_id], column).value = value

    return change


def both(*changes: Callable[[Any], None]) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        for one in changes:
            one(book)

    return change


def problems_of(round_: Round, data: bytes, **kwargs: Any) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        import_workbook(round_, data, by=None, **kwargs)
    return [str(p) for p in refused.value.problems]


def test_template_has_about_and_a_sheet_per_block_with_a_row_per_statement(readiness_round):
    book = load_workbook(BytesIO(round_workbook(readiness_round)))

    assert book.sheetnames[0] == ABOUT
    statements = [s for ws in book.worksheets[1:] for s in rows_of(ws)]
    assert statements == [s.id for s in readiness_round.bank.statements]
    governance = book[GOVERNANCE]
    assert governance.protection.sheet
    first = FIRST_ROW
    assert governance.cell(first, 1).protection.locked  # the id
    assert not governance.cell(first, 6).protection.locked  # the score
    assert not governance.cell(first, 5).protection.locked  # blank: anyone's respondent
    assert governance.cell(first, 5).value is None
    assert [dv.formula1 for dv in governance.data_validations.dataValidation] == [
        '"0,1,2,3,4,Don\'t know"'
    ]
    about = {r[0]: r[1] for r in book[ABOUT].iter_rows(max_col=2, values_only=True) if r[0]}
    assert about["Bank version"] == "test.1"
    assert about["Round number"] == readiness_round.pk


def test_template_for_a_respondent_is_prefilled_with_their_saved_answers(
    readiness_round, respondents
):
    respondent = readiness_round.respondent_for(respondents[1])
    Answer.objects.create(
        respondent=respondent, statement_id="GV-G-1", score=3, evidence_text="Board minutes"
    )
    Answer.objects.create(respondent=respondent, statement_id="GV-P-1", dont_know=True)

    book = load_workbook(BytesIO(round_workbook(readiness_round, respondent)))

    sheet = book[GOVERNANCE]
    rows = rows_of(sheet)
    assert [sheet.cell(rows["GV-G-1"], c).value for c in (5, 6, 7)] == [
        "school.practice",
        3,
        "Board minutes",
    ]
    assert sheet.cell(rows["GV-P-1"], 6).value == "Don't know"
    assert sheet.cell(rows["GV-T-1"], 6).value is None
    assert sheet.cell(rows["GV-T-1"], 5).protection.locked


def test_round_trip_saves_every_answer_as_filled_in(readiness_round, respondents):
    filled = fill(round_workbook(readiness_round), answer_everything("health.ict"))

    imported = import_workbook(readiness_round, filled, by=respondents[2])

    assert imported.answers == len(readiness_round.bank.statements)
    assert imported.respondents == ("health.ict",)
    saved = {
        a.statement_id: (a.score, a.dont_know, a.evidence_text, a.evidence_link)
        for a in Answer.objects.filter(respondent__user=respondents[2])
    }
    expected = {}
    for n, statement in enumerate(readiness_round.bank.statements):
        choice = (0, 1, 2, 3, 4, "Don't know")[n % 6]
        expected[statement.id] = (
            None if choice == "Don't know" else choice,
            choice == "Don't know",
            "" if choice in (0, "Don't know") else f"Minutes for {statement.id}",
            f"https://example.org/{statement.id}" if choice == 4 else "",
        )
    assert saved == expected
    event = AuditEvent.objects.get(action="readiness.workbook_imported")
    assert event.target == f"readiness-round:{readiness_round.pk}"


def test_round_trip_through_a_respondents_own_workbook_changes_nothing(
    readiness_round, respondents
):
    respondent = readiness_round.respondent_for(respondents[0])
    Answer.objects.create(
        respondent=respondent, statement_id="IS-G-1", score=2, evidence_text="Protocol"
    )
    before = list(Answer.objects.values_list("statement_id", "score", "evidence_text"))

    import_workbook(readiness_round, round_workbook(readiness_round, respondent), by=respondents[0])

    assert list(Answer.objects.values_list("statement_id", "score", "evidence_text")) == before


def test_blank_username_rows_are_the_named_respondents(readiness_round):
    filled = fill(round_workbook(readiness_round), set_cell(GOVERNANCE, "GV-T-1", 6, "Don't know"))

    import_workbook(readiness_round, filled, by=None, respondent="school.practice")

    answer = Answer.objects.get()
    assert (answer.respondent.user.username, answer.dont_know) == ("school.practice", True)


def test_score_out_of_range_is_named_by_sheet_row_and_column(readiness_round):
    filled = fill(
        round_workbook(readiness_round),
        both(
            answer_everything("health.ict"),
            set_cell(GOVERNANCE, "GV-T-1", 6, 5),
        ),
    )
    row = FIRST_ROW + 1

    problems = problems_of(readiness_round, filled)

    assert problems == [
        f"Sheet 'Governance', row {row}, column F: score 5 is not 0-4 or Don't know"
    ]
    assert not Answer.objects.exists()
    assert not AuditEvent.objects.filter(action="readiness.workbook_imported").exists()


def test_every_problem_is_listed_and_nothing_is_saved(readiness_round):
    def add_unknown(book: Any) -> None:
        ws = book[GOVERNANCE]
        ws.cell(ws.max_row + 1, 1).value = "GV-X-9"
        ws.cell(ws.max_row, 6).value = 1

    filled = fill(
        round_workbook(readiness_round),
        both(
            answer_everything("health.ict"),
            set_cell(GOVERNANCE, "GV-P-1", 6, "lots"),
            set_cell(GOVERNANCE, "GV-T-1", 5, "nobody"),
            set_cell("Legal powers", "LP-P-1", 6, 3),
            set_cell("Legal powers", "LP-P-1", 7, None),
            set_cell("Legal powers", "LP-P-1", 8, None),
            set_cell("Legal powers", "LP-T-1", 8, "not a link"),
            add_unknown,
        ),
    )

    problems = problems_of(readiness_round, filled)

    r = FIRST_ROW
    assert sorted(problems) == sorted(
        [
            f"Sheet 'Governance', row {r}, column F: score lots is not 0-4 or Don't know",
            f"Sheet 'Governance', row {r + 3}, column A: statement id GV-X-9 is not in this "
            "round's bank",
            f"Sheet 'Governance', row {r + 1}, column E: nobody is not a respondent in this round",
            f"Sheet 'Legal powers', row {r}, column F: score 3 needs evidence: say what shows it "
            "in column G or give a link in column H",
            f"Sheet 'Legal powers', row {r + 1}, column H: not a link is not a web address "
            "starting http:// or https:// (of at most 500 characters)",
        ]
    )
    assert not Answer.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(readiness_round):
    assert problems_of(readiness_round, b"name,score\nGV-G-1,3\n") == [
        "the file is not an Excel workbook (.xlsx); download the template again"
    ]


def test_a_workbook_without_the_about_sheet_is_refused(readiness_round):
    out = BytesIO()
    Workbook().save(out)

    assert problems_of(readiness_round, out.getvalue()) == ["the workbook has no 'About' sheet"]


def test_a_missing_block_sheet_is_named(readiness_round):
    filled = fill(round_workbook(readiness_round), lambda book: book.remove(book["Federation"]))

    assert problems_of(readiness_round, filled, respondent="health.ict") == [
        "the workbook has no sheet 'Federation'"
    ]


def test_a_workbook_for_another_bank_version_is_refused(readiness_round, partnership_officer):
    newer = BankVersion.keep(read_bank(small_bank_text(version="test.2")))
    other = Round.objects.create(
        partnership=readiness_round.partnership,
        title="Spring 2027",
        bank_version=newer,
        opened_by=partnership_officer,
    )
    old = fill(round_workbook(readiness_round), answer_everything("health.ict"))

    problems = problems_of(other, old)

    assert problems[0] == (
        f"Sheet 'About': this workbook is for round {readiness_round.pk}, not round "
        f"{other.pk}: use this round's"
    )
    assert problems[1].startswith("Sheet 'About': this workbook was made for bank version test.1")
    assert "but the round uses version test.2" in problems[1]


def test_a_respondent_may_import_only_their_own_answers(readiness_round, respondents):
    filled = fill(round_workbook(readiness_round), answer_everything("health.ict"))

    problems = problems_of(readiness_round, filled, own_only=respondents[1])

    assert len(problems) == len(readiness_round.bank.statements)
    assert problems[0].endswith(
        "column E: you may import only your own answers, and this row is for health.ict"
    )


def test_a_submitted_respondents_answers_are_refused(readiness_round, respondents):
    respondent = readiness_round.respondent_for(respondents[2])
    respondent.submitted_at = timezone.now()
    respondent.save()
    filled = fill(round_workbook(readiness_round), answer_everything("health.ict"))

    problems = problems_of(readiness_round, filled)

    assert problems == [
        f"Sheet 'Scoping statement and business', row {FIRST_ROW}, column E: health.ict has "
        "submitted their answers, which can no longer change"
    ]


def test_the_same_statement_twice_for_one_respondent_is_refused(readiness_round):
    def twice(book: Any) -> None:
        ws = book[GOVERNANCE]
        ws.cell(ws.max_row + 1, 1).value = "GV-G-1"
        ws.cell(ws.max_row, 5).value = "health.ict"
        ws.cell(ws.max_row, 6).value = "Don't know"

    filled = fill(round_workbook(readiness_round), both(answer_everything("health.ict"), twice))

    problems = problems_of(readiness_round, filled)

    assert problems == [
        f"Sheet 'Governance', row {FIRST_ROW + 3}, column A: statement GV-G-1 for health.ict "
        f"is answered already on sheet 'Governance', row {FIRST_ROW + 2}"
    ]


def test_a_closed_round_takes_no_answers(readiness_round):
    filled = fill(round_workbook(readiness_round), answer_everything("health.ict"))
    readiness_round.status = Round.Status.CLOSED
    readiness_round.save()

    assert problems_of(readiness_round, filled) == [
        "the round is closed: its answers can no longer change"
    ]


def test_an_empty_workbook_has_nothing_to_import(readiness_round):
    assert problems_of(readiness_round, round_workbook(readiness_round)) == [
        "the workbook has no answers to import: fill in a Score"
    ]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Governance", "Governance"),
        ("Legal powers and responsibilities", "Legal powers"),
        ("Messaging, events and transactions", "Messaging, events"),
        ("Risk: who [decides]?", "Risk who decides"),
    ],
)
def test_sheet_titles_fit_excel(name, title):
    assert sheet_title(name) == title
    assert len(sheet_title(name * 3)) <= 31


def test_a_workbook_with_a_doctype_is_refused_before_parsing(readiness_round):
    def add_doctype(data: bytes) -> bytes:
        source, out = zipfile.ZipFile(BytesIO(data)), BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for part in source.infolist():
                body = source.read(part)
                if part.filename.endswith("sheet2.xml"):
                    body = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + body
                target.writestr(part, body)
        return out.getvalue()

    filled = add_doctype(fill(round_workbook(readiness_round), answer_everything("health.ict")))

    assert problems_of(readiness_round, filled) == [
        "the workbook has XML parts Excel does not write (a DOCTYPE)"
    ]
    assert not Answer.objects.exists()


def test_a_workbook_that_unpacks_too_large_is_refused(readiness_round, monkeypatch):
    monkeypatch.setattr(xlsx, "UNPACKED_LIMIT", 1000)
    filled = fill(round_workbook(readiness_round), answer_everything("health.ict"))

    assert problems_of(readiness_round, filled) == [
        "the workbook unpacks to more than 50 MB; a filled-in workbook is far smaller"
    ]


def test_each_statement_row_says_what_each_level_looks_like(readiness_round):
    sheet = load_workbook(BytesIO(round_workbook(readiness_round)))[GOVERNANCE]

    row = rows_of(sheet)["GV-T-1"]
    assert [sheet.cell(row, column).value for column in range(9, 14)] == [
        f"GV-T-1 at level {n}" for n in range(5)
    ]
    assert sheet.cell(4, 9).value == "What level 0 looks like"


def test_changed_column_headings_are_refused(readiness_round):
    filled = fill(
        round_workbook(readiness_round),
        both(
            answer_everything("health.ict"),
            lambda book: setattr(book[GOVERNANCE]["F4"], "value", "Mark"),
        ),
    )

    assert problems_of(readiness_round, filled) == [
        "Sheet 'Governance', row 4: the column headings are not the template's (Statement id, "
        "Dimension, Criterion, Statement, Respondent, Score, Evidence, Link)"
    ]


def test_a_sheet_with_too_many_rows_is_refused(readiness_round, monkeypatch):
    monkeypatch.setattr(layout, "MAX_ROWS", 2)
    filled = fill(round_workbook(readiness_round), answer_everything("health.ict"))

    problems = problems_of(readiness_round, filled)

    assert f"Sheet 'Governance', row {FIRST_ROW + 2}: the sheet has more than 2 rows" in problems
    assert not Answer.objects.exists()


def test_a_damaged_sheet_is_refused_and_saves_nothing(readiness_round):
    data = fill(round_workbook(readiness_round), answer_everything("health.ict"))
    source, out = zipfile.ZipFile(BytesIO(data)), BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for part in source.infolist():
            body = source.read(part)
            if part.filename.endswith("sheet4.xml"):  # the Governance sheet
                body = body[: len(body) // 2]
            target.writestr(part, body)

    assert problems_of(readiness_round, out.getvalue()) == [
        "the workbook is damaged and cannot be read; download the template again"
    ]
    assert not Answer.objects.exists()
