"""Laying out a plan as a roadmap (pure: no database, no requests).

The accepted actions go into short, medium and long term columns; within a column the
building blocks come in dependency order (a block after every block whose work it
needs, ``Framework.blocks_before``). Actions dropped from the plan are left out.

Two checks a planner should see rather than have hidden:

- **Conflicts**: an action must not be planned in an earlier term, or due on an earlier
  date, than an action of a block it needs. Only actions still to do (planned or
  started) are checked: what is done is done.
- **Balance**: how many actions each dimension (practice, ICT, governance) has in each
  term; a term where a dimension has none is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..framework import TERM_NAMES, TERMS, Framework, Part

TO_DO = ("planned", "started")


@dataclass(frozen=True)
class Card:
    """An action as the roadmap shows it."""

    id: int
    block: str
    dimension: str
    text: str
    term: str
    status: str = "planned"
    owner: str = ""
    due_on: date | None = None
    statement_id: str = ""


@dataclass(frozen=True)
class BlockCards:
    block: Part
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Column:
    term: str
    name: str
    blocks: tuple[BlockCards, ...]

    @property
    def count(self) -> int:
        return sum(len(group.cards) for group in self.blocks)


@dataclass(frozen=True)
class Conflict:
    action: Card
    needs: Card
    why: str
    """``term`` (planned in an earlier term) or ``due`` (due on an earlier date)."""
    message: str


@dataclass(frozen=True)
class Balance:
    term: str
    name: str
    counts: tuple[tuple[Part, int], ...]
    """Each dimension, in the framework's order, with its number of actions."""

    @property
    def missing(self) -> tuple[Part, ...]:
        return tuple(dimension for dimension, count in self.counts if count == 0)


@dataclass(frozen=True)
class Roadmap:
    columns: tuple[Column, ...]
    conflicts: tuple[Conflict, ...]
    balance: tuple[Balance, ...]

    @property
    def planned_too_early(self) -> frozenset[int]:
        """The ids of the cards planned before work they need."""
        return frozenset(conflict.action.id for conflict in self.conflicts)

    @property
    def cards(self) -> list[Card]:
        return [card for column in self.columns for group in column.blocks for card in group.cards]


def block_order(fw: Framework) -> list[Part]:
    """The blocks in dependency order: a block needs strictly more blocks before it than
    any block it needs, so sorting by that number (then the framework's order) puts each
    block after all it needs."""
    position = {block.key: i for i, block in enumerate(fw.blocks)}
    return sorted(fw.blocks, key=lambda b: (len(fw.blocks_before(b.key)), position[b.key]))


def _due(card: Card) -> str:
    return f"due {card.due_on.day} {card.due_on:%B %Y}" if card.due_on else "no due date"


def _conflict(fw: Framework, action: Card, needs: Card) -> Conflict | None:
    name, needed = fw.block(action.block).name, fw.block(needs.block).name.lower()
    later = f"“{action.text}” needs “{needs.text}” first"
    if TERMS.index(action.term) < TERMS.index(needs.term):
        return Conflict(
            action,
            needs,
            "term",
            f"{name} action planned in the {action.term} term, before {needed}'s in the "
            f"{needs.term} term: {later}.",
        )
    if action.due_on and needs.due_on and action.due_on < needs.due_on:
        return Conflict(
            action,
            needs,
            "due",
            f"{name} action due before {needed}'s ({_due(action)}, {_due(needs)}): {later}.",
        )
    return None


def conflicts(fw: Framework, cards: Sequence[Card]) -> list[Conflict]:
    """Each pair of actions still to do where one is planned before the work it needs.
    An action of a block the framework no longer has needs nothing and is needed by none."""
    known = {block.key for block in fw.blocks}
    to_do = [card for card in cards if card.status in TO_DO and card.block in known]
    found = []
    for action in to_do:
        before = fw.blocks_before(action.block)
        for needs in to_do:
            if needs.block in before and (conflict := _conflict(fw, action, needs)):
                found.append(conflict)
    return found


def balance(fw: Framework, cards: Sequence[Card]) -> list[Balance]:
    return [
        Balance(
            term,
            TERM_NAMES[term],
            tuple(
                (d, sum(1 for c in cards if c.term == term and c.dimension == d.key))
                for d in fw.dimensions
            ),
        )
        for term in TERMS
    ]


def lay_out(fw: Framework, cards: Iterable[Card]) -> Roadmap:
    """The roadmap of ``cards``: columns by term, blocks in dependency order, each block's
    cards by due date (undated last); with conflicts and balance."""
    kept = [card for card in cards if card.status != "dropped"]
    order = block_order(fw)
    known = {block.key for block in order}
    unknown = sorted({card.block for card in kept} - known)
    # An action of a block no longer in the framework still shows, after the others.
    order += [Part(key=key, name=key, summary="") for key in unknown]
    columns = []
    for term in TERMS:
        groups = []
        for block in order:
            here = [c for c in kept if c.term == term and c.block == block.key]
            if here:
                here.sort(key=lambda c: (c.due_on is None, c.due_on or date.min, c.id))
                groups.append(BlockCards(block, tuple(here)))
        columns.append(Column(term, TERM_NAMES[term], tuple(groups)))
    return Roadmap(tuple(columns), tuple(conflicts(fw, kept)), tuple(balance(fw, kept)))
