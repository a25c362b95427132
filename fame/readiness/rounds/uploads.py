"""Evidence documents: which files a respondent may upload, checked by name and content.

A file is kept only if its extension is one of ``KINDS`` *and* its first bytes are what
that kind of file starts with (a renamed program is refused), and it is no larger than
``settings.FAME_READINESS_MAX_UPLOAD``. The content type stored and served is ours, from
the kind, never the one the browser sent.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

__all__ = ["KINDS", "UploadRefused", "checked_upload", "max_upload_bytes", "upload_limit"]


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str


KINDS: dict[str, Kind] = {
    ".pdf": Kind("PDF", "application/pdf"),
    ".docx": Kind(
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": Kind(
        "Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    ".odt": Kind("OpenDocument text", "application/vnd.oasis.opendocument.text"),
    ".png": Kind("PNG image", "image/png"),
    ".jpg": Kind("JPEG image", "image/jpeg"),
    ".jpeg": Kind("JPEG image", "image/jpeg"),
    ".txt": Kind("text file", "text/plain; charset=utf-8"),
}
ALLOWED = "a PDF, DOCX, XLSX, ODT, PNG, JPEG or TXT file"


class UploadRefused(ValueError):
    """A file that cannot be kept; the message says why, in words for the person."""


def max_upload_bytes() -> int:
    return int(settings.FAME_READINESS_MAX_UPLOAD)


def upload_limit() -> str:
    """The largest file taken, as a person reads it: "5 MB"."""
    return _megabytes(max_upload_bytes())


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.4g} KB"
    return f"{size / (1024 * 1024):.4g} MB"


def _zip_names(upload: UploadedFile) -> list[str] | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _zip_member(upload: UploadedFile, name: str) -> bytes:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.read(name)[:200]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return b""
    finally:
        upload.seek(0)


def _content_is(extension: str, upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head == b"\x89PNG\r\n\x1a\n"
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".txt":
        body = upload.read()
        upload.seek(0)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in body
    if not head.startswith(b"PK\x03\x04"):
        return False
    names = _zip_names(upload) or []
    if extension == ".docx":
        return "word/document.xml" in names
    if extension == ".xlsx":
        return "xl/workbook.xml" in names
    return _zip_member(upload, "mimetype") == KINDS[".odt"].content_type.encode()


def checked_upload(upload: UploadedFile) -> tuple[str, Kind]:
    """The file's name to show and its kind, or UploadRefused saying what is wrong."""
    name = PurePath(upload.name or "").name.strip()
    extension = PurePath(name).suffix.lower()
    if not name or extension not in KINDS:
        raise UploadRefused(f"The selected file must be {ALLOWED}")
    limit = max_upload_bytes()
    if (upload.size or 0) > limit:
        raise UploadRefused(f"The selected file must be {_megabytes(limit)} or smaller")
    if not upload.size:
        raise UploadRefused("The selected file is empty")
    if not _content_is(extension, upload):
        raise UploadRefused(
            f"The selected file is not a real {KINDS[extension].name}: "
            f"it must be {ALLOWED}, saved as that kind of file"
        )
    return name[-200:], KINDS[extension]
