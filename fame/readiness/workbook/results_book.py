"""A round's results as tables: an XLSX workbook for people, a dict for ``--json``.

The statements sheet gives each statement's respondents' scores, median, spread, whether
it is flagged for the workshop, any agreed score and the score that stands; the cells
sheet the building blocks against the dimensions (with each block's and dimension's
score); the criteria sheet each criterion's score. A score nobody could give is blank
(None in JSON), never 0. The arithmetic is ``scoring``'s.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from ..framework import framework
from ..models import Round
from ..queries import round_results
from ..scoring import StatementResult, by_block, by_cell, by_criterion, by_dimension

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def results_data(round_: Round) -> dict[str, Any]:
    """The round's results as plain data (what ``fame readiness results --json`` prints)."""
    results = round_results(round_)
    fw = framework()
    cells = by_cell(results)
    bank = round_.bank
    return {
        "round": {
            "id": round_.pk,
            "title": round_.title,
            "partnership": round_.partnership,
            "status": round_.status,
            "respondents": round_.respondents.count(),
            "submitted": round_.respondents.filter(submitted_at__isnull=False).count(),
        },
        "bank": {"key": bank.key, "title": bank.title, "version": bank.version},
        "statements": [_statement(r) for r in results],
        "cells": [
            {
                "block": block.key,
                "dimension": dimension.key,
                "score": _rounded(cells.get((block.key, dimension.key))),
            }
            for block in fw.blocks
            for dimension in fw.dimensions
            if (block.key, dimension.key) in cells
        ],
        "blocks": {k: _rounded(v) for k, v in by_block(results).items()},
        "dimensions": {k: _rounded(v) for k, v in by_dimension(results).items()},
        "criteria": {k: _rounded(v) for k, v in by_criterion(results).items()},
    }


def _statement(result: StatementResult) -> dict[str, Any]:
    s = result.statement
    return {
        "id": s.id,
        "block": s.block,
        "dimension": s.dimension,
        "criterion": s.criterion,
        "text": s.text,
        "scores": list(result.scores),
        "dont_know": result.dont_know,
        "median": result.median,
        "spread": result.spread,
        "flagged": result.flagged,
        "agreed": result.agreed,
        "score": result.score,
    }


def _header(sheet: Worksheet, headings: list[str], widths: list[int]) -> None:
    sheet.append(headings)
    for n, width in enumerate(widths, start=1):
        sheet.cell(1, n).font = BOLD
        sheet.cell(1, n).alignment = WRAP
        sheet.column_dimensions[sheet.cell(1, n).column_letter].width = width
    sheet.freeze_panes = "A2"


def results_workbook(round_: Round) -> bytes:
    """The round's results as an XLSX workbook: statements, cells and criteria sheets."""
    data = results_data(round_)
    fw = framework()
    book = Workbook()
    statements = book.active
    assert statements is not None  # a new workbook has one sheet
    statements.title = "Statements"
    _header(
        statements,
        [
            "Statement id",
            "Building block",
            "Dimension",
            "Criterion",
            "Statement",
            "Scores given",
            "Don't know",
            "Median",
            "Spread",
            "Flagged for the workshop",
            "Agreed score",
            "Score",
        ],
        [12, 24, 22, 18, 60, 14, 10, 9, 9, 12, 10, 9],
    )
    for s in data["statements"]:
        statements.append(
            [
                s["id"],
                fw.block(s["block"]).name,
                fw.dimension(s["dimension"]).name,
                fw.criterion(s["criterion"]).name,
                s["text"],
                ", ".join(str(n) for n in s["scores"]),
                s["dont_know"],
                s["median"],
                s["spread"],
                "Yes" if s["flagged"] else "No",
                s["agreed"],
                s["score"],
            ]
        )
        statements.cell(statements.max_row, 5).alignment = WRAP

    cells = book.create_sheet("Cells")
    _header(
        cells,
        ["Building block", *(d.name for d in fw.dimensions), "Block"],
        [34, *(22 for _ in fw.dimensions), 10],
    )
    scores = {(c["block"], c["dimension"]): c["score"] for c in data["cells"]}
    for block in fw.blocks:
        if block.key in data["blocks"]:
            cells.append(
                [
                    block.name,
                    *(scores.get((block.key, d.key)) for d in fw.dimensions),
                    data["blocks"][block.key],
                ]
            )
    cells.append(["Dimension", *(data["dimensions"].get(d.key) for d in fw.dimensions)])
    cells.cell(cells.max_row, 1).font = BOLD

    criteria = book.create_sheet("Criteria")
    _header(criteria, ["Criterion", "Score"], [30, 10])
    for criterion in fw.criteria:
        if criterion.key in data["criteria"]:
            criteria.append([criterion.name, data["criteria"][criterion.key]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
