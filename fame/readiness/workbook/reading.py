"""Reading a filled-in workbook: every row checked, every problem named, nothing saved.

``read_workbook`` reads the bytes of an XLSX file against the round it claims to be for
and returns the answers it holds with every problem found, each naming its sheet, row and
column ("Sheet 'Governance', row 7, column F: score 5 is not 0-4 or Don't know"). Whether
the named respondents may answer is for ``importing``, which knows the database.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from fame.web.xlsx import NotAWorkbook, RefusedWorkbook, check_xlsx

from ..bank import Bank
from ..framework import framework
from . import layout

"""The most a workbook may unpack to: a filled-in one is well under a megabyte, and a
file that unpacks to far more than it weighs is refused before it is parsed."""
EVIDENCE_LIMIT = 4000
LINK_LIMIT = 500
DAMAGED = "the workbook is damaged and cannot be read; download the template again"
_DAMAGED = (
    zipfile.BadZipFile,
    ElementTree.ParseError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
    OSError,
)
NOT_A_WORKBOOK = "the file is not an Excel workbook (.xlsx); download the template again"
_DONT_KNOW_SPELLINGS = {"don't know", "don\u2019t know", "dont know", "do not know"}
_links = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Problem:
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"Sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class WorkbookAnswer:
    """One row with something in it: a statement's answer for a respondent."""

    sheet: str
    row: int
    username: str
    statement_id: str
    score: int | None
    dont_know: bool
    evidence_text: str
    evidence_link: str

    @property
    def answered(self) -> bool:
        return self.dont_know or self.score is not None

    def problem(self, message: str, column: layout.Column | None = None) -> Problem:
        return Problem(message, self.sheet, self.row, column.letter if column else "")


@dataclass
class Reading:
    answers: list[WorkbookAnswer] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _score(value: Any) -> tuple[int | None, bool, str]:
    """(score, don't know, problem) for a Score cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, False, ""
    if isinstance(value, bool):
        return None, False, f"score {value} is not 0-4 or {layout.DONT_KNOW}"
    if isinstance(value, int | float) and float(value).is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    elif isinstance(value, str) and value.strip().lower() in _DONT_KNOW_SPELLINGS:
        return None, True, ""
    else:
        return None, False, f"score {_text(value)[:40]} is not 0-4 or {layout.DONT_KNOW}"
    if not 0 <= number <= 4:
        return None, False, f"score {number} is not 0-4 or {layout.DONT_KNOW}"
    return number, False, ""


def _about(values: dict[str, str], round_id: int, bank: Bank) -> list[Problem]:
    def wrong(message: str) -> Problem:
        return Problem(message, layout.ABOUT)

    problems = []
    if values.get(layout.ROUND_LABEL) != str(round_id):
        found = values.get(layout.ROUND_LABEL, "")[:20] or "no round"
        problems.append(
            wrong(f"this workbook is for round {found}, not round {round_id}: use this round's")
        )
    version = values.get(layout.VERSION_LABEL, "")
    fingerprint = values.get(layout.FINGERPRINT_LABEL, "")
    if version != bank.version or fingerprint != bank.digest[: layout.FINGERPRINT_LENGTH]:
        problems.append(
            wrong(
                f"this workbook was made for bank version {version or 'unknown'} "
                f"({fingerprint or 'no fingerprint'}), but the round uses version {bank.version} "
                f"({bank.digest[: layout.FINGERPRINT_LENGTH]}): download the round's workbook again"
            )
        )
    return problems


def read_workbook(data: bytes, *, round_id: int, bank: Bank) -> Reading:
    """Every answer in the workbook ``data`` and every problem with it, for the round
    ``round_id`` using ``bank``."""
    reading = Reading()
    try:
        check_xlsx(data)
    except NotAWorkbook:
        reading.problems.append(Problem(NOT_A_WORKBOOK))
        return reading
    except RefusedWorkbook as refused:
        reading.problems.append(Problem(str(refused)))
        return reading
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *_DAMAGED):
        reading.problems.append(Problem(NOT_A_WORKBOOK))
        return reading
    try:
        _read_book(book, round_id, bank, reading)
    except _DAMAGED:
        # A ZIP of XML that openpyxl opened but whose sheets it cannot read.
        reading.answers.clear()
        reading.problems.append(Problem(DAMAGED))
    finally:
        book.close()
    return reading


def _read_book(book: Any, round_id: int, bank: Bank, reading: Reading) -> None:
    """Read the About sheet, then each block's sheet, into ``reading``."""
    if layout.ABOUT not in book.sheetnames:
        reading.problems.append(Problem(f"the workbook has no '{layout.ABOUT}' sheet"))
        return
    about = {
        _text(row[0]): _text(row[1])
        for row in book[layout.ABOUT].iter_rows(max_col=2, max_row=40, values_only=True)
        if len(row) >= 2 and row[0] is not None
    }
    reading.problems.extend(_about(about, round_id, bank))
    if reading.problems:
        return
    known = {s.id: s for s in bank.statements}
    for block in framework().blocks:
        if not bank.in_block(block.key):
            continue
        title = layout.sheet_title(block.name)
        if title not in book.sheetnames:
            reading.problems.append(Problem(f"the workbook has no sheet '{title}'"))
            continue
        _read_sheet(book[title], title, known, reading)


def _read_sheet(
    sheet: Any,
    title: str,
    known: Mapping[str, object],
    reading: Reading,
) -> None:
    width = len(layout.COLUMNS)
    rows = sheet.iter_rows(min_row=layout.HEADER_ROW, max_col=width, values_only=True)
    header = next(rows, ())
    answered = layout.ANSWERED
    if [_text(v) for v in header][: len(answered)] != [c.heading for c in answered]:
        reading.problems.append(
            Problem(
                "the column headings are not the template's (Statement id, Dimension, "
                "Criterion, Statement, Respondent, Score, Evidence, Link)",
                title,
                layout.HEADER_ROW,
            )
        )
        return
    for number, values in enumerate(rows, start=layout.FIRST_ROW):
        if number - layout.FIRST_ROW >= layout.MAX_ROWS:
            reading.problems.append(
                Problem(f"the sheet has more than {layout.MAX_ROWS} rows", title, number)
            )
            return
        cells = dict(zip(layout.COLUMNS, values, strict=False))
        answer = _read_row(cells, title, number, known, reading)
        if answer is None:
            continue
        reading.answers.append(answer)


def _read_row(
    cells: dict[layout.Column, Any],
    title: str,
    number: int,
    known: Mapping[str, object],
    reading: Reading,
) -> WorkbookAnswer | None:
    statement_id = _text(cells.get(layout.STATEMENT_ID))
    username = _text(cells.get(layout.RESPONDENT))
    evidence = _text(cells.get(layout.EVIDENCE))
    link = _text(cells.get(layout.LINK))
    raw_score = cells.get(layout.SCORE)
    if not (statement_id or evidence or link or _text(raw_score)):
        return None  # a blank row, or one left unanswered

    def problem(message: str, column: layout.Column) -> None:
        reading.problems.append(Problem(message, title, number, column.letter))

    if not statement_id:
        problem("the row has an answer but no statement id", layout.STATEMENT_ID)
        return None
    if statement_id not in known:
        problem(f"statement id {statement_id} is not in this round's bank", layout.STATEMENT_ID)
        return None
    if not (evidence or link or _text(raw_score)):
        return None  # a statement's row left unanswered
    score, dont_know, wrong = _score(raw_score)
    ok = True
    if wrong:
        problem(wrong, layout.SCORE)
        ok = False
    if len(evidence) > EVIDENCE_LIMIT:
        problem(f"the evidence is longer than {EVIDENCE_LIMIT} characters", layout.EVIDENCE)
        ok = False
    if link:
        try:
            if len(link) > LINK_LIMIT:
                raise ValidationError("too long")
            _links(link)
        except ValidationError:
            problem(
                f"{link[:60]} is not a web address starting http:// or https:// "
                f"(of at most {LINK_LIMIT} characters)",
                layout.LINK,
            )
            ok = False
    if not ok:
        return None
    return WorkbookAnswer(
        sheet=title,
        row=number,
        username=username,
        statement_id=statement_id,
        score=score,
        dont_know=dont_know,
        evidence_text=evidence,
        evidence_link=link,
    )
