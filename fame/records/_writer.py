"""Writing agency record files in the one format every part of FAME reads."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from os import PathLike

from ._model import COLUMNS, LIST_SEPARATOR, AgencyRecord


def _date(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def record_row(record: AgencyRecord) -> tuple[str, ...]:
    """The CSV fields of one record, in the order of ``COLUMNS``."""
    return (
        record.agency_id,
        record.local_id,
        record.given_name,
        LIST_SEPARATOR.join(record.middle_names),
        record.family_name,
        LIST_SEPARATOR.join(record.previous_family_names),
        record.sex,
        _date(record.date_of_birth),
        record.address_line_1,
        record.address_line_2,
        record.town,
        record.postcode,
        record.service,
        record.role,
        record.practitioner_email,
        _date(record.started_on),
        _date(record.ended_on),
        "true" if record.sensitive else "false",
    )


def write_records(path: str | PathLike[str], records: Iterable[AgencyRecord]) -> int:
    """Write a header and one row per record (UTF-8, ``\\n`` line ends); returns the row count.

    Writes what it is given in the order given; ``read_records`` checks it on the way in.
    """
    count = 0

    def rows() -> Iterator[tuple[str, ...]]:
        nonlocal count
        for record in records:
            count += 1
            yield record_row(record)

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows())
    return count
