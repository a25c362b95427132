"""How far a respondent has got: statements answered, by building block and in all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..bank import Bank
from ..framework import Part, framework
from ..models import Answer, Respondent

__all__ = ["BlockProgress", "Progress", "progress_of"]

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"


@dataclass(frozen=True)
class BlockProgress:
    block: Part
    answered: int
    total: int
    touched: bool
    """Whether anything was saved for the block (evidence without a score counts)."""

    @property
    def state(self) -> str:
        if self.total and self.answered == self.total:
            return COMPLETED
        return IN_PROGRESS if self.touched else NOT_STARTED


@dataclass(frozen=True)
class Progress:
    blocks: tuple[BlockProgress, ...]
    submitted: bool

    @property
    def answered(self) -> int:
        return sum(b.answered for b in self.blocks)

    @property
    def total(self) -> int:
        return sum(b.total for b in self.blocks)

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    @property
    def unfinished(self) -> list[Part]:
        return [b.block for b in self.blocks if b.state != COMPLETED]


def block_progress(bank: Bank, answers: Iterable[Answer]) -> tuple[BlockProgress, ...]:
    by_statement = {a.statement_id: a for a in answers}
    found = []
    for block in framework().blocks:
        statements = bank.in_block(block.key)
        if not statements:
            continue
        saved = [by_statement[s.id] for s in statements if s.id in by_statement]
        found.append(
            BlockProgress(
                block=block,
                answered=sum(1 for a in saved if a.answered),
                total=len(statements),
                touched=bool(saved),
            )
        )
    return tuple(found)


def progress_of(respondent: Respondent, bank: Bank | None = None) -> Progress:
    bank = bank or respondent.round.bank
    answers = respondent.answers.only("statement_id", "score", "dont_know")
    return Progress(
        blocks=block_progress(bank, answers), submitted=respondent.submitted_at is not None
    )
