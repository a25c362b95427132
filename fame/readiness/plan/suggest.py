"""Suggesting actions from a round's results (pure: no database, no requests).

Two kinds of suggestion, lowest score first (then in the bank's order):

- a statement whose standing score is low (``LOW``, 2 or less once rounded down) suggests
  the bank's action to move up from that level (``Statement.action_from``), with its term;
- a statement flagged for the workshop (respondents' scores differ by 2 or more) and not
  yet agreed suggests agreeing its score at the workshop, in the short term.

A statement may suggest both. A suggestion already accepted into the plan (the same
statement and the same kind, ``Suggestion.kind``) is left out.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ..bank import Statement
from ..scoring import StatementResult

LOW = 2
WORKSHOP = "workshop"
"""The kind of a suggestion to agree a flagged statement's score at the workshop."""


def bank_kind(level: int) -> str:
    """The kind of a suggestion of the bank's action from ``level``: ``from-2``."""
    return f"from-{level}"


@dataclass(frozen=True)
class Suggestion:
    statement: Statement
    kind: str
    """``from-<level>`` for the bank's action from that level, or ``workshop``."""
    text: str
    term: str
    score: float

    @property
    def statement_id(self) -> str:
        return self.statement.id


def workshop_text(result: StatementResult) -> str:
    scores = result.scores
    return (
        f"Agree at the workshop the score for {result.statement.id}: respondents scored it "
        f"from {min(scores)} to {max(scores)}."
    )


def _suggestions_for(result: StatementResult) -> Iterable[Suggestion]:
    score = result.score
    if score is None:
        return
    level = math.floor(score)
    if level <= LOW:
        action = result.statement.action_from(level)
        if action is not None:
            yield Suggestion(result.statement, bank_kind(level), action.text, action.term, score)
    if result.flagged and result.agreed is None:
        yield Suggestion(result.statement, WORKSHOP, workshop_text(result), "short", score)


def suggest(
    results: Iterable[StatementResult], accepted: Collection[tuple[str, str]] = ()
) -> list[Suggestion]:
    """The actions ``results`` suggest, lowest score first, leaving out those whose
    (statement id, kind) is in ``accepted``."""
    found = [
        (i, suggestion)
        for i, result in enumerate(results)
        for suggestion in _suggestions_for(result)
        if (suggestion.statement_id, suggestion.kind) not in accepted
    ]
    found.sort(key=lambda pair: (pair[1].score, pair[0], pair[1].kind != WORKSHOP))
    return [suggestion for _, suggestion in found]


def find(suggestions: Iterable[Suggestion], statement_id: str, kind: str) -> Suggestion | None:
    """The suggestion for ``statement_id`` of ``kind``, if it is still suggested."""
    return next((s for s in suggestions if s.statement_id == statement_id and s.kind == kind), None)
