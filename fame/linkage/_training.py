"""Training the Fellegi-Sunter model with Splink, unsupervised as it must be in real life.

u comes from random sampling of record pairs (nearly all non-matches); m from
expectation maximisation on pairs blocked by rules each of which leaves some
comparisons free to learn from. No truth file is read.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from fame.records import AgencyRecord

from ._comparisons import COMPARISONS, GIVEN_NAME, TRAINED_BY_EM, TWINS, Comparison
from ._model import LinkageModel
from ._normalise import LinkageRecord
from ._splink import (
    EM_BLOCKING_RULES,
    SCHEMA,
    new_linker,
    quiet_splink,
    records_table,
    splink_settings,
    term_frequency_tables,
)

M_FLOOR = 1e-3
"""No trained m below this: EM on a few thousand pairs 'learns' m near 0 for levels a
true match rarely shows (sex differs, birthday within a month), which would give
weights of -80 or worse. A floor keeps such evidence strong but finite (ADR 0006)."""

U_FLOOR = 1e-6  # what Splink assumes for a level never seen among random pairs

PRIOR_RULE = (
    "l.given_name = r.given_name AND l.family_name = r.family_name "
    "AND l.date_of_birth = r.date_of_birth"
)
PRIOR_RULE_RECALL = 0.8
"""Share of true matches agreeing exactly on given name, family name and birthday (a guess
that only shifts every weight by the same amount; thresholds are set after training)."""

Progress = Callable[[str], None]


def _linkage_records(records: Sequence[AgencyRecord | LinkageRecord]) -> list[LinkageRecord]:
    return [
        record if isinstance(record, LinkageRecord) else LinkageRecord.from_agency_record(record)
        for record in records
    ]


def _has_pairs(table: pa.Table, rule: str) -> bool:
    """Whether any two records meet an EM blocking rule (FEBRL has no postcode sectors)."""
    connection = duckdb.connect()
    connection.register("records", table)
    query = "SELECT 1 FROM records l JOIN records r ON l.unique_id < r.unique_id AND ({rule})"
    query += " LIMIT 1"
    found = connection.sql(query.format(rule=rule)).fetchall()
    connection.close()
    return bool(found)


def _floor_probabilities(settings: dict[str, Any]) -> None:
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if not level.get("fix_m_probability"):
                level["m_probability"] = max(float(level.get("m_probability") or 0.0), M_FLOOR)
            level["u_probability"] = max(float(level.get("u_probability") or 0.0), U_FLOOR)


_TWINS_LEVELS = {
    # comparison: the levels whose agreement the twins' pattern asks for
    "family_name": ("exact",),
    "date_of_birth": ("exact",),
    "address": (
        "same postcode and line",
        "same postcode, similar line",
        "same postcode, another line",
        "same postcode",
    ),
    "given_name": ("different given names",),
}


def _count_households(table: pa.Table) -> tuple[int, int]:
    """Pairs of records sharing family name, birthday and postcode: those whose given names
    differ outright (the twins' pattern) and those whose given names agree at some level."""
    columns = _pair_columns()
    pattern = TWINS.levels[1].sql
    connection = duckdb.connect()
    connection.register("records", table)
    ((differ, agree),) = connection.sql(
        f"SELECT count(*) FILTER (WHERE {pattern}), "  # noqa: S608
        "count(*) FILTER (WHERE given_name_l IS NOT NULL AND given_name_r IS NOT NULL "
        f"AND NOT ({pattern})) "
        f"FROM (SELECT {columns} FROM records l JOIN records r "
        "ON l.unique_id < r.unique_id AND l.family_name = r.family_name "
        "AND l.date_of_birth = r.date_of_birth AND l.postcode = r.postcode)"
    ).fetchall()
    connection.close()
    return int(differ), int(agree)


SIGNIFICANT = 3.0
"""How many standard deviations (Poisson) the twins' pattern must exceed what matches explain
before it is taken as evidence of twins."""


def twins_correction(
    settings: dict[str, Any], *, pattern_pairs: int, household_pairs: int, records: int
) -> float:
    """The weight (log2) the twins' level adds: how much the trained comparisons, added up as
    if independent, overstate the twins' pattern, measured on the data (0 if they do not).

    ``household_pairs`` share family name, birthday and postcode with given names that do
    not differ outright: nearly all one child. Among matches the given-name levels fall as
    their m say, so the matches expected among the ``pattern_pairs`` (given names
    different) are household_pairs x m(different) / m(any other level); the rest are two
    children. Their share of all pairs is the pattern's chance among non-matches on the
    data; by the model it is the product of the u of its four agreements. The correction
    is log2(product of u / measured chance), never above 0, and 0 unless the excess is
    more than ``SIGNIFICANT`` standard deviations of the expected count (FEBRL4, which has
    no twins, shows 221 such pairs where its m expect about 205).
    """
    by_name = {item["output_column_name"]: item for item in settings["comparisons"]}
    u_product = 1.0
    for name, labels in _TWINS_LEVELS.items():
        levels = [
            level
            for level in by_name[name]["comparison_levels"]
            if level["label_for_charts"] in labels
        ]
        u_product *= sum(float(level["u_probability"]) for level in levels)
    given = [
        level
        for level in by_name["given_name"]["comparison_levels"]
        if not level.get("is_null_level")
    ]
    m_differ = float(given[-1]["m_probability"])
    m_other = sum(float(level["m_probability"]) for level in given[:-1])
    expected = household_pairs * m_differ / m_other
    two_children = pattern_pairs - expected
    if two_children <= SIGNIFICANT * math.sqrt(max(expected, 1.0)):
        return 0.0
    measured = two_children / (records * (records - 1) / 2)
    return min(0.0, math.log2(u_product / measured))


SURE_PAIRS = (
    "l.family_name = r.family_name AND l.date_of_birth = r.date_of_birth "
    "AND l.postcode = r.postcode AND len(l.middle_names) > 0 "
    "AND l.middle_names = r.middle_names"
)
"""Pairs that are one child whatever their given names say: one family name, birthday,
postcode and the same (recorded) middle names. Twins share the first three, so EM on
pairs blocked by birthday (or family name) takes them for one child whose given name
differs and learns that a match's given names often differ (4.5% on synth seed 11,
against 0.3% by the truth); twins' middle names differ. Where the data give at least
``SURE_PAIRS_NEEDED`` of these pairs the given names' m are their shares among them."""

SURE_PAIRS_NEEDED = 200


def _pair_columns() -> str:
    return ", ".join(
        f"l.{name} AS {name}_l, r.{name} AS {name}_r"
        for name in SCHEMA.names
        if name != "unique_id"
    )


def _given_names_among_sure_pairs(table: pa.Table, settings: dict[str, Any]) -> int:
    """Set the given names' m to their shares among ``SURE_PAIRS``; the pairs counted (the m
    are left as EM set them when there are fewer than ``SURE_PAIRS_NEEDED``)."""
    cases = " ".join(
        f"WHEN {level.sql} THEN {index}" for index, level in enumerate(GIVEN_NAME.levels[:-1])
    )
    connection = duckdb.connect()
    connection.register("records", table)
    rows = connection.sql(
        f"SELECT CASE {cases} ELSE {len(GIVEN_NAME.levels) - 1} END AS level, count(*) "  # noqa: S608
        f"FROM (SELECT {_pair_columns()} FROM records l JOIN records r "
        f"ON l.unique_id < r.unique_id AND {SURE_PAIRS}) GROUP BY level"
    ).fetchall()
    connection.close()
    counts = {int(level): int(count) for level, count in rows}
    counts.pop(0, None)  # the null level has no m
    total = sum(counts.values())
    if total < SURE_PAIRS_NEEDED:
        return total
    given = next(c for c in settings["comparisons"] if c["output_column_name"] == "given_name")
    for index, level in enumerate(given["comparison_levels"]):
        if not level.get("is_null_level"):
            level["m_probability"] = counts.get(index, 0) / total
    return total


def _with_twins(settings: dict[str, Any], correction: float) -> None:
    twins = TWINS.as_splink()
    _, pattern, other = twins["comparison_levels"]
    pattern.update(m_probability=2.0**correction, u_probability=1.0)
    other.update(m_probability=1.0, u_probability=1.0)
    for level in (pattern, other):
        level.update(fix_m_probability=True, fix_u_probability=True)
    settings["comparisons"].append(twins)


def train_model(
    records: Sequence[AgencyRecord | LinkageRecord],
    *,
    comparisons: Sequence[Comparison | dict[str, Any]] = COMPARISONS,
    max_pairs: float = 1e7,
    seed: int = 1,
    progress: Progress | None = None,
    source: str = "",
) -> LinkageModel:
    """A model trained on ``records`` (agency records of a region, all agencies together)."""
    say = progress or (lambda message: None)
    linkage_records = _linkage_records(records)
    if len(linkage_records) < 2:
        raise ValueError("training needs at least two records")
    say(f"Preparing {len(linkage_records):,} records")
    table = records_table(linkage_records)
    with_twins = list(comparisons) == list(COMPARISONS)
    trained = list(TRAINED_BY_EM) if with_twins else comparisons
    linker, _ = new_linker(table, splink_settings(trained))
    used_rules = []
    with quiet_splink():
        say("Estimating the chance two random records match")
        linker.training.estimate_probability_two_random_records_match(
            [PRIOR_RULE], recall=PRIOR_RULE_RECALL
        )
        say(f"Estimating u from up to {max_pairs:,.0f} random pairs")
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
        for rule in EM_BLOCKING_RULES:
            if not _has_pairs(table, rule):
                say(f"No pairs where {rule}: that EM step is skipped")
                continue
            say(f"Estimating m by EM on pairs where {rule}")
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
            used_rules.append(rule)
        settings = linker.misc.save_model_to_json()
        term_frequencies = term_frequency_tables(linker)
    if not used_rules:
        raise ValueError("no EM blocking rule found pairs to train on; are the records empty?")
    extra: dict[str, Any] = {}
    if with_twins:
        sure = _given_names_among_sure_pairs(table, settings)
        say(f"{sure:,} pairs share family name, birthday, postcode and middle names")
        extra["given_names_m_from_sure_pairs"] = sure if sure >= SURE_PAIRS_NEEDED else 0
    _floor_probabilities(settings)
    if with_twins:
        pattern_pairs, household_pairs = _count_households(table)
        correction = twins_correction(
            settings,
            pattern_pairs=pattern_pairs,
            household_pairs=household_pairs,
            records=len(linkage_records),
        )
        say(
            f"{pattern_pairs:,} pairs look like twins: their weight is corrected "
            f"by {correction:.1f}"
        )
        _with_twins(settings, correction)
        extra |= {
            "twins_pattern_pairs": pattern_pairs,
            "household_pairs": household_pairs,
            "twins_correction": correction,
        }
    settings.pop("linker_uid", None)
    return LinkageModel(
        splink_settings=settings,
        term_frequencies=term_frequencies,
        trained_on={
            "records": len(linkage_records),
            "source": source,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "u_max_pairs": max_pairs,
            "seed": seed,
            "em_blocking_rules": used_rules,
            **extra,
        },
    )
