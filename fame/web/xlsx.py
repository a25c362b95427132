"""Spreadsheets people upload: what to refuse before a parser opens one.

An XLSX file is a ZIP of XML parts. A small file can unpack to gigabytes, and an XML part
with a document type declaration can ask for entity expansion; Excel writes neither, so a
workbook that does is refused before openpyxl reads it (which spares a further dependency
for hostile XML)."""

from __future__ import annotations

import zipfile
from io import BytesIO

UNPACKED_LIMIT = 50 * 1024 * 1024


class RefusedWorkbook(ValueError):
    """The upload must not be parsed; the message says why, in the uploader's words."""


class NotAWorkbook(RefusedWorkbook):
    """Not an XLSX file at all (not a ZIP, or a damaged one)."""


def check_xlsx(data: bytes) -> None:
    """Raise ``NotAWorkbook`` or ``RefusedWorkbook`` for a file no parser should open."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            parts = archive.infolist()
            if sum(part.file_size for part in parts) > UNPACKED_LIMIT:
                raise RefusedWorkbook(
                    "the workbook unpacks to more than 50 MB; a filled-in workbook is far smaller"
                )
            for part in parts:
                if part.filename.endswith((".xml", ".rels")):
                    with archive.open(part) as opened:
                        if b"<!doctype" in opened.read().lower():
                            raise RefusedWorkbook(
                                "the workbook has XML parts Excel does not write (a DOCTYPE)"
                            )
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise NotAWorkbook("this is not an XLSX workbook") from error
