"""A report's tables as CSV (one table) or XLSX (a sheet per table), always suppressed:
a downloaded file travels beyond the team that reads the page ("<5" for 1 to 4)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from fame.readiness.downloads import csv_download, spreadsheet_text

from .tables import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(cell: object) -> object:
    return spreadsheet_text(cell) if isinstance(cell, str) else cell


def table_csv(table: Table, name: str) -> HttpResponse:
    rows = [[_safe(c) for c in row] for row in table.file_rows()]
    return csv_download(name, table.headings, rows)


def tables_xlsx(tables: Sequence[Table], title: str, scope_words: str) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([spreadsheet_text(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([spreadsheet_text(f"{title}: {scope_words}")])
        if table.note:
            sheet.append([spreadsheet_text(table.note)])
        sheet.append([])
        sheet.append([spreadsheet_text(h) for h in table.headings])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.file_rows():
            sheet.append([_safe(c) for c in row])
        sheet.column_dimensions["A"].width = 32
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
