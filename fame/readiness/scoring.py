"""Scoring a round: pure functions from respondents' scores to the partnership's results.

- A statement's result is the median of its respondents' scores and their spread (highest
  less lowest). "Don't know" is counted as such and never as 0: it is left out of the
  median and the spread. Where respondents differ by ``FLAG_SPREAD`` or more, the
  statement is flagged for the partnership's workshop, where a moderator records the
  agreed score; the agreed score then stands for the statement.
- A cell (building block x dimension), a criterion, a block or a dimension scores the mean
  of its statements' scores; a statement nobody could score counts in none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean, median

from .bank import Bank, Statement

FLAG_SPREAD = 2


@dataclass(frozen=True)
class StatementResult:
    statement: Statement
    scores: tuple[int, ...]
    dont_know: int
    agreed: int | None = None

    @property
    def median(self) -> float | None:
        return float(median(self.scores)) if self.scores else None

    @property
    def spread(self) -> int | None:
        return max(self.scores) - min(self.scores) if self.scores else None

    @property
    def flagged(self) -> bool:
        spread = self.spread
        return spread is not None and spread >= FLAG_SPREAD

    @property
    def score(self) -> float | None:
        """The score that stands: the agreed score where one is recorded, else the median."""
        return float(self.agreed) if self.agreed is not None else self.median

    @property
    def settled(self) -> bool:
        """Not waiting for the workshop: not flagged, or flagged and agreed."""
        return not self.flagged or self.agreed is not None


def statement_results(
    bank: Bank,
    answers: Iterable[tuple[str, int | None]],
    agreed: Mapping[str, int] | None = None,
) -> list[StatementResult]:
    """Each statement's result, in the bank's order. ``answers`` are (statement id, score)
    pairs, one per respondent who answered; a score of None is "don't know"."""
    scores: dict[str, list[int]] = {s.id: [] for s in bank.statements}
    unknown: dict[str, int] = dict.fromkeys(scores, 0)
    for statement_id, score in answers:
        if statement_id not in scores:
            continue  # a statement from another version of the bank
        if score is None:
            unknown[statement_id] += 1
        else:
            scores[statement_id].append(score)
    agreed = agreed or {}
    return [
        StatementResult(s, tuple(sorted(scores[s.id])), unknown[s.id], agreed.get(s.id))
        for s in bank.statements
    ]


def mean_score(results: Iterable[StatementResult]) -> float | None:
    """The mean of the statements' scores, leaving out those nobody could score."""
    scores = [r.score for r in results if r.score is not None]
    return fmean(scores) if scores else None


def grouped(
    results: Iterable[StatementResult], key: Callable[[Statement], object]
) -> dict[object, float | None]:
    """The mean score of each group of statements ``key`` names (cell, criterion, ...)."""
    groups: dict[object, list[StatementResult]] = {}
    for result in results:
        groups.setdefault(key(result.statement), []).append(result)
    return {group: mean_score(members) for group, members in groups.items()}


def by_cell(results: Iterable[StatementResult]) -> dict[tuple[str, str], float | None]:
    return grouped(results, lambda s: (s.block, s.dimension))  # type: ignore[return-value]


def by_criterion(results: Iterable[StatementResult]) -> dict[str, float | None]:
    return grouped(results, lambda s: s.criterion)  # type: ignore[return-value]


def by_block(results: Iterable[StatementResult]) -> dict[str, float | None]:
    return grouped(results, lambda s: s.block)  # type: ignore[return-value]


def by_dimension(results: Iterable[StatementResult]) -> dict[str, float | None]:
    return grouped(results, lambda s: s.dimension)  # type: ignore[return-value]
