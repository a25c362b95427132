"""Bulk linkage: every agency's records at once, into persons.

Candidate pairs are the pairs sharing a blocking key (the hub's own index keys);
Splink scores them with the trained model and its tf tables; the guarded
clustering turns the strong edges into persons.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from fame.records import AgencyRecord

from ._blocking import blocking_keys
from ._clustering import cluster
from ._comparisons import GIVEN_NAME, GIVEN_NAMES_DIFFER
from ._model import LinkageModel
from ._normalise import LinkageRecord
from ._splink import (
    new_linker,
    predict_pairs,
    quiet_splink,
    records_table,
    register_term_frequencies,
)

MAX_KEY_RECORDS = 1000
"""A key held by more records than this is too common to block on and is skipped."""

NAMES_ONLY_MAX_RECORDS = 20
"""A names-only key (``given~fam``: both Soundex codes, no date or place) held by more
records than this pairs only records of which one has no date of birth, the records it
is there for (see ``_blocking``). Two records that both have a birthday and share no
other key differ in year and in day and month and live apart; in a common name's block
they are almost never one child, yet that block's pairs grow with the square of the
region. Measured (ADR 0051): at 100,000 children this keeps 1.8 of 6.7 million candidate
pairs and 175,250 of the 175,272 true ones; FEBRL3 and FEBRL4 have no such block."""

Progress = Callable[[str], None]

_COUNT_SKIPPED_KEYS = """
    SELECT count(*) FROM (SELECT key FROM record_keys GROUP BY key HAVING count(*) > $most)
"""
_PAIRS_SHARING_A_KEY = """
    WITH usable AS (
        SELECT r.id, r.key, starts_with(r.key, 'given~fam:') AND k.n > $names_only
            AS common_names
        FROM record_keys r JOIN (
            SELECT key, count(*) AS n FROM record_keys GROUP BY key
            HAVING count(*) BETWEEN 2 AND $most
        ) k ON k.key = r.key
    ),
    undated AS (
        SELECT u.id, u.key FROM usable u JOIN records_dated d ON d.id = u.id
        WHERE u.common_names AND NOT d.dated
    )
    SELECT DISTINCT "left", "right" FROM (
        SELECT a.id AS "left", b.id AS "right"
        FROM usable a JOIN usable b ON a.key = b.key AND a.id < b.id
        WHERE NOT a.common_names
        UNION ALL
        SELECT least(u.id, b.id), greatest(u.id, b.id)
        FROM undated u JOIN usable b ON u.key = b.key AND u.id <> b.id
    )
"""


@dataclass(frozen=True)
class LinkResult:
    """Each input record's person, in input order, and figures about the run."""

    keys: list[tuple[str, str]]
    person_ids: list[str]
    stats: dict[str, float | int] = field(default_factory=dict)

    def person_of(self) -> dict[tuple[str, str], str]:
        return dict(zip(self.keys, self.person_ids, strict=True))


def candidate_pairs(records: Sequence[LinkageRecord]) -> tuple[pa.Table, int]:
    """Pairs (``left`` < ``right``, indexes into records) sharing a key; and keys skipped."""
    ids: list[int] = []
    keys: list[str] = []
    for index, record in enumerate(records):
        for key in blocking_keys(record):
            ids.append(index)
            keys.append(key)
    table = pa.table({"id": pa.array(ids, pa.int64()), "key": pa.array(keys, pa.string())})
    dated = pa.table(
        {
            "id": pa.array(range(len(records)), pa.int64()),
            "dated": pa.array([r.date_of_birth is not None for r in records], pa.bool_()),
        }
    )
    connection = duckdb.connect()
    connection.register("record_keys", table)
    connection.register("records_dated", dated)
    ((skipped,),) = connection.sql(_COUNT_SKIPPED_KEYS, params={"most": MAX_KEY_RECORDS}).fetchall()
    limits = {"most": MAX_KEY_RECORDS, "names_only": NAMES_ONLY_MAX_RECORDS}
    pairs = connection.sql(_PAIRS_SHARING_A_KEY, params=limits).to_arrow_table()
    connection.close()
    return pairs, int(skipped)


def _person_id(key: tuple[str, str]) -> str:
    digest = hashlib.blake2b("\x1f".join(key).encode(), digest_size=8).hexdigest()
    return f"p{digest}"


def scored_edges(
    linkage_records: list[LinkageRecord], pairs: Any, model: LinkageModel, *, threshold: float
) -> list[tuple[int, int, float]]:
    """Splink's match weight for each candidate pair at or above ``threshold``, as
    (left index, right index, weight)."""
    linker, db_api = new_linker(records_table(linkage_records), model.splink_settings)
    register_term_frequencies(linker, db_api, model.term_frequencies)
    with quiet_splink():
        scored = predict_pairs(linker, db_api, pairs, threshold_match_weight=threshold)
        table = scored.as_pyarrow_table()
    return list(
        zip(
            table.column("unique_id_l").to_pylist(),
            table.column("unique_id_r").to_pylist(),
            table.column("match_weight").to_pylist(),
            strict=True,
        )
    )


def _named_by_others(
    records: Sequence[LinkageRecord], edges: Sequence[tuple[int, int, float]], different: int
) -> set[int]:
    """Records joined by an edge to another record whose given name agrees with theirs (any
    given-name level but 'different'): a name that more than one record bears out.

    The twins guard keeps two such records apart when their given names differ; a lone
    record under another name (a child recorded once as 'Stevie', a given name replaced)
    is left to the weights, so one odd record does not split a person in two.
    """
    named: set[int] = set()
    for left, right, _ in edges:
        if left in named and right in named:
            continue
        if GIVEN_NAME.level_of(records[left], records[right]) != different:
            named.update((left, right))
    return named


def link_records(
    records: Sequence[AgencyRecord | LinkageRecord],
    model: LinkageModel,
    *,
    threshold: float | None = None,
    progress: Progress | None = None,
) -> LinkResult:
    """Link ``records`` (all agencies together) into persons with ``model``.

    ``threshold`` is the match weight an edge needs to join two records (default:
    the model's upper threshold). A record key given twice is one record.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    edge_weight = model.upper_match_weight if threshold is None else threshold
    unique: dict[tuple[str, str], LinkageRecord] = {}
    for record in records:
        linkage = (
            record
            if isinstance(record, LinkageRecord)
            else LinkageRecord.from_agency_record(record)
        )
        unique.setdefault(linkage.key, linkage)
    linkage_records = list(unique.values())
    say(f"Finding candidate pairs among {len(linkage_records):,} records")
    pairs, skipped_keys = candidate_pairs(linkage_records)
    say(f"Scoring {pairs.num_rows:,} candidate pairs with Splink")
    edges: list[tuple[int, int, float]] = []
    if pairs.num_rows:
        edges = scored_edges(linkage_records, pairs, model, threshold=edge_weight)
    say(f"Clustering {len(edges):,} pairs at or above weight {edge_weight:g}")
    different_given = GIVEN_NAMES_DIFFER

    def groups_of(index: int) -> list[str]:
        born = linkage_records[index].date_of_birth
        return [born.isoformat()] if born is not None else []

    named = _named_by_others(linkage_records, edges, different_given)

    def conflict(left: int, right: int) -> bool:
        """Same birthday, given names that disagree outright, and each name borne out by
        another record joined to it: twins, each with records of their own."""
        if not (left in named and right in named):
            return False
        a, b = linkage_records[left], linkage_records[right]
        return GIVEN_NAME.level_of(a, b) == different_given

    clusters = cluster(len(linkage_records), edges, groups_of=groups_of, conflict=conflict)
    first_key: dict[int, tuple[str, str]] = {}
    for record, label in zip(linkage_records, clusters.labels, strict=True):
        first_key.setdefault(label, record.key)
    person_of_key = {
        record.key: _person_id(first_key[label])
        for record, label in zip(linkage_records, clusters.labels, strict=True)
    }
    keys = [
        record.key if isinstance(record, LinkageRecord) else (record.agency_id, record.local_id)
        for record in records
    ]
    return LinkResult(
        keys=keys,
        person_ids=[person_of_key[key] for key in keys],
        stats={
            "records": len(linkage_records),
            "candidate_pairs": pairs.num_rows,
            "keys_skipped_as_too_common": skipped_keys,
            "edges": len(edges),
            "persons": clusters.count,
            "components_guarded": clusters.guarded_components,
            "components_split": clusters.components_split,
            "threshold": edge_weight,
            "seconds": round(time.perf_counter() - started, 2),
        },
    )


def write_links(result: LinkResult, path: str | PathLike[str]) -> Path:
    """Write ``agency_id,local_id,person_id`` for every record, one row each."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("agency_id", "local_id", "person_id"))
        seen: set[tuple[str, str]] = set()
        for key, person in zip(result.keys, result.person_ids, strict=True):
            if key not in seen:
                seen.add(key)
                writer.writerow((*key, person))
    return target
