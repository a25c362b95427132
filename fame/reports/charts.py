"""A report table's chart: bars per row, side by side or stacked, drawn on the server as
SVG with the charts' shared drawing (fame.web.charts). The chart reads the same rows as
the table beside it; a suppressed count is drawn as nought and said to be small."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from fame.web.charts import drawing, svg_document

from .suppression import ON_PAGES
from .tables import Kind, Table

COLOURS = ("#1d70b8", "#f47738", "#00703c", "#d4351c", "#4c2c92", "#5694ca", "#912b88", "#85994b")
_RC: dict[Any, Any] = {"svg.hashsalt": "fame-reports", "svg.fonttype": "none", "font.size": 9}


@drawing(_RC)
def table_chart(table: Table, *, suppress: bool = True) -> str:
    categories, series, hidden = table.series(suppress=suppress)
    stacked = table.chart == "stacked"
    count = max(len(series), 1)
    figure = Figure(figsize=(8, max(2.4, 0.32 * len(categories) * (1 if stacked else count) + 1.4)))
    axes = figure.add_subplot()
    ys = list(range(len(categories)))
    height = 0.8 if stacked else 0.8 / count
    left = [0.0] * len(categories)
    for i, (name, values) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        if stacked:
            axes.barh(ys, values, height=height, left=left, color=colour, label=name)
            left = [a + b for a, b in zip(left, values, strict=True)]
        else:
            shifted = [y + (i - (count - 1) / 2) * height for y in ys]
            axes.barh(shifted, values, height=height, color=colour, label=name)
    axes.set_yticks(ys, labels=categories)
    axes.invert_yaxis()
    money = all(table.columns[table.headings.index(n)].kind is Kind.MONEY for n in series)
    unit = "Pounds (\u00a3)" if series and money else "Number"
    axes.set_xlabel(next(iter(series)) if len(series) == 1 else unit)
    if series:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    figure.tight_layout()
    described = []
    for row_at, category in enumerate(categories):
        parts = []
        for name, values in series.items():
            shown = ON_PAGES if f"{category}: {name}" in hidden else f"{values[row_at]:,.4g}"
            parts.append(f"{name} {shown}")
        described.append(f"{category}: " + ", ".join(parts))
    desc = "; ".join(described) or "Nothing to show for this period."
    return svg_document(figure, table.title, desc)
