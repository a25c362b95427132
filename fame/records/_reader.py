"""Reading an agency record file: every row checked, all or nothing."""

from __future__ import annotations

import csv
import re
from collections.abc import Collection
from datetime import date, timedelta
from os import PathLike
from pathlib import Path

from ._model import (
    COLUMNS,
    LIST_SEPARATOR,
    AgencyRecord,
    FileProblems,
    Sex,
)
from ._postcodes import normalise_postcode
from ._unreadable import (
    control_character_message,
    holds_control_character,
    locate_csv_fault,
    shown,
)

EXPECTED_DELIVERY_DAYS = 280
"""A date of birth may be this far ahead: an unborn child's expected date of delivery."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+")
_SEXES: dict[str, Sex] = {"F": "F", "M": "M", "U": "U"}
_BOOLEANS = {"": False, "false": False, "true": True}


class _Checker:
    """Checks rows one at a time; remembers each distinct value's verdict (files repeat them)."""

    def __init__(
        self, problems: FileProblems, known_agencies: Collection[str] | None, latest_birth: date
    ) -> None:
        self.problems = problems
        self.known_agencies = known_agencies
        self.latest_birth = latest_birth
        self.first_seen: dict[tuple[str, str], int] = {}
        self._dates: dict[str, date | str | None] = {}
        self._postcodes: dict[str, tuple[str, str]] = {}
        self._lists: dict[str, tuple[str, ...]] = {}
        self._emails: dict[str, tuple[str, str]] = {}
        self._sexes: dict[str, Sex | None] = {}
        self._flags: dict[str, bool | None] = {}

    def date(self, text: str) -> date | str | None:
        """A date, None for blank text, or a message saying what is wrong."""
        try:
            return self._dates[text]
        except KeyError:
            pass
        clean = text.strip()
        answer: date | str | None = None
        if clean and not _ISO_DATE.fullmatch(clean):
            answer = f'"{clean}" is not a date in the form YYYY-MM-DD'
        elif clean:
            try:
                answer = date.fromisoformat(clean)
            except ValueError:
                answer = f'"{clean}" is not a real date (use YYYY-MM-DD)'
        self._dates[text] = answer
        return answer

    def postcode(self, text: str) -> tuple[str, str]:
        """The normal form and "", or "" and what is wrong."""
        answer = self._postcodes.get(text)
        if answer is None:
            try:
                answer = (normalise_postcode(text), "")
            except ValueError as error:
                answer = ("", str(error).replace("'", '"'))
            self._postcodes[text] = answer
        return answer

    def names(self, text: str) -> tuple[str, ...]:
        answer = self._lists.get(text)
        if answer is None:
            parts = (part.strip() for part in text.split(LIST_SEPARATOR))
            answer = self._lists[text] = tuple(part for part in parts if part)
        return answer

    def email(self, text: str) -> tuple[str, str]:
        """The address and "", or "" and what is wrong."""
        answer = self._emails.get(text)
        if answer is None:
            clean = text.strip()
            if not clean or _EMAIL.fullmatch(clean):
                answer = (clean, "")
            else:
                answer = ("", f'"{clean}" is not an email address')
            self._emails[text] = answer
        return answer

    def sex(self, text: str) -> Sex | None:
        if text not in self._sexes:
            self._sexes[text] = _SEXES.get(text.strip().upper())
        return self._sexes[text]

    def flag(self, text: str) -> bool | None:
        if text not in self._flags:
            self._flags[text] = _BOOLEANS.get(text.strip().lower())
        return self._flags[text]

    def check(self, row: list[str], line: int) -> AgencyRecord | None:
        """The row as a record, or None after adding its problems."""
        add = self.problems.add
        before = self.problems.total
        (
            agency_id, local_id, given_name, middle_names, family_name, previous_family_names,
            sex_text, birth_text, address_line_1, address_line_2, town, postcode_text, service,
            role, email_text, started_text, ended_text, sensitive_text,
        ) = row  # fmt: skip

        agency_id = agency_id.strip()
        local_id = local_id.strip()
        if not agency_id:
            add(
                line, "agency_id", "is empty; every record needs the id of the agency that holds it"
            )
        elif self.known_agencies is not None and agency_id not in self.known_agencies:
            add(line, "agency_id", f"unknown agency {agency_id}")
        if not local_id:
            add(line, "local_id", "is empty; every record needs the agency's own id for the child")
        else:
            first = self.first_seen.setdefault((agency_id, local_id), line)
            if first != line:
                add(line, "local_id", f'"{local_id}" is used again (first on line {first})')
        if not given_name.strip():
            add(line, "given_name", "is empty; every record needs a given name")
        if not family_name.strip():
            add(line, "family_name", "is empty; every record needs a family name")
        sex = self.sex(sex_text)
        if sex is None:
            add(line, "sex", f'"{sex_text}" is not F, M or U (use U when not known)')

        birth = self.date(birth_text)
        if isinstance(birth, str):
            add(line, "date_of_birth", birth)
        elif birth is not None and birth > self.latest_birth:
            message = "is in the future, beyond an expected date of delivery"
            add(line, "date_of_birth", f'"{birth_text.strip()}" {message}')
        started = self.date(started_text)
        if isinstance(started, str):
            add(line, "started_on", started)
        ended = self.date(ended_text)
        if isinstance(ended, str):
            add(line, "ended_on", ended)
        elif isinstance(started, date) and ended is not None and ended < started:
            add(line, "ended_on", f"{ended.isoformat()} is before started_on {started.isoformat()}")

        postcode, wrong = self.postcode(postcode_text)
        if wrong:
            add(line, "postcode", wrong)
        email, wrong = self.email(email_text)
        if wrong:
            add(line, "practitioner_email", wrong)
        sensitive = self.flag(sensitive_text)
        if sensitive is None:
            add(line, "sensitive", f'"{sensitive_text}" is not true or false (empty means false)')

        if self.problems.total != before or sex is None or sensitive is None:
            return None
        return AgencyRecord(  # positional: the order of COLUMNS (and quicker)
            agency_id,
            local_id,
            given_name,
            self.names(middle_names) if middle_names else (),
            family_name,
            self.names(previous_family_names) if previous_family_names else (),
            sex,
            birth if isinstance(birth, date) else None,
            address_line_1,
            address_line_2,
            town,
            postcode,
            service.strip(),
            role.strip(),
            email,
            started if isinstance(started, date) else None,
            ended if isinstance(ended, date) else None,
            sensitive,
        )


def _check_header(header: list[str] | None, problems: FileProblems) -> None:
    expected = ", ".join(COLUMNS)
    if header is None:
        problems.add(1, "", f"the file is empty; the first line must be the header: {expected}")
        return
    names = [name.strip() for name in header]
    if tuple(names) == COLUMNS:
        return
    missing = [name for name in COLUMNS if name not in names]
    unexpected = [name for name in names if name not in COLUMNS]
    repeated = sorted({name for name in names if names.count(name) > 1 and name in COLUMNS})
    if missing:
        problems.add(1, "", f"the header is missing columns: {', '.join(missing)}")
    if unexpected:
        listed = ", ".join(f'"{shown(name)}"' for name in unexpected)
        problems.add(1, "", f"the header has unexpected columns: {listed}")
    if repeated:
        problems.add(1, "", f"the header repeats columns: {', '.join(repeated)}")
    if not (missing or unexpected or repeated):
        problems.add(1, "", f"the header has the right columns in the wrong order; use: {expected}")


def _first_line_not_utf8(file: Path) -> int:
    """The number of the first line that is not UTF-8 (text is decoded in blocks, not lines)."""
    with file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1  # pragma: no cover - only called after a decoding error


def read_records(
    path: str | PathLike[str],
    *,
    known_agencies: Collection[str] | None = None,
    today: date | None = None,
) -> list[AgencyRecord]:
    """Every record in an agency record file, or ``RecordFileError`` listing what is wrong.

    All or nothing: one bad row and no records are returned. ``known_agencies``
    (when given) is the set of agency ids a record may name; ``today`` (default:
    the real date) bounds dates of birth, which may be at most 280 days ahead.
    Line numbers are lines of the file as an editor shows them; the header is line 1.
    """
    file = Path(path)
    problems = FileProblems(file.name)
    latest_birth = (today or date.today()) + timedelta(days=EXPECTED_DELIVERY_DAYS)
    checker = _Checker(problems, known_agencies, latest_birth)
    records: list[AgencyRecord] = []
    width = len(COLUMNS)
    ended_at = 0  # the last line of the last whole record read
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            _check_header(next(reader, None), problems)
            problems.raise_if_any()
            ended_at = reader.line_num
            for row in reader:
                line, ended_at = ended_at + 1, reader.line_num
                if len(row) == width:
                    if holds_control_character(row):
                        _add_control_characters(row, line, problems)
                        continue
                    record = checker.check(row, line)
                    if record is not None and not problems.total:
                        records.append(record)
                elif row:  # (a blank line is no row at all)
                    problems.add(
                        line,
                        "",
                        f"has {len(row)} fields but should have {width} "
                        "(check for a missing or extra comma, or an unclosed quote)",
                    )
        except UnicodeDecodeError:
            bad = _first_line_not_utf8(file)
            problems.add(bad, "", "is not UTF-8 text; save the file as CSV UTF-8")
        except csv.Error as error:
            fault = locate_csv_fault(file, ended_at + 1, COLUMNS)
            if fault is None:
                problems.add(reader.line_num, "", f"cannot be read as CSV ({error})")
            else:
                problems.add(*fault)
    problems.raise_if_any()
    return records


def _add_control_characters(row: list[str], line: int, problems: FileProblems) -> None:
    """A problem for each field holding a control character (PostgreSQL cannot store NUL)."""
    for name, value in zip(COLUMNS, row, strict=True):
        message = control_character_message(value)
        if message is not None:
            problems.add(line, name, message)
