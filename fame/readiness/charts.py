"""Readiness charts drawn on the server as SVG with matplotlib (ADR 0031).

Each function takes plain numbers (a score 0-4, or None where nobody could score) and
returns one SVG document with a ``<title>`` and a ``<desc>`` saying what it shows. The
object API is used (``Figure`` and the SVG canvas), never pyplot's global state, so
drawing is safe in a web server's threads. The same SVG goes into the page (as an image
with alternative text, beside a table of the same numbers) and into the PDF report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.projections.polar import PolarAxes

from fame.web.charts import drawing, svg_document

from .framework import SCORES

BAND_COLOURS = ("#f6c6c6", "#fbd9a8", "#fff2a8", "#cfe8c3", "#9fd39a")
"""One light colour per score band 0-4 (dark text reads on each); fame.css uses the same."""
NO_SCORE_COLOUR = "#f3f2f1"
LINE_COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#5694ca", "#912b88")
_RC: dict[Any, Any] = {"svg.hashsalt": "fame-readiness", "svg.fonttype": "none", "font.size": 9}
_drawing = drawing(_RC)
_svg = svg_document


def band(score: float | None) -> int | None:
    """The score band a mean falls in: the nearest whole score (None for no score)."""
    if score is None:
        return None
    return min(max(math.floor(score + 0.5), SCORES[0]), SCORES[-1])


def _shown(score: float | None) -> str:
    return "no score" if score is None else f"{score:.1f}"


@_drawing
def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    scores: Sequence[Sequence[float | None]],
    title: str,
) -> str:
    """Rows (building blocks) by columns (dimensions), each cell coloured by its band and
    showing its score."""
    figure = Figure(figsize=(7.5, 0.45 * len(rows) + 1.4))
    axes = figure.add_subplot()
    cmap = ListedColormap(list(BAND_COLOURS)).with_extremes(bad=NO_SCORE_COLOUR)
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5, 4.5], cmap.N)
    grid = numpy.ma.masked_invalid([[math.nan if s is None else s for s in r] for r in scores])
    axes.pcolormesh(grid, cmap=cmap, norm=norm, edgecolors="white", linewidth=2)
    for i, row in enumerate(scores):
        for j, score in enumerate(row):
            shown = "\u2013" if score is None else f"{score:.1f}"
            axes.text(j + 0.5, i + 0.5, shown, ha="center", va="center")
    axes.set_xticks(
        [j + 0.5 for j in range(len(columns))], labels=[_wrapped(c, 22) for c in columns]
    )
    axes.set_yticks([i + 0.5 for i in range(len(rows))], labels=list(rows))
    axes.invert_yaxis()
    axes.xaxis.tick_top()
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.tick_params(length=0)
    figure.tight_layout()
    desc = "; ".join(
        f"{row}: " + ", ".join(f"{col} {_shown(s)}" for col, s in zip(columns, values, strict=True))
        for row, values in zip(rows, scores, strict=True)
    )
    return _svg(figure, title, desc)


@_drawing
def radar(axes_names: Sequence[str], scores: Sequence[float | None], title: str) -> str:
    """One score 0-4 on each axis (a building block), joined into a shape; an axis nobody
    could score is drawn at 0 and said to have no score."""
    figure = Figure(figsize=(6.5, 6.5))
    axes = figure.add_subplot(projection="polar")
    assert isinstance(axes, PolarAxes)
    axes.set_theta_offset(math.pi / 2)  # the first block at the top, the rest clockwise
    axes.set_theta_direction(-1)
    count = len(axes_names)
    angles = [2 * math.pi * i / count for i in range(count)]
    values = [0.0 if s is None else s for s in scores]
    axes.plot([*angles, angles[0]], [*values, values[0]], color=LINE_COLOURS[0], linewidth=2)
    axes.fill([*angles, angles[0]], [*values, values[0]], color=LINE_COLOURS[0], alpha=0.2)
    axes.set_xticks(angles, labels=[_wrapped(n, 16) for n in axes_names])
    axes.set_ylim(0, SCORES[-1])
    axes.set_yticks(list(SCORES[1:]))
    figure.tight_layout()
    desc = ", ".join(f"{name} {_shown(s)}" for name, s in zip(axes_names, scores, strict=True))
    return _svg(figure, title, desc + " (scores 0 to 4)")


@_drawing
def bars(names: Sequence[str], scores: Sequence[float | None], title: str) -> str:
    """A horizontal bar per name, its length the score 0-4."""
    figure = Figure(figsize=(7, 0.45 * len(names) + 1.2))
    axes = figure.add_subplot()
    positions = list(range(len(names)))
    values = [0.0 if s is None else s for s in scores]
    axes.barh(positions, values, color=LINE_COLOURS[0])
    for y, score in zip(positions, scores, strict=True):
        axes.text((score or 0) + 0.05, y, _shown(score), va="center")
    axes.set_yticks(positions, labels=list(names))
    axes.invert_yaxis()
    axes.set_xlim(0, SCORES[-1] + 0.5)
    axes.set_xticks(list(SCORES))
    axes.set_xlabel("Score (0 to 4)")
    figure.tight_layout()
    desc = ", ".join(f"{name} {_shown(s)}" for name, s in zip(names, scores, strict=True))
    return _svg(figure, title, desc)


@_drawing
def grouped_bars(
    categories: Sequence[str], series: Mapping[str, Sequence[float | None]], title: str
) -> str:
    """For each category (such as a dimension) a horizontal bar per series (such as a
    partner), each labelled with its score; a legend names the series."""
    count = max(len(series), 1)
    figure = Figure(figsize=(7.5, 0.35 * count * len(categories) + 1.6))
    axes = figure.add_subplot()
    height = 0.8 / count
    for i, (name, values) in enumerate(series.items()):
        ys = [c + (i - (count - 1) / 2) * height for c in range(len(categories))]
        axes.barh(
            ys,
            [0.0 if v is None else v for v in values],
            height=height,
            color=LINE_COLOURS[i % len(LINE_COLOURS)],
            label=name,
        )
        for y, value in zip(ys, values, strict=True):
            axes.text((value or 0) + 0.05, y, _shown(value), va="center")
    axes.set_yticks(range(len(categories)), labels=[_wrapped(c, 24) for c in categories])
    axes.invert_yaxis()
    axes.set_xlim(0, SCORES[-1] + 0.5)
    axes.set_xticks(list(SCORES))
    axes.set_xlabel("Score (0 to 4)")
    if series:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    figure.tight_layout()
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{c} {_shown(v)}" for c, v in zip(categories, values, strict=True))
        for name, values in series.items()
    )
    return _svg(figure, title, desc or "No partner agreed to be compared.")


@_drawing
def lines(points: Sequence[str], series: Mapping[str, Sequence[float | None]], title: str) -> str:
    """A line per series across ``points`` (such as rounds); a missing score breaks the line."""
    figure = Figure(figsize=(7.5, 4.5))
    axes = figure.add_subplot()
    xs = list(range(len(points)))
    styles = ("-", "--", ":", "-.")
    for i, (name, values) in enumerate(series.items()):
        axes.plot(
            xs,
            [math.nan if v is None else v for v in values],
            marker="o",
            linestyle=styles[(i // len(LINE_COLOURS)) % len(styles)],
            color=LINE_COLOURS[i % len(LINE_COLOURS)],
            label=name,
        )
    axes.set_xticks(xs, labels=[_wrapped(p, 18) for p in points])
    axes.set_ylim(0, SCORES[-1])
    axes.set_yticks(list(SCORES))
    axes.set_ylabel("Score (0 to 4)")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    figure.tight_layout()
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{p} {_shown(v)}" for p, v in zip(points, values, strict=True))
        for name, values in series.items()
    )
    return _svg(figure, title, desc)


def _wrapped(text: str, width: int) -> str:
    """``text`` broken onto lines of about ``width`` characters, at spaces."""
    lines_: list[str] = []
    for word in text.split():
        if lines_ and len(lines_[-1]) + 1 + len(word) <= width:
            lines_[-1] += " " + word
        else:
            lines_.append(word)
    return "\n".join(lines_)
