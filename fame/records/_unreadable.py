"""Saying where and why a record file cannot be read as CSV, and which characters it may hold.

Python's CSV reader stops at the first fault with a terse message ("unexpected
end of data") and no field. When it does, ``locate_csv_fault`` reads the
record again by hand, from the line it began on, and names the field and the
line where the trouble started: a quote that is never closed, a field longer
than the reader's limit, or text after a closing quote.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
"""Any control character (Unicode category Cc) but tab: nothing a record's field may hold."""

_QUOTE_HELP = 'double any quote inside a quoted field ("")'


def holds_control_character(fields: Sequence[str]) -> bool:
    """Whether any field holds a control character other than tab."""
    joined = ",".join(fields)
    # Most rows are printable through and through, which is quicker to ask than the pattern.
    return not joined.isprintable() and CONTROL_CHARACTER.search(joined) is not None


class Fault(NamedTuple):
    line: int
    field: str
    message: str


def control_character_message(text: str) -> str | None:
    """What is wrong with a field holding a control character, or None when it holds none."""
    found = CONTROL_CHARACTER.search(text)
    if found is None:
        return None
    character = found.group()
    if character in "\r\n":
        return "contains a line break; each field must be on one line"
    name = unicodedata.name(character, "") or _C0_NAMES.get(character, "")
    named = f" ({name})" if name else ""
    return (
        f"contains the control character U+{ord(character):04X}{named}; "
        "remove it (tab is the only one allowed)"
    )


_C0_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL"}


def shown(text: str) -> str:
    """``text`` for a message, each control character written as an escape such as \\x00."""
    return CONTROL_CHARACTER.sub(lambda found: repr(found.group())[1:-1], text)


class _Scan:
    """One record read character by character, as the CSV reader's ``excel`` dialect reads."""

    def __init__(self, first_line: int, columns: Sequence[str]) -> None:
        self.columns = columns
        self.limit = csv.field_size_limit()
        self.line = first_line
        self.field = 0
        self.length = 0
        self.field_line = first_line  # where the current field began
        self.quoted = False  # inside a quoted field
        self.closed = False  # just after a quoted field's closing quote

    def name(self) -> str:
        return self.columns[self.field] if self.field < len(self.columns) else ""

    def where(self) -> str:
        return "" if self.field < len(self.columns) else f"field {self.field + 1} "

    def too_long(self) -> Fault:
        message = (
            f"{self.where()}is longer than {self.limit:,} characters, the most a field may hold"
        )
        if self.quoted:
            message += f" (check for a quote opened on line {self.field_line} and never closed)"
        return Fault(self.field_line, self.name(), message)

    def step(self, character: str, following: str) -> tuple[Fault | None, bool, bool]:
        """Read one character: (a fault, whether the record ended, whether to skip the next)."""
        if self.quoted:
            if character == '"':
                if following == '"':
                    return self._grow(), False, True
                self.quoted, self.closed = False, True
                return None, False, False
            return self._grow(), False, False
        if self.closed and character not in ",\r\n":
            message = f"{self.where()}has text after its closing quote; {_QUOTE_HELP}"
            return Fault(self.line, self.name(), message), False, False
        if character == ",":
            self.field, self.length, self.closed = self.field + 1, 0, False
            self.field_line = self.line
            return None, False, False
        if character in "\r\n":
            return None, True, False
        if character == '"' and self.length == 0:
            self.quoted = True
            return None, False, False
        return self._grow(), False, False

    def _grow(self) -> Fault | None:
        self.length += 1
        return self.too_long() if self.length > self.limit else None

    def unterminated(self) -> Fault:
        message = (
            f'{self.where()}opens a quote (") that is never closed; close it, and {_QUOTE_HELP}'
        )
        return Fault(self.field_line, self.name(), message)


def locate_csv_fault(file: Path, first_line: int, columns: Sequence[str]) -> Fault | None:
    """Where the record beginning on ``first_line`` stops the CSV reader, if it can be placed."""
    scan = _Scan(first_line, columns)
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            for number, text in enumerate(handle, start=1):
                if number < first_line:
                    continue
                scan.line = number
                skip = False
                for index, character in enumerate(text):
                    if skip:
                        skip = False
                        continue
                    following = text[index + 1 : index + 2]
                    fault, ended, skip = scan.step(character, following)
                    if fault is not None:
                        return fault
                    if ended:
                        return None
    except UnicodeDecodeError:
        return None
    return scan.unterminated() if scan.quoted else None
