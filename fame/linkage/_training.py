"""Training the Fellegi-Sunter model with Splink, unsupervised as it must be in real life.

u comes from random sampling of record pairs (nearly all non-matches); m from
expectation maximisation on pairs blocked by rules each of which leaves some
comparisons free to learn from. No truth file is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from fame.records import AgencyRecord

from ._comparisons import COMPARISONS, Comparison
from ._model import LOWER_MATCH_WEIGHT, UPPER_MATCH_WEIGHT, LinkageModel
from ._normalise import LinkageRecord
from ._splink import (
    EM_BLOCKING_RULES,
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
    linker, _ = new_linker(table, splink_settings(comparisons))
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
    _floor_probabilities(settings)
    settings.pop("linker_uid", None)
    return LinkageModel(
        splink_settings=settings,
        upper_match_weight=UPPER_MATCH_WEIGHT,
        lower_match_weight=LOWER_MATCH_WEIGHT,
        term_frequencies=term_frequencies,
        trained_on={
            "records": len(linkage_records),
            "source": source,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "u_max_pairs": max_pairs,
            "seed": seed,
            "em_blocking_rules": used_rules,
        },
    )
