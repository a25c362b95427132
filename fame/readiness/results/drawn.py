"""The charts a round's pages and report show, by name, kept while the round is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from ..charts import bars, grouped_bars, heat_map, lines, radar
from ..framework import framework
from ..models import Round
from .summary import RoundSummary, partner_comparison, state, trend


def _heat_map(round_: Round) -> str:
    summary = RoundSummary(round_)
    fw = framework()
    return heat_map(
        [block.name for block, _ in summary.heat_rows],
        [d.name for d in fw.dimensions],
        [[cell.score for cell in cells] for _, cells in summary.heat_rows],
        f"Heat map of {round_.title}: building blocks by dimension",
    )


def _radar(dimension: str) -> Callable[[Round], str]:
    def draw(round_: Round) -> str:
        scores = RoundSummary(round_).dimension_blocks(dimension)
        name = framework().dimension(dimension).name
        return radar(
            [block.name for block, _ in scores],
            [score for _, score in scores],
            f"{name}: each building block's score",
        )

    return draw


def _criteria(round_: Round) -> str:
    criteria = RoundSummary(round_).criteria
    return bars([c.name for c, _ in criteria], [s for _, s in criteria], "Score for each criterion")


def _trend_blocks(round_: Round) -> str:
    found = trend(round_)
    fw = framework()
    return lines(
        [r.title for r in found.rounds],
        {b.name: found.blocks[b.key] for b in fw.blocks},
        "Each building block's score over the partnership's rounds",
    )


def _trend_dimensions(round_: Round) -> str:
    found = trend(round_)
    fw = framework()
    return lines(
        [r.title for r in found.rounds],
        {d.name: found.dimensions[d.key] for d in fw.dimensions},
        "Each dimension's score over the partnership's rounds",
    )


def _partners(round_: Round) -> str:
    """Only partners that agreed to be compared: others are never drawn."""
    compared = partner_comparison(round_)
    fw = framework()
    return grouped_bars(
        [d.name for d in fw.dimensions],
        {
            p.partner.name: [p.dimensions.get(d.key) for d in fw.dimensions]
            for p in compared.partners
        },
        "Each partner's score in each dimension (partners that agreed to be compared)",
    )


CHARTS: dict[str, Callable[[Round], str]] = {
    "heatmap": _heat_map,
    **{f"radar-{d}": _radar(d) for d in ("practice", "ict", "governance")},
    "criteria": _criteria,
    "trend-blocks": _trend_blocks,
    "trend-dimensions": _trend_dimensions,
    "partners": _partners,
}
"""Every chart a round has, by the name its address gives."""


@lru_cache(maxsize=128)
def _kept(name: str, round_id: int, round_state: tuple[object, ...]) -> str:
    round_ = Round.objects.select_related("bank_version").get(pk=round_id)
    return CHARTS[name](round_)


def chart_svg(round_: Round, name: str) -> str:
    """The chart ``name`` of ``round_`` (KeyError for a name no chart has). A chart is
    drawn once for each state of the round (its answers, agreements and submissions);
    trend charts, which depend on earlier rounds too, are drawn each time."""
    if name not in CHARTS:
        raise KeyError(name)
    if name.startswith("trend-"):
        return CHARTS[name](round_)
    return _kept(name, round_.pk, state(round_))
