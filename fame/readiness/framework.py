"""The FAME Generic Framework: nine building blocks, three dimensions, six criteria.

``framework.toml`` beside this module is the framework's words (each block and dimension
explained in plain English, with how-to steps), the five score levels, the barriers case
studies are tagged with, and which blocks' work must come before which (``needs``, for
the roadmap). It is data a region can read and improve; this module reads it once and
checks it, so a broken file stops start-up with what is wrong rather than a page later.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FRAMEWORK_FILE = Path(__file__).with_name("framework.toml")
SCORES = (0, 1, 2, 3, 4)
DIMENSION_LETTERS = {"practice": "P", "ict": "T", "governance": "G"}
TERMS = ("short", "medium", "long")
TERM_NAMES = {"short": "Short term", "medium": "Medium term", "long": "Long term"}


class FrameworkError(ValueError):
    """The framework file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Level:
    score: int
    name: str
    help: str


@dataclass(frozen=True)
class Part:
    """A building block, dimension or criterion: what it is called and what it means."""

    key: str
    name: str
    summary: str
    guidance: str = ""
    steps: tuple[str, ...] = ()
    code: str = ""
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    levels: tuple[Level, ...]
    blocks: tuple[Part, ...]
    dimensions: tuple[Part, ...]
    criteria: tuple[Part, ...]
    barriers: tuple[Part, ...]

    def block(self, key: str) -> Part:
        return _find(self.blocks, key, "building block")

    def dimension(self, key: str) -> Part:
        return _find(self.dimensions, key, "dimension")

    def criterion(self, key: str) -> Part:
        return _find(self.criteria, key, "criterion")

    def barrier(self, key: str) -> Part:
        return _find(self.barriers, key, "barrier")

    def level(self, score: int) -> Level:
        return self.levels[score]

    def blocks_before(self, key: str) -> frozenset[str]:
        """Every block whose work must come before ``key``'s, directly or through another."""
        seen: set[str] = set()
        todo = list(self.block(key).needs)
        while todo:
            need = todo.pop()
            if need not in seen:
                seen.add(need)
                todo.extend(self.block(need).needs)
        return frozenset(seen)


def _find(parts: tuple[Part, ...], key: str, what: str) -> Part:
    for part in parts:
        if part.key == key:
            return part
    raise KeyError(f"no {what} {key!r}")


def _parts(data: dict[str, Any], name: str, problems: list[str]) -> tuple[Part, ...]:
    parts = []
    for i, entry in enumerate(data.get(name, [])):
        try:
            parts.append(
                Part(
                    key=str(entry["key"]),
                    name=str(entry["name"]),
                    summary=str(entry.get("summary", "")),
                    guidance=str(entry.get("guidance", "")).strip(),
                    steps=tuple(str(step) for step in entry.get("steps", [])),
                    code=str(entry.get("code", "")),
                    needs=tuple(str(need) for need in entry.get("needs", [])),
                )
            )
        except KeyError as missing:
            problems.append(f"{name}[{i}] has no {missing.args[0]}")
    keys = [part.key for part in parts]
    for key in {k for k in keys if keys.count(k) > 1}:
        problems.append(f"{name}: {key!r} is given twice")
    return tuple(parts)


def read_framework(text: str) -> Framework:
    """The framework in ``text`` (TOML), checked; FrameworkError lists every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FrameworkError(f"not TOML: {error}") from error
    problems: list[str] = []
    levels = tuple(
        Level(int(entry["score"]), str(entry["name"]), str(entry.get("help", "")))
        for entry in data.get("levels", [])
    )
    if tuple(level.score for level in levels) != SCORES:
        problems.append("levels must be scores 0, 1, 2, 3 and 4, in that order")
    framework = Framework(
        levels=levels,
        blocks=_parts(data, "blocks", problems),
        dimensions=_parts(data, "dimensions", problems),
        criteria=_parts(data, "criteria", problems),
        barriers=_parts(data, "barriers", problems),
    )
    if tuple(d.key for d in framework.dimensions) != tuple(DIMENSION_LETTERS):
        problems.append("dimensions must be practice, ict and governance, in that order")
    keys = {block.key for block in framework.blocks}
    for block in framework.blocks:
        for need in block.needs:
            if need not in keys:
                problems.append(f"blocks: {block.key} needs {need!r}, which is not a block")
    if not problems:
        for block in framework.blocks:
            if block.key in framework.blocks_before(block.key):
                problems.append(f"blocks: {block.key} needs itself, through its needs")
    if problems:
        raise FrameworkError("; ".join(problems))
    return framework


@cache
def framework() -> Framework:
    """The shipped framework (read once)."""
    return read_framework(FRAMEWORK_FILE.read_text(encoding="utf-8"))
