"""What one agency record is, and how problems with a file of them are reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Sex = Literal["F", "M", "U"]

COLUMNS: tuple[str, ...] = (
    "agency_id",
    "local_id",
    "given_name",
    "middle_names",
    "family_name",
    "previous_family_names",
    "sex",
    "date_of_birth",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "service",
    "role",
    "practitioner_email",
    "started_on",
    "ended_on",
    "sensitive",
)

LIST_SEPARATOR = ";"
"""Separates several middle names, or several previous family names, in one field."""

MAX_PROBLEMS = 50
"""A file with more problems than this reports the first ones and how many more."""


@dataclass(frozen=True, slots=True)
class AgencyRecord:
    """One child as one agency holds them: who, where, and the agency's involvement.

    Names and address text are kept as the agency wrote them (case, spacing and
    typos included): telling records apart is the linkage's job, not the
    reader's. Identifiers, dates, sex, postcode and flags are normalised.
    """

    agency_id: str
    local_id: str
    given_name: str
    middle_names: tuple[str, ...]
    family_name: str
    previous_family_names: tuple[str, ...]
    sex: Sex
    date_of_birth: date | None
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    service: str
    role: str
    practitioner_email: str
    started_on: date | None
    ended_on: date | None
    sensitive: bool

    @property
    def is_open(self) -> bool:
        """True while the agency is still involved (no end date)."""
        return self.ended_on is None


@dataclass(frozen=True, slots=True)
class RecordProblem:
    """Something wrong with one field (or one line) of a record file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}"
        if self.field:
            where = f"{where}, {self.field}"
        return f"{where}: {self.message}"


class RecordFileError(ValueError):
    """A record file has problems; nothing from it was read.

    ``problems`` holds the first ``MAX_PROBLEMS``; ``more`` counts the rest.
    """

    def __init__(self, problems: list[RecordProblem], more: int = 0) -> None:
        self.problems = problems
        self.more = more
        super().__init__(self.summary())

    @property
    def total(self) -> int:
        return len(self.problems) + self.more

    def summary(self) -> str:
        lines = [str(problem) for problem in self.problems]
        if self.more:
            lines.append(f"and {self.more:,} more")
        return "\n".join(lines)


class FileProblems:
    """Collects the first MAX_PROBLEMS problems of one file and counts them all."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[RecordProblem] = []
        self.total = 0

    def add(self, line: int, field: str, message: str) -> None:
        self.total += 1
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(RecordProblem(self.file, line, field, message))

    def raise_if_any(self) -> None:
        if self.found:
            raise RecordFileError(self.found, self.total - len(self.found))
