"""The agency record format: one CSV row per child an agency knows, and its checks.

``fame synth`` writes these files, the index loader and node import read them.
Columns (in this order): ``COLUMNS``. Several middle names or previous family
names are separated by ``;``. Dates are YYYY-MM-DD, ``sex`` is F, M or U,
``sensitive`` is true or false (empty means false). A field holds no control
characters but tab (no NUL, no line break). Files are UTF-8; every problem is
named by file, line and field.
"""

from ._model import (
    COLUMNS,
    MAX_PROBLEMS,
    AgencyRecord,
    FileProblems,
    RecordFileError,
    RecordProblem,
    Sex,
)
from ._postcodes import normalise_postcode, postcode_parts
from ._reader import EXPECTED_DELIVERY_DAYS, read_records
from ._writer import record_row, write_records

__all__ = [
    "COLUMNS",
    "EXPECTED_DELIVERY_DAYS",
    "MAX_PROBLEMS",
    "AgencyRecord",
    "FileProblems",
    "RecordFileError",
    "RecordProblem",
    "Sex",
    "normalise_postcode",
    "postcode_parts",
    "read_records",
    "record_row",
    "write_records",
]
