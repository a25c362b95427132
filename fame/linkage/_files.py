"""Reading the record files a linkage command is pointed at: one file or a folder.

Files are in the agency record layout, or, given a ``ColumnMapping``, in another
layout read through it (``_layouts``).
"""

from __future__ import annotations

from collections.abc import Callable
from os import PathLike
from pathlib import Path

from fame.records import AgencyRecord, read_records

from ._layouts import ColumnMapping, read_mapped_records

NOT_RECORD_FILES = frozenset({"truth.csv", "links.csv"})
"""CSV files a region folder may hold beside the agency files."""


def record_files(path: str | PathLike[str]) -> list[Path]:
    """The record CSV files at ``path``: the file itself, or every ``*.csv`` in the folder.

    Raises ``FileNotFoundError`` or ``ValueError`` with a message fit for the user.
    """
    source = Path(path)
    if source.is_file():
        return [source]
    if not source.exists():
        raise FileNotFoundError(f"there is no file or folder at {source}")
    files = sorted(
        file
        for file in source.glob("*.csv")
        if file.is_file() and file.name not in NOT_RECORD_FILES
    )
    if not files:
        raise ValueError(f"the folder {source} holds no agency record files (*.csv)")
    return files


def read_record_file(path: Path, mapping: ColumnMapping | None = None) -> list[AgencyRecord]:
    """Every record in one file: the agency layout, or another read through ``mapping``."""
    return read_records(path) if mapping is None else read_mapped_records(path, mapping)


def read_record_files(
    path: str | PathLike[str],
    *,
    mapping: ColumnMapping | None = None,
    progress: Callable[[Path], None] | None = None,
) -> list[AgencyRecord]:
    """Every record in the file or folder at ``path`` (``RecordFileError`` if bad)."""
    records: list[AgencyRecord] = []
    for file in record_files(path):
        if progress:
            progress(file)
        records.extend(read_record_file(file, mapping))
    return records
