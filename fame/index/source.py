"""A source record's data as stored: the agency's row, column by column, as supplied."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from fame.records import COLUMNS, AgencyRecord, record_row

LIST_SEPARATOR = ";"


def as_row(record: AgencyRecord) -> dict[str, str]:
    return dict(zip(COLUMNS, record_row(record), strict=True))


def stored_text(row: dict[str, str]) -> str:
    """The row as JSON with its columns in order of name: as a batch stores it, and what
    its hash is the hash of."""
    return json.dumps(row, sort_keys=True)


def hash_of(text: str) -> str:
    """The content hash of a row from its ``stored_text``."""
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(row: dict[str, str]) -> str:
    return hash_of(stored_text(row))


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _names(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(LIST_SEPARATOR) if part)


def from_row(row: dict[str, str]) -> AgencyRecord:
    """The record back from a stored row (stored rows were checked when they arrived)."""
    return AgencyRecord(
        agency_id=row["agency_id"],
        local_id=row["local_id"],
        given_name=row["given_name"],
        middle_names=_names(row["middle_names"]),
        family_name=row["family_name"],
        previous_family_names=_names(row["previous_family_names"]),
        sex=row["sex"],  # type: ignore[arg-type]
        date_of_birth=_date(row["date_of_birth"]),
        address_line_1=row["address_line_1"],
        address_line_2=row["address_line_2"],
        town=row["town"],
        postcode=row["postcode"],
        service=row["service"],
        role=row["role"],
        practitioner_email=row["practitioner_email"],
        started_on=_date(row["started_on"]),
        ended_on=_date(row["ended_on"]),
        sensitive=row["sensitive"] == "true",
    )
