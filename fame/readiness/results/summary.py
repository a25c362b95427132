"""A round's results as its pages, its CSV, its charts and its report show them.

Built on ``queries.round_results`` (what respondents answered, with the agreed scores)
and ``scoring`` (medians, spreads, means): this module only arranges the numbers by
building block, dimension and criterion, and gathers the comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..bank import Statement
from ..charts import band
from ..framework import Part, framework
from ..models import Agreement, Answer, Partner, Round
from ..queries import round_results
from ..scoring import StatementResult, by_block, by_cell, by_criterion, by_dimension


@dataclass(frozen=True)
class Cell:
    block: Part
    dimension: Part
    score: float | None

    @property
    def band(self) -> int | None:
        return band(self.score)


@dataclass(frozen=True)
class StatementLine:
    """A statement's result with the agreement recorded for it, if any."""

    result: StatementResult
    agreement: Agreement | None

    @property
    def statement(self) -> Statement:
        return self.result.statement

    @property
    def block(self) -> Part:
        return framework().block(self.statement.block)

    @property
    def dimension(self) -> Part:
        return framework().dimension(self.statement.dimension)

    @property
    def criterion(self) -> Part:
        return framework().criterion(self.statement.criterion)


@dataclass(frozen=True)
class Progress:
    invited: int
    submitted: int


class RoundSummary:
    """Everything the results page shows for one round."""

    def __init__(self, round_: Round) -> None:
        self.round = round_
        self.results = round_results(round_)
        agreements = Agreement.objects.filter(round=round_).select_related("agreed_by")
        self.agreements = {a.statement_id: a for a in agreements}

    @cached_property
    def lines(self) -> list[StatementLine]:
        return [StatementLine(r, self.agreements.get(r.statement.id)) for r in self.results]

    @cached_property
    def flagged(self) -> list[StatementLine]:
        """Statements on which respondents differ by 2 or more: the workshop's business."""
        return [line for line in self.lines if line.result.flagged]

    @cached_property
    def heat_rows(self) -> list[tuple[Part, list[Cell]]]:
        """Each building block with its cell in each dimension."""
        cells = by_cell(self.results)
        fw = framework()
        return [
            (block, [Cell(block, d, cells.get((block.key, d.key))) for d in fw.dimensions])
            for block in fw.blocks
        ]

    def dimension_blocks(self, dimension: str) -> list[tuple[Part, float | None]]:
        """Each block's score in ``dimension`` (the radar's axes)."""
        cells = by_cell(self.results)
        return [(b, cells.get((b.key, dimension))) for b in framework().blocks]

    @cached_property
    def criteria(self) -> list[tuple[Part, float | None]]:
        scores = by_criterion(self.results)
        return [(c, scores.get(c.key)) for c in framework().criteria if c.key in scores]

    @cached_property
    def progress(self) -> Progress:
        respondents = self.round.respondents
        return Progress(
            invited=respondents.count(),
            submitted=respondents.filter(submitted_at__isnull=False).count(),
        )


def state(round_: Round) -> tuple[object, ...]:
    """What a round's charts depend on: changes whenever an answer, agreement or
    submission does (a cheap key to keep drawn charts by)."""
    answers = Answer.objects.filter(respondent__round=round_)
    newest_answer = answers.order_by("-updated_at").values_list("updated_at", flat=True).first()
    agreements = Agreement.objects.filter(round=round_)
    newest_agreement = agreements.order_by("-agreed_at").values_list("agreed_at", flat=True).first()
    return (
        round_.pk,
        round_.opened_at,
        round_.bank_version_id,
        answers.count(),
        newest_answer,
        agreements.count(),
        newest_agreement,
        round_.respondents.filter(submitted_at__isnull=False).count(),
    )


@dataclass(frozen=True)
class Trend:
    """The partnership's scores over its rounds, on the statements every round shares."""

    rounds: list[Round]
    blocks: dict[str, list[float | None]]
    dimensions: dict[str, list[float | None]]
    shared: int


def trend(round_: Round) -> Trend:
    """This round and the same partnership's earlier rounds, oldest first. Rounds on
    different versions of the bank are compared only on the statements they share."""
    rounds = [*round_.earlier_rounds().order_by("opened_at", "id"), round_]
    results = [round_results(r) for r in rounds]
    shared = set.intersection(*({r.statement.id for r in rs} for rs in results))
    kept = [[r for r in rs if r.statement.id in shared] for rs in results]
    fw = framework()
    block_scores = [by_block(rs) for rs in kept]
    dimension_scores = [by_dimension(rs) for rs in kept]
    return Trend(
        rounds=rounds,
        blocks={b.key: [s.get(b.key) for s in block_scores] for b in fw.blocks},
        dimensions={d.key: [s.get(d.key) for s in dimension_scores] for d in fw.dimensions},
        shared=len(shared),
    )


@dataclass(frozen=True)
class PartnerScores:
    partner: Partner
    dimensions: dict[str, float | None]
    blocks: dict[str, float | None]


@dataclass(frozen=True)
class PartnerComparison:
    """Partners that agreed to be compared, with their own scores; how many did not."""

    partners: list[PartnerScores]
    declined: int


def partner_comparison(round_: Round) -> PartnerComparison:
    partners = list(round_.partners.all())
    shown = []
    for partner in partners:
        if partner.agrees_to_compare:
            results = round_results(round_, partner)
            shown.append(PartnerScores(partner, by_dimension(results), by_block(results)))
    return PartnerComparison(partners=shown, declined=len(partners) - len(shown))
