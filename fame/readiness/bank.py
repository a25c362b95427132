"""Statement banks: the assertive statements a round asks respondents to score.

A bank is a TOML file (``banks/<key>.toml``): a ``[bank]`` table naming it and its
version, then ``[[statements]]``, each belonging to one building block, one dimension
and one criterion of the framework, with what each of the five levels looks like and
the action suggested to move up from levels 0 to 3. A region copies a shipped bank,
edits it and loads it (``fame readiness bank FILE``); every version a round has used is
kept in the database (``models.BankVersion``), so an old round still reads as it was
answered.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .framework import DIMENSION_LETTERS, SCORES, TERMS, framework

BANKS_DIR = Path(__file__).with_name("banks")
FACTS = (
    "accredited_organisations",
    "vetted_trained_practitioners",
    "protocols_in_force",
    "consents_recorded",
    "nodes_connected",
    "match_review_queue",
    "audit_verified",
    "cafs_on_time",
)
"""What the running system can evidence (``facts.py`` tells each as it stands today)."""


class BankError(ValueError):
    """A bank that cannot be used; ``problems`` says each thing wrong and where."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class SuggestedAction:
    from_level: int
    text: str
    term: str


@dataclass(frozen=True)
class Statement:
    id: str
    block: str
    dimension: str
    criterion: str
    text: str
    levels: tuple[str, ...]
    actions: tuple[SuggestedAction, ...]
    facts: tuple[str, ...] = ()

    def action_from(self, level: int) -> SuggestedAction | None:
        """The action suggested to move up from ``level`` (none at the top)."""
        return next((a for a in self.actions if a.from_level == level), None)


@dataclass(frozen=True)
class Bank:
    key: str
    title: str
    version: str
    summary: str
    statements: tuple[Statement, ...]
    digest: str
    text: str

    def statement(self, statement_id: str) -> Statement:
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise KeyError(f"no statement {statement_id!r} in {self.key} {self.version}")

    def in_block(self, block: str) -> list[Statement]:
        return [s for s in self.statements if s.block == block]

    def in_cell(self, block: str, dimension: str) -> list[Statement]:
        return [s for s in self.statements if s.block == block and s.dimension == dimension]


def _statement(i: int, entry: dict[str, Any], problems: list[str]) -> Statement | None:
    fw = framework()
    where = f"statements[{i}]"
    missing = [k for k in ("id", "block", "dimension", "criterion", "text") if not entry.get(k)]
    if missing:
        problems.append(f"{where} has no {', '.join(missing)}")
        return None
    where = f"statement {entry['id']}"
    for kind, keys in (
        ("block", [b.key for b in fw.blocks]),
        ("dimension", [d.key for d in fw.dimensions]),
        ("criterion", [c.key for c in fw.criteria]),
    ):
        if entry[kind] not in keys:
            problems.append(f"{where}: {kind} {entry[kind]!r} is not one of {', '.join(keys)}")
    levels = entry.get("levels", [])
    if not isinstance(levels, list) or len(levels) != len(SCORES):
        problems.append(f"{where}: levels must say what each of the scores 0 to 4 looks like")
    actions = []
    for action in entry.get("actions", []):
        level, term = action.get("from"), action.get("term")
        if level not in SCORES[:-1] or term not in TERMS or not action.get("text"):
            problems.append(
                f"{where}: each action needs from (0 to 3), text and term ({', '.join(TERMS)})"
            )
            continue
        actions.append(SuggestedAction(int(level), str(action["text"]), str(term)))
    if sorted(a.from_level for a in actions) != list(SCORES[:-1]):
        problems.append(f"{where}: give one action to move up from each of levels 0, 1, 2, 3")
    facts = tuple(str(f) for f in entry.get("facts", []))
    for fact in facts:
        if fact not in FACTS:
            problems.append(f"{where}: fact {fact!r} is not one of {', '.join(FACTS)}")
    return Statement(
        id=str(entry["id"]),
        block=str(entry["block"]),
        dimension=str(entry["dimension"]),
        criterion=str(entry["criterion"]),
        text=str(entry["text"]),
        levels=tuple(str(level) for level in levels),
        actions=tuple(sorted(actions, key=lambda a: a.from_level)),
        facts=facts,
    )


@lru_cache(maxsize=32)
def read_bank(text: str) -> Bank:
    """The bank in ``text`` (TOML), checked against the framework; BankError lists problems."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BankError([f"not TOML: {error}"]) from error
    problems: list[str] = []
    head = data.get("bank", {})
    for key in ("key", "title", "version"):
        if not head.get(key):
            problems.append(f"[bank] has no {key}")
    statements = [
        s
        for i, entry in enumerate(data.get("statements", []))
        if (s := _statement(i, entry, problems)) is not None
    ]
    ids = [s.id for s in statements]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"statement {duplicate} is given twice")
    if not statements:
        problems.append("the bank has no statements")
    fw = framework()
    for block in fw.blocks:
        for dimension in fw.dimensions:
            if not any(s.block == block.key and s.dimension == dimension.key for s in statements):
                problems.append(f"no statement for {block.name} / {dimension.name}")
    if problems:
        raise BankError(problems)
    return Bank(
        key=str(head["key"]),
        title=str(head["title"]),
        version=str(head["version"]),
        summary=str(head.get("summary", "")),
        statements=tuple(statements),
        digest=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
    )


def statement_code(block_code: str, dimension: str, number: int) -> str:
    """The id a statement is given in a shipped bank: ``IS-G-1``."""
    return f"{block_code}-{DIMENSION_LETTERS[dimension]}-{number}"


@cache
def shipped_banks() -> dict[str, Bank]:
    """The banks that ship with FAME, by key (children's services first)."""
    banks = [read_bank(p.read_text(encoding="utf-8")) for p in sorted(BANKS_DIR.glob("*.toml"))]
    return {b.key: b for b in sorted(banks, key=lambda b: b.key != "childrens-services")}
