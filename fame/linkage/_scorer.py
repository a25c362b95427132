"""The runtime scorer: the trained Splink model applied to one pair in plain Python.

It gives the weight Splink's ``predict`` gives for the same pair (same levels,
same m and u, same term-frequency adjustments from the model's tf tables),
without a database per call, and explains it level by level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fame.records import AgencyRecord

from ._comparisons import COMPARISONS, Comparison
from ._model import LinkageModel, ModelError
from ._normalise import LinkageRecord

M_U_CLAMP_MIN = 1e-300  # as Splink clamps m and u before taking logs
BOUND_MARGIN = 1e-6
"""How far below a bound a partial weight must be before a candidate is given up (floats
added in another order may differ in their last bits)."""


@dataclass(frozen=True, slots=True)
class FieldScore:
    """How one comparison moved the score: e.g. ("date_of_birth", 2, "day/month swapped", 4.1)."""

    name: str
    level: int
    label: str
    weight: float


@dataclass(frozen=True, slots=True)
class Score:
    """A pair's match weight (log2 Bayes factor, prior included), probability and reasons."""

    match_weight: float
    match_probability: float
    fields: tuple[FieldScore, ...]

    def field(self, name: str) -> FieldScore:
        return next(score for score in self.fields if score.name == name)


@dataclass(frozen=True)
class _TermFrequency:
    column: str
    table: dict[str, float]
    log2_u_exact: float
    weight: float
    minimum_u: float

    def adjustment(self, left: LinkageRecord, right: LinkageRecord) -> float:
        # Splink: greatest(coalesce(tf_l, tf_r), coalesce(tf_r, tf_l), tf_minimum_u_value)
        found = [
            tf
            for tf in (
                self.table.get(getattr(left, self.column)),
                self.table.get(getattr(right, self.column)),
            )
            if tf is not None
        ]
        if not found:
            return 0.0
        u_value = max(*found, self.minimum_u)
        return self.weight * (self.log2_u_exact - math.log2(u_value))


@dataclass(frozen=True)
class _ScoredLevel:
    label: str
    weight: float
    term_frequency: _TermFrequency | None


def _most(level: _ScoredLevel) -> float:
    """The most a level can add: its weight and its largest term-frequency adjustment."""
    tf = level.term_frequency
    if tf is None:
        return level.weight
    values = [u for u in tf.table.values() if u > 0]
    lowest = max(tf.minimum_u, min(values, default=tf.minimum_u))
    highest = max(tf.minimum_u, max(values, default=tf.minimum_u))
    adjustments = [0.0] + [
        tf.weight * (tf.log2_u_exact - math.log2(u)) for u in (lowest, highest) if u > 0
    ]
    return level.weight + max(adjustments)


def _probability(match_weight: float) -> float:
    if match_weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-match_weight))
    bayes_factor = 2.0**match_weight
    return bayes_factor / (1.0 + bayes_factor)


def _level_weight(level: dict[str, Any]) -> float:
    if level.get("is_null_level"):
        return 0.0
    try:
        m, u = float(level["m_probability"]), float(level["u_probability"])
    except KeyError as missing:
        raise ModelError(f"level {level.get('label_for_charts')!r} has no {missing}") from None
    return math.log2(max(m, M_U_CLAMP_MIN) / max(u, M_U_CLAMP_MIN))


def _scored_levels(
    comparison: Comparison, trained: dict[str, Any], tf_tables: dict[str, dict[str, float]]
) -> tuple[_ScoredLevel, ...]:
    levels = trained["comparison_levels"]
    if [level["sql_condition"] for level in levels] != [level.sql for level in comparison.levels]:
        raise ModelError(
            f"the model's {comparison.name} levels are not the ones this FAME compares; "
            "retrain it with `fame link train`"
        )
    scored = []
    for ours, level in zip(comparison.levels, levels, strict=True):
        term_frequency = None
        if ours.tf_column and level.get("tf_adjustment_weight", 0):
            exact = next(
                other
                for other in levels
                if other["sql_condition"] == f"{ours.tf_column}_l = {ours.tf_column}_r"
            )
            term_frequency = _TermFrequency(
                column=ours.tf_column,
                table=tf_tables.get(ours.tf_column, {}),
                log2_u_exact=math.log2(float(exact["u_probability"])),
                weight=float(level["tf_adjustment_weight"]),
                minimum_u=float(level.get("tf_minimum_u_value", 0.0)),
            )
        scored.append(_ScoredLevel(ours.label, _level_weight(level), term_frequency))
    return tuple(scored)


class RuntimeScorer:
    """Scores pairs of records with a trained model, exactly as Splink would.

    >>> scorer = RuntimeScorer(load_model())
    >>> scorer.score(incoming, candidate).match_weight
    """

    def __init__(self, model: LinkageModel) -> None:
        self.model = model
        trained = {
            item["output_column_name"]: item for item in model.splink_settings["comparisons"]
        }
        missing = [c.name for c in COMPARISONS if c.name not in trained]
        if missing or len(trained) != len(COMPARISONS):
            raise ModelError(
                "the model's comparisons are not FAME's; retrain it with `fame link train`"
            )
        self._levels = [
            (
                comparison,
                _scored_levels(comparison, trained[comparison.name], model.term_frequencies),
            )
            for comparison in COMPARISONS
        ]
        self._compiled = tuple(
            (tuple(level.test for level in comparison.levels), levels)
            for comparison, levels in self._levels
        )
        most = [max(_most(level) for level in levels) for _, levels in self._levels]
        self._most_after = tuple(sum(most[i + 1 :]) for i in range(len(most)))
        """The most the comparisons after each one could add (for ``match_weight``'s bound)."""
        prior = float(model.splink_settings["probability_two_random_records_match"])
        self.prior_weight = math.log2(prior / (1 - prior))

    def level_weights(self, comparison: str) -> list[float]:
        """The weight of each level of one comparison, before term-frequency adjustment."""
        for ours, levels in self._levels:
            if ours.name == comparison:
                return [level.weight for level in levels]
        raise KeyError(comparison)

    def score(
        self, left: AgencyRecord | LinkageRecord, right: AgencyRecord | LinkageRecord
    ) -> Score:
        """The match weight of two records, with the level and weight of each comparison."""
        a = left if isinstance(left, LinkageRecord) else LinkageRecord.from_agency_record(left)
        b = right if isinstance(right, LinkageRecord) else LinkageRecord.from_agency_record(right)
        total = self.prior_weight
        fields = []
        for comparison, levels in self._levels:
            index = comparison.level_of(a, b)
            level = levels[index]
            weight = level.weight
            if level.term_frequency is not None:
                weight += level.term_frequency.adjustment(a, b)
            total += weight
            fields.append(FieldScore(comparison.name, index, level.label, weight))
        return Score(total, _probability(total), tuple(fields))

    def match_weight(
        self, left: LinkageRecord, right: LinkageRecord, *, above: float | None = None
    ) -> float | None:
        """``score(left, right).match_weight``, the same float, without the explanation:
        for ranking many candidates, where only the best one's reasons are wanted.

        With ``above``, None as soon as the weight cannot come out above it (the
        comparisons still to come could not add enough), so that candidates that
        cannot beat the best so far are not compared to the end.
        """
        total = self.prior_weight
        for (tests, levels), still_possible in zip(self._compiled, self._most_after, strict=True):
            index = 0
            while not tests[index](left, right):  # the first level that holds, as level_of
                index += 1
            level = levels[index]
            weight = level.weight
            if level.term_frequency is not None:
                weight += level.term_frequency.adjustment(left, right)
            total += weight
            if above is not None and total + still_possible <= above - BOUND_MARGIN:
                return None
        return total

    def decision(self, score: Score | float) -> str:
        """'link', 'review' or 'new person' by the model's match probabilities (for a score
        or its match weight)."""
        weight = score.match_weight if isinstance(score, Score) else score
        probability = _probability(weight)
        if probability >= self.model.link_probability:
            return "link"
        if probability >= self.model.review_probability:
            return "review"
        return "new person"
