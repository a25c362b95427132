"""A model exchanged as a file: its JSON (issue 16's shape, exactly what ``read_model``
reads) or its workbook; importing makes a new model or a new version of one, or keeps
nothing and says every problem."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from fame.accounts.models import User

from ..model import ModelError, read_model
from ..models import BenefitsModel, ModelVersion
from .workbook import WorkbookError, read_workbook

LARGEST_FILE = 2 * 1024 * 1024  # a model is a few kilobytes; 2 MB is far beyond any


class ImportRefused(ValueError):
    """A file that cannot be imported; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def model_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def model_from_file(name: str, content: bytes) -> dict[str, Any]:
    """The model's JSON from an uploaded JSON or XLSX file, checked whole."""
    if len(content) > LARGEST_FILE:
        raise ImportRefused([f"{name}: the file is larger than 2 MB; a model is far smaller"])
    if name.lower().endswith(".xlsx"):
        try:
            return read_workbook(content)
        except WorkbookError as error:
            raise ImportRefused(error.problems) from None
    if not name.lower().endswith(".json"):
        raise ImportRefused([f"{name}: choose a .json or .xlsx file"])
    try:
        data = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportRefused([f"{name}: the file is not UTF-8 text"]) from None
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [f"{name}: not JSON at line {error.lineno}, column {error.colno}: {error.msg}"]
        ) from None
    try:
        read_model(data)
    except ModelError as error:
        raise ImportRefused(error.problems) from None
    return data


def import_model_file(
    file: UploadedFile,
    *,
    by: User,
    into: BenefitsModel | None,
    name: str = "",
    partnership: str = "",
    note: str = "",
) -> ModelVersion:
    """Keep the file's model as a new version of ``into``, or as a new model named ``name``;
    nothing is kept if the file is refused."""
    data = model_from_file(file.name or "model", file.read())
    with transaction.atomic():
        if into is None:
            into = BenefitsModel.objects.create(
                name=name.strip(), partnership=partnership.strip(), created_by=by
            )
        return into.save_version(data, by=by, note=note.strip() or f"Imported from {file.name}")
