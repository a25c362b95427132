"""The Open Referral UK schemas as published, and checking JSON against them.

The standard's JSON schemas ship in ``standard/`` (with its licence, CC BY-SA 4.0; ADR 0035).
The import checks each service of a feed against the compiled ``service.json`` before it keeps
it, and the tests check every API answer against the schema the standard's OpenAPI document
names for it, so what we read and what we write are the standard's shape, not our idea of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

STANDARD = Path(__file__).resolve().parent / "standard"
SCHEMAS = STANDARD / "schema"
#: The version of the standard this directory speaks (its OpenAPI ``info.version``).
VERSION = "3.0"
PROFILE = "https://github.com/openreferral/uk-profile"


@dataclass(frozen=True)
class Problem:
    """One way a piece of JSON departs from the standard: where (a dotted path, empty for the
    object itself) and what is wrong."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" if self.where else self.what


@cache
def schema(name: str) -> dict[str, Any]:
    """A published schema by its path under ``schema/`` ("compiled/service.json")."""
    loaded: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return loaded


def _retrieve(uri: str) -> dict[str, Any]:
    # The uncompiled schemas refer to each other by file name: resolve them from our copy.
    return schema(uri.rsplit("/", 1)[-1])


def validator(of: dict[str, Any]) -> Any:
    """A validator for a schema that may refer to the standard's files by name."""
    return jsonschema_rs.validator_for(of, retriever=_retrieve, base_uri=f"file://{SCHEMAS}/")


@cache
def _validator(name: str) -> Any:
    return validator(schema(name))


def problems_with(checker: Any, instance: Any) -> list[Problem]:
    """Every way ``instance`` fails ``checker`` (from ``validator``), each with its path."""
    found = [
        Problem(".".join(str(part) for part in error.instance_path), error.message)
        for error in checker.iter_errors(instance)
    ]
    return sorted(found, key=lambda problem: (problem.where, problem.what))


def problems(name: str, instance: Any) -> list[Problem]:
    """Every way ``instance`` departs from the standard's schema ``name``."""
    return problems_with(_validator(name), instance)
