"""A report's table: its columns, its rows, and how it is shown on a page and in a file.

Every report is one or more ``Table``s; pages, charts, CSV and XLSX all read the same
rows, so a chart never shows a figure its table does not. Counts are suppressed where
they are shown (``suppression``); labels and worked-out figures are shown as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from .suppression import in_file, is_small, on_page

Cell = str | int | float | None


class Kind(Enum):
    LABEL = "label"
    COUNT = "count"
    """A number of CAFs, searches, people...: suppressed when small."""
    FIGURE = "figure"
    """Worked out (days, a rate): shown as it is; the report leaves it out (None) when the
    count it rests on is small."""
    MONEY = "money"
    """Pounds (a float, to the penny): shown as money, left out (None) as a figure is."""


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind = Kind.COUNT


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    chart: str = ""
    """"stacked" or "bars" for a chart beside the table (drawn from its counts), or ""."""
    note: str = ""
    charted: Sequence[str] = field(default_factory=tuple)
    """The headings of the count columns the chart draws (all counts but a total if empty)."""

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]

    def page_rows(self, *, suppress: bool = True) -> list[list[str]]:
        return [
            [
                _page_cell(cell, column, suppress)
                for cell, column in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]

    def file_rows(self) -> list[list[Cell]]:
        return [
            [_file_cell(cell, column) for cell, column in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]

    def numeric(self, heading: str) -> bool:
        return self.columns[self.headings.index(heading)].kind is not Kind.LABEL

    def series(
        self, *, suppress: bool = True
    ) -> tuple[list[str], dict[str, list[float]], set[str]]:
        """What the chart draws: a category per row, a series per charted count column, and
        the cells drawn as nought because they are suppressed (as "row: column")."""
        drawn = list(self.charted) or [
            c.heading for c in self.columns if c.kind is Kind.COUNT and c.heading != "Total"
        ]
        categories = [str(row[0]) for row in self.rows]
        hidden: set[str] = set()
        series: dict[str, list[float]] = {}
        for heading in drawn:
            at = self.headings.index(heading)
            values = []
            for row in self.rows:
                value = row[at]
                if suppress and isinstance(value, int) and is_small(value):
                    hidden.add(f"{row[0]}: {heading}")
                    value = 0
                values.append(float(value) if isinstance(value, int | float) else 0.0)
            series[heading] = values
        return categories, series, hidden


def _page_cell(cell: Cell, column: Column, suppress: bool) -> str:
    if column.kind is Kind.COUNT and (cell is None or isinstance(cell, int)):
        return on_page(cell, suppress=suppress)
    if column.kind is Kind.MONEY and isinstance(cell, int | float):
        return f"\u00a3{cell:,.2f}"
    if cell is None:
        return "\u2013"
    if isinstance(cell, float):
        return f"{cell:,.1f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    return cell


def _file_cell(cell: Cell, column: Column) -> Cell:
    if column.kind is Kind.COUNT and (cell is None or isinstance(cell, int)):
        return in_file(cell)
    if isinstance(cell, float):
        return round(cell, 2)
    return "" if cell is None else cell
