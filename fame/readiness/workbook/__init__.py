"""Readiness workbooks: a round as an XLSX file to fill in offline and import, and its
results as an XLSX file."""

from .importing import Imported, ImportRefused, import_workbook
from .reading import Problem, read_workbook
from .template import round_workbook

__all__ = [
    "ImportRefused",
    "Imported",
    "Problem",
    "import_workbook",
    "read_workbook",
    "round_workbook",
]
