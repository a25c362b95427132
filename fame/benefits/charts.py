"""Benefits charts drawn on the server as SVG with matplotlib (as the readiness charts).

Each function takes a result (or the tornado's rows, or the Monte Carlo run's NPVs) and
returns one SVG document with a ``<title>`` and a ``<desc>`` giving the same figures to
the penny. The object API is used, never pyplot's global state, one chart at a time
under a lock, so drawing is safe in a web server's threads. The pages show each beside a
table of the same figures; the business case embeds the same SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from fame.web.charts import drawing, svg_document

from .calculate import Result
from .money import pounds
from .sensitivity import Swing

COSTS_COLOUR = "#d4351c"
CASHABLE_COLOUR = "#00703c"
NON_CASHABLE_COLOUR = "#85994b"
LINE_COLOUR = "#1d70b8"
_RC: dict[Any, Any] = {"svg.hashsalt": "fame-benefits", "svg.fonttype": "none", "font.size": 9}
_drawing = drawing(_RC)
_svg = svg_document


def _axis_pounds(value: float, _position: object) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


@_drawing
def by_year(result: Result) -> str:
    """Costs (a bar below the line) and benefits, cashable and not (stacked above), by year."""
    figure = Figure(figsize=(7, 3.6))
    axes = figure.add_subplot()
    years = [y.year for y in result.years]
    cashable = [float(y.cashable) for y in result.years]
    non_cashable = [float(y.non_cashable) for y in result.years]
    costs = [-float(y.costs) for y in result.years]
    axes.bar(years, cashable, color=CASHABLE_COLOUR, label="Cashable benefits")
    axes.bar(years, non_cashable, bottom=cashable, color=NON_CASHABLE_COLOUR, label="Non-cashable")
    axes.bar(years, costs, color=COSTS_COLOUR, label="Costs (shown below zero)")
    axes.axhline(0, color="#0b0c0c", linewidth=0.8)
    axes.set_xticks(years, labels=[f"Year {y}" for y in years])
    axes.yaxis.set_major_formatter(FuncFormatter(_axis_pounds))
    axes.legend(loc="best", fontsize=8)
    figure.tight_layout()
    desc = "; ".join(
        f"year {y.year}: costs {pounds(y.costs)}, cashable benefits {pounds(y.cashable)}, "
        f"non-cashable benefits {pounds(y.non_cashable)}"
        for y in result.years
    )
    return _svg(figure, "Costs and benefits by year", desc)


@_drawing
def cumulative(result: Result) -> str:
    """The cumulative discounted net by year, the payback year marked."""
    figure = Figure(figsize=(7, 3.4))
    axes = figure.add_subplot()
    years = [y.year for y in result.years]
    values = [float(v) for v in result.cumulative_discounted_net]
    axes.plot(years, values, color=LINE_COLOUR, marker="o", linewidth=2)
    axes.axhline(0, color="#0b0c0c", linewidth=0.8)
    payback = result.payback_year
    if payback is not None:
        axes.axvline(payback, color=CASHABLE_COLOUR, linestyle="--", linewidth=1.5)
        axes.annotate(
            f"Pays back in year {payback}",
            (payback, values[payback - 1]),
            textcoords="offset points",
            xytext=(6, 10),
        )
    axes.set_xticks(years, labels=[f"Year {y}" for y in years])
    axes.yaxis.set_major_formatter(FuncFormatter(_axis_pounds))
    figure.tight_layout()
    said = f"it pays back in year {payback}" if payback is not None else "it does not pay back"
    desc = (
        "; ".join(
            f"year {y}: {pounds(v)}"
            for y, v in zip(years, result.cumulative_discounted_net, strict=True)
        )
        + f"; {said}"
    )
    return _svg(figure, "Cumulative discounted net, with the payback year", desc)


@_drawing
def partners(result: Result) -> str:
    """Each partner's net position in present value: bars either side of zero."""
    names = list(result.partners)
    nets = [p.present_value(p.net) for p in result.partners.values()]
    figure = Figure(figsize=(7, 0.5 * len(names) + 1.4))
    axes = figure.add_subplot()
    positions = list(range(len(names)))
    colours = [CASHABLE_COLOUR if n >= 0 else COSTS_COLOUR for n in nets]
    axes.barh(positions, [float(n) for n in nets], color=colours)
    axes.axvline(0, color="#0b0c0c", linewidth=0.8)
    axes.set_yticks(positions, labels=names)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(FuncFormatter(_axis_pounds))
    axes.set_xlabel("Net position, present value (gains right, pays left)")
    figure.tight_layout()
    desc = "; ".join(
        f"{name}: {pounds(net)} ({'gains' if net >= 0 else 'pays'})"
        for name, net in zip(names, nets, strict=True)
    )
    return _svg(figure, "Each partner's net position", desc)


@_drawing
def tornado(rows: Sequence[Swing]) -> str:
    """How far the NPV moves as each assumption moves down and up (largest swing on top)."""
    figure = Figure(figsize=(7.5, 0.4 * len(rows) + 1.4))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    low = [float(r.npv_low) for r in rows]
    high = [float(r.npv_high) for r in rows]
    left = [min(a, b) for a, b in zip(low, high, strict=True)]
    width = [abs(a - b) for a, b in zip(low, high, strict=True)]
    axes.barh(positions, width, left=left, color=LINE_COLOUR)
    axes.set_yticks(positions, labels=[r.path for r in rows])
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(FuncFormatter(_axis_pounds))
    axes.set_xlabel("NPV with the assumption 20% lower and 20% higher")
    figure.tight_layout()
    desc = "; ".join(f"{r.path}: NPV {pounds(r.npv_low)} to {pounds(r.npv_high)}" for r in rows)
    return _svg(figure, "Sensitivity of the NPV to each assumption", desc)


@_drawing
def montecarlo(runs: Sequence[float]) -> str:
    """A histogram of the NPVs of a Monte Carlo run, zero marked."""
    figure = Figure(figsize=(7, 3.4))
    axes = figure.add_subplot()
    axes.hist(list(runs), bins=min(40, max(5, len(runs) // 25)), color=LINE_COLOUR)
    axes.axvline(0, color=COSTS_COLOUR, linewidth=1.2)
    axes.xaxis.set_major_formatter(FuncFormatter(_axis_pounds))
    axes.set_xlabel("NPV")
    axes.set_ylabel("Runs")
    figure.tight_layout()
    below = sum(1 for v in runs if v <= 0)
    desc = (
        f"{len(runs):,} runs from {pounds(min(runs))} to {pounds(max(runs))}; "
        f"{below:,} with an NPV of zero or less"
    )
    return _svg(figure, "Monte Carlo run: how the NPV is spread", desc)


@_drawing
def realisation(labels: Sequence[str], planned: Sequence[float], actual: Sequence[int]) -> str:
    """Actual activity (bars) against the plan (a line), quarter by quarter."""
    figure = Figure(figsize=(7.5, 3.6))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    axes.bar(positions, list(actual), color=LINE_COLOUR, label="Actual")
    axes.plot(positions, list(planned), color=COSTS_COLOUR, marker="o", label="Planned")
    axes.set_xticks(positions, labels=[label.replace(" to ", "\u2013\n", 1) for label in labels])
    axes.set_ylabel("Count")
    axes.legend(loc="best", fontsize=8)
    figure.tight_layout()
    desc = "; ".join(
        f"{label}: planned {p:,.1f}, actual {a:,}"
        for label, p, a in zip(labels, planned, actual, strict=True)
    )
    return _svg(figure, "Plan against actual, quarter by quarter", desc)
