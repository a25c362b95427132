"""A round's workbook to fill in offline (XLSX, written with openpyxl).

An "About" sheet names the round, the bank and its version, says how to fill the
workbook in and what each level means. Each building block has a sheet with a row per
statement (and respondent): its id, dimension, criterion and words, the respondent's
username, the Score (a list: 0 to 4 or Don't know), Evidence and a Link, then what each
level looks like for that statement. Only the Score, Evidence and Link cells (and the
Respondent column of a blank workbook) are unlocked: the ids stay as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..framework import framework
from ..models import Answer, Respondent, Round
from . import layout

HEADING = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
ANSWER_FILL = PatternFill("solid", fgColor="FFF7BF")
TOP_WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
UNLOCKED = Protection(locked=False)

HOW_TO = (
    "Each building block has its own sheet, with a row for each statement.",
    "For each statement, choose a Score from the list: 0 to 4 (the levels below), or "
    "Don't know when you cannot judge it. Don't know is counted as such, never as 0.",
    "A score above 0 needs evidence: say in Evidence what shows it, or give a Link to a "
    "document or page that does.",
    "Leave a row blank to leave that statement unanswered (an answer already saved stays "
    "as it is).",
    "Do not change the statement ids, the sheets' names or the About sheet: the workbook "
    "is checked against the round when it is imported, and a workbook with any problem "
    "changes nothing.",
)


@dataclass(frozen=True)
class Row:
    """One statement's row: whose answer and what it is so far (blank for none)."""

    username: str = ""
    score: int | str | None = None
    evidence: str = ""
    link: str = ""


def _row(username: str, answer: Answer | None) -> Row:
    if answer is None:
        return Row(username)
    score: int | str | None = layout.DONT_KNOW if answer.dont_know else answer.score
    return Row(username, score, answer.evidence_text, answer.evidence_link)


def round_workbook(round_: Round, respondent: Respondent | None = None) -> bytes:
    """The workbook for ``round_``: prefilled with ``respondent``'s username and saved
    answers, or blank (the Respondent column empty) for anyone to fill in."""
    if respondent is None:
        rows: Mapping[str, Iterable[Row]] = {s.id: [Row()] for s in round_.bank.statements}
    else:
        saved = {a.statement_id: a for a in respondent.answers.all()}
        username = respondent.user.get_username()
        rows = {s.id: [_row(username, saved.get(s.id))] for s in round_.bank.statements}
    book = Workbook()
    _about(book.active, round_, respondent)
    for block in framework().blocks:
        statements = round_.bank.in_block(block.key)
        if statements:
            _block_sheet(book, round_, block.key, rows, respondent is None)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _about(sheet: Worksheet | None, round_: Round, respondent: Respondent | None) -> None:
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = layout.ABOUT
    bank = round_.bank
    sheet["A1"] = "Readiness assessment workbook"
    sheet["A1"].font = HEADING
    facts: list[tuple[str, object]] = [
        ("Round", f"{round_.title} ({round_.partnership})"),
        (layout.ROUND_LABEL, round_.pk),
        (layout.BANK_LABEL, f"{bank.title} ({bank.key})"),
        (layout.VERSION_LABEL, bank.version),
        (layout.FINGERPRINT_LABEL, bank.digest[: layout.FINGERPRINT_LENGTH]),
        (
            "Respondent",
            respondent.user.get_username()
            if respondent is not None
            else "Write each respondent's username in the Respondent column",
        ),
    ]
    row = 3
    for label, value in facts:
        sheet.cell(row, 1, label).font = BOLD
        sheet.cell(row, 2, value).alignment = Alignment(horizontal="left")
        row += 1
    row += 1
    sheet.cell(row, 1, "How to fill it in").font = BOLD
    for step in HOW_TO:
        row += 1
        sheet.cell(row, 2, step).alignment = TOP_WRAP
    row += 2
    sheet.cell(row, 1, "Score").font = BOLD
    sheet.cell(row, 2, "What it means").font = BOLD
    for level in framework().levels:
        row += 1
        sheet.cell(row, 1, level.score).alignment = Alignment(horizontal="left", vertical="top")
        text = f"{level.name}. {level.help}".strip() if level.help else level.name
        sheet.cell(row, 2, text).alignment = TOP_WRAP
    row += 1
    sheet.cell(row, 1, layout.DONT_KNOW)
    sheet.cell(row, 2, "You cannot judge it; it is counted as such, never as 0.")
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 90
    sheet.protection.sheet = True


def _block_sheet(
    book: Workbook, round_: Round, block_key: str, rows: Mapping[str, Iterable[Row]], blank: bool
) -> None:
    fw = framework()
    block = fw.block(block_key)
    sheet = book.create_sheet(layout.sheet_title(block.name))
    sheet["A1"] = block.name
    sheet["A1"].font = HEADING
    sheet["A2"] = (
        "Choose a Score for each statement (0 to 4, or Don't know) and give Evidence or a "
        "Link for any score above 0. The levels are explained on the About sheet and, for "
        "each statement, in the columns on the right."
    )
    for column in layout.COLUMNS:
        cell = sheet[f"{column.letter}{layout.HEADER_ROW}"]
        cell.value = column.heading
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = TOP_WRAP
        sheet.column_dimensions[column.letter].width = column.width
    sheet[f"{layout.SCORE.letter}{layout.HEADER_ROW}"].comment = Comment(
        "\n".join(f"{level.score}: {level.name}" for level in fw.levels)
        + f"\n{layout.DONT_KNOW}: you cannot judge it",
        "FAME",
    )
    number = layout.FIRST_ROW
    for statement in round_.bank.in_block(block_key):
        for row in rows[statement.id]:
            values: dict[layout.Column, object] = {
                layout.STATEMENT_ID: statement.id,
                layout.DIMENSION: fw.dimension(statement.dimension).name,
                layout.CRITERION: fw.criterion(statement.criterion).name,
                layout.STATEMENT: statement.text,
                layout.RESPONDENT: row.username or None,
                layout.SCORE: row.score,
                layout.EVIDENCE: row.evidence or None,
                layout.LINK: row.link or None,
            }
            values.update(zip(layout.LEVELS, statement.levels, strict=True))
            for column in layout.COLUMNS:
                cell = sheet[f"{column.letter}{number}"]
                cell.value = values[column]
                cell.alignment = TOP_WRAP if column.wrap else TOP
                if column.editable or (blank and column is layout.RESPONDENT):
                    cell.protection = UNLOCKED
                    cell.fill = ANSWER_FILL
            number += 1
    last = number - 1
    scores = DataValidation(
        type="list",
        formula1='"' + ",".join(layout.SCORE_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Score",
        error="Choose 0, 1, 2, 3, 4 or Don't know.",
    )
    scores.add(f"{layout.SCORE.letter}{layout.FIRST_ROW}:{layout.SCORE.letter}{last}")
    sheet.add_data_validation(scores)
    sheet.freeze_panes = f"B{layout.FIRST_ROW}"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
