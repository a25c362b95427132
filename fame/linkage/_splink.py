"""Everything that talks to Splink and DuckDB: input tables, linkers, tf tables, predictions."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from ._comparisons import COMPARISONS, TF_COLUMNS, Comparison
from ._normalise import LinkageRecord

_LIST = pa.list_(pa.string())
SCHEMA = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("agency_id", pa.string()),
        ("given_name", pa.string()),
        ("given_aliases", _LIST),
        ("middle_names", _LIST),
        ("family_name", pa.string()),
        ("family_parts", _LIST),
        ("previous_family_names", _LIST),
        ("sex", pa.string()),
        ("date_of_birth", pa.date32()),
        ("dob_digits", pa.string()),
        ("dob_swapped", pa.string()),
        ("postcode", pa.string()),
        ("postcode_sector", pa.string()),
        ("postcode_district", pa.string()),
        ("address", pa.string()),
    ]
)
"""Splink's input: one row per LinkageRecord, ``unique_id`` its index in the input list."""

EM_BLOCKING_RULES: tuple[str, ...] = (
    "l.date_of_birth = r.date_of_birth",
    "l.family_name = r.family_name AND l.postcode_sector = r.postcode_sector",
    "l.given_name = r.given_name AND l.family_name = r.family_name",
)
"""Pairs on which EM estimates m: each leaves out the comparisons it blocks on."""


def records_table(records: Sequence[LinkageRecord]) -> pa.Table:
    """The records as an Arrow table in ``SCHEMA`` (row i is records[i])."""
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    columns["unique_id"] = list(range(len(records)))
    for name in SCHEMA.names[1:]:
        columns[name] = [getattr(record, name) for record in records]
    return pa.table(columns, schema=SCHEMA)


def splink_settings(comparisons: Sequence[Comparison | dict[str, Any]] = COMPARISONS) -> dict:
    """Splink settings for deduplicating agency records with ``comparisons``."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 1e-4,
        "comparisons": [
            item.as_splink() if isinstance(item, Comparison) else item for item in comparisons
        ],
        "blocking_rules_to_generate_predictions": list(EM_BLOCKING_RULES),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.0001,
        "max_iterations": 25,
    }


@contextmanager
def quiet_splink():
    """Keep Splink's chatter out of command output: progress is FAME's job, and levels EM
    could not train get the floor m (see _training)."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def new_linker(
    table: pa.Table, settings: dict[str, Any], *, threads: int | None = None
) -> tuple[Linker, DuckDBAPI]:
    """A DuckDB-backed linker over ``table`` (an in-memory database of its own)."""
    connection = duckdb.connect()
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    db_api = DuckDBAPI(connection)
    frame = db_api.register(table, dataset_display_name="records")
    linker = Linker(frame, settings, log_level=None)
    return linker, db_api


def register_term_frequencies(
    linker: Linker, db_api: DuckDBAPI, term_frequencies: dict[str, dict[str, float]]
) -> None:
    """Make Splink use the model's tf tables, exactly as the runtime scorer does."""
    for column in TF_COLUMNS:
        table = term_frequencies.get(column, {})
        arrow = pa.table(
            {column: list(table), f"tf_{column}": list(table.values())},
            schema=pa.schema([(column, pa.string()), (f"tf_{column}", pa.float64())]),
        )
        frame = db_api.register(arrow)
        linker.table_management.register_term_frequency_lookup(frame, column)


def term_frequency_tables(linker: Linker) -> dict[str, dict[str, float]]:
    """The tf tables Splink computed from the linker's input, as {column: {value: tf}}."""
    tables: dict[str, dict[str, float]] = {}
    for column in TF_COLUMNS:
        frame = linker.table_management.compute_tf_table(column)
        arrow = frame.as_pyarrow_table()
        values = arrow.column(column).to_pylist()
        freqs = arrow.column(f"tf_{column}").to_pylist()
        tables[column] = dict(sorted(zip(values, freqs, strict=True)))
    return tables


def predict_pairs(
    linker: Linker, db_api: DuckDBAPI, pairs: pa.Table, *, threshold_match_weight: float | None
) -> SplinkDataFrame:
    """Score exactly the given candidate pairs (``left``, ``right`` unique ids, left < right)."""
    blocked = pa.table(
        {
            "match_key": pa.array(["0"] * pairs.num_rows, pa.string()),
            "join_key_l": pairs.column("left").cast(pa.string()),
            "join_key_r": pairs.column("right").cast(pa.string()),
        }
    )
    frame = db_api.register(blocked)
    linker.table_management.register_blocked_pairs_for_predict(frame)
    return linker.inference.predict(
        threshold_match_weight=threshold_match_weight, warning_mode="never"
    )
