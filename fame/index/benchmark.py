"""The search benchmark: an index built as a hub's is, searched with records it does not hold.

The index is built from a synthetic region of N children the way a real hub
is loaded in bulk: every agency's records except those of one agency type held
out (``health_trust`` unless said), linked into persons by the model in use
(``fame link bulk``'s ``link_records``), each person with its records and their
blocking keys as the hub stores them. The held-out records, with their own
errors, are the searches, each made three ways: with everything a search form
takes from the record (family name, given name, date of birth, postcode), with
the family name and date of birth only, and with the given name, family name
and postcode only (what a practitioner types).

A search's right answer is any person holding an indexed record of the same
child (the truth file says which); a held-out child with no indexed record
should not be found, and any result on top for them is a wrong child.

In the same run and for the same searches, one by one in turn, the peer:
Splink's real-time matching of a new record against the same linked records
(``linker.inference.predict_between`` in Splink 5, the successor of
``find_matches_to_new_records``) on DuckDB, with the same model, its own
blocking rules and its tf tables; its pairs ranked by person as the search
ranks them (best weight per person, at or above the same floor).
"""

from __future__ import annotations

import json
import random
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from hashlib import blake2b
from typing import Any, TypeVar

import duckdb
import numpy as np
import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from splink import DuckDBAPI, Linker

from fame.accounts.models import Organisation
from fame.linkage import (
    LinkageModel,
    LinkageRecord,
    blocking_keys,
    link_records,
    load_model,
    quiet_splink,
    records_table,
    register_term_frequencies,
)
from fame.records import AgencyRecord
from fame.synth import generate_region

from . import matching
from ._batch import insert_rows
from .actions import larger_page_cache
from .models import BlockingKey, LinkMethod, Person, SourceRecord
from .queries import MAX_RESULTS, SEARCH_FLOOR, SearchQuery, SearchRefused, search
from .source import as_row, hash_of, stored_text

BATCH = 5000
BUILD = 2
"""The way the index is built; a marker of another build is not reused."""
HOLD_OUT = "health_trust"
KINDS = ("whole record", "family name + date of birth", "given + family name + postcode")
TOP = 5

Progress = Callable[[str], None]
_Person = TypeVar("_Person", bound=Sized)


@dataclass(frozen=True)
class Split:
    """A region's records: those indexed and those held out as searches, with their child."""

    indexed: list[AgencyRecord]
    indexed_children: list[str]
    held_out: list[AgencyRecord]
    held_out_children: list[str]
    children: int

    def fingerprint(self) -> str:
        digest = blake2b(digest_size=8)
        for record in self.indexed:
            digest.update(
                f"{record.agency_id}\x1f{record.local_id}\x1f{record.family_name}\n".encode()
            )
        return digest.hexdigest()


def split_region(people: int, *, seed: int, hold_out: str) -> Split:
    """The synthetic region of ``people`` children, its ``hold_out`` agency type's records apart."""
    region = generate_region(people, seed)
    kind = {org.agency_id: org.type for org in region.organisations}
    split = Split([], [], [], [], len(region.children))
    for row, record in zip(region.truth, region.records, strict=True):
        if kind[record.agency_id] == hold_out:
            split.held_out.append(record)
            split.held_out_children.append(row.child_key)
        else:
            split.indexed.append(record)
            split.indexed_children.append(row.child_key)
    _organisations(region.organisations)
    return split


def _organisations(organisations: Sequence[Any]) -> None:
    for org in organisations:
        Organisation.objects.update_or_create(
            agency_id=org.agency_id,
            defaults={
                "name": org.name,
                "type": org.type,
                "local_authority": org.local_authority,
                "accreditation_status": org.accreditation_status,
                "accreditation_date": org.accreditation_date,
            },
        )


def build_index(
    people: int, *, seed: int, hold_out: str = HOLD_OUT, progress: Progress
) -> tuple[Split, dict[str, Any]]:
    """Fill the index from a region of ``people`` children (reused when it already holds it).

    Returns the region's split and figures about the build.
    """
    marker = settings.DATA_DIR / "bench-search-index.json"
    progress(f"Generating {people:,} synthetic children…")
    split = split_region(people, seed=seed, hold_out=hold_out)
    wanted = {"build": BUILD, "children": people, "seed": seed, "hold_out": hold_out}
    wanted["fingerprint"] = split.fingerprint()
    existing = Person.objects.count()
    if existing and marker.exists():
        built = json.loads(marker.read_text())
        if {key: built.get(key) for key in wanted} == wanted:
            progress(f"Reusing the index of {existing:,} people.")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            return split, built
    if existing:
        raise ValueError(
            f"This database already holds {existing:,} people, not the index of this region "
            f"({people:,} children, seed {seed}, {hold_out} held out): use an empty one "
            "(set FAME_DATA_DIR or DATABASE_URL)."
        )
    started = time.perf_counter()
    progress(f"Linking {len(split.indexed):,} records ({hold_out} held out) with the model…")
    linked = link_records(split.indexed, load_model(), progress=progress)
    members: defaultdict[str, list[int]] = defaultdict(list)
    for index, person in enumerate(linked.person_ids):
        members[person].append(index)
    persons = list(members.values())
    progress(f"Indexing {len(split.indexed):,} records of {len(persons):,} people…")
    done, keys = 0, []
    for group in _batches(persons):
        keys.append(store_persons([[split.indexed[i] for i in person] for person in group]))
        done += sum(len(person) for person in group)
        progress(f"  {done:,} / {len(split.indexed):,}")
    progress(f"Indexing their {sum(len(k) for k in keys):,} blocking keys…")
    store_keys(keys)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics for the freshly loaded tables
    built = {
        **wanted,
        "people": len(persons),
        "records": len(split.indexed),
        "held_out_records": len(split.held_out),
        "link_seconds": linked.stats["seconds"],
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    marker.write_text(json.dumps(built))
    return split, built


def _batches(persons: Iterable[_Person]) -> Iterator[list[_Person]]:
    """Persons in groups of about ``BATCH`` records."""
    group: list[_Person] = []
    size = 0
    for person in persons:
        group.append(person)
        size += len(person)
        if size >= BATCH:
            yield group
            group, size = [], 0
    if group:
        yield group


def store_persons(people: Sequence[Sequence[AgencyRecord]]) -> np.ndarray:
    """One person for each list of records, with the records, in one transaction: the rows
    a batch ingest (``_batch``) writes for a new record, with its plain inserts (no model
    objects). The first record of a person is its new person's, the others linked to it
    automatically. Returns the records' blocking keys, (key, record id) rows for
    ``store_keys``, which writes those of all batches at once."""
    organisations = dict(Organisation.objects.values_list("agency_id", "pk"))
    with transaction.atomic():
        larger_page_cache()
        made = insert_rows(Person, [{"uid": uuid.uuid4()} for _ in people], returning=("id",))
        # New persons differ only in their hidden uid: which id stands for which is free.
        rows, keys = [], []
        for (person,), linked in zip(made, people, strict=True):
            for place, record in enumerate(linked):
                text = stored_text(as_row(record))
                organisation = organisations[record.agency_id]
                rows.append(
                    {
                        "organisation_id": organisation,
                        "local_id": record.local_id,
                        "data": text,
                        "content_hash": hash_of(text),
                        **matching.search_columns(record),
                        "person_id": person,
                        "link_method": LinkMethod.AUTOMATIC if place else LinkMethod.NEW,
                    }
                )
                keys.append((organisation, record.local_id, blocking_keys(record)))
        stored = insert_rows(
            SourceRecord, rows, ready={"data"}, returning=("organisation_id", "local_id", "id")
        )
    ids = {(organisation, local_id): pk for organisation, local_id, pk in stored}
    pairs = [
        (key, ids[(organisation, local_id)])
        for organisation, local_id, record_keys in keys
        for key in matching.stored_keys(record_keys)
    ]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


KEYS_AT_ONCE = 100_000


def store_keys(batches: Sequence[np.ndarray]) -> int:
    """Write the (key, record id) rows of ``batches`` (``store_persons``) in one transaction,
    in the order of the (key, record) primary key, with the table's other indexes dropped
    first and made again after; returns how many.

    Written batch by batch, each batch's keys land all over the key index: once it
    outgrew the page cache, nearly every page of it was read and written again for
    each batch (about 10,000 records a minute at 1.9 million records). In key order,
    each page is written once, and an index made after the load is sorted once.
    """
    rows = np.concatenate(batches) if batches else np.empty((0, 2), np.int64)
    rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    table = BlockingKey._meta.db_table
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        larger_page_cache()
        made_again = _secondary_indexes(cursor, table)
        for name in made_again:
            cursor.execute(f"DROP INDEX {quote(name)}")
        columns = f"{quote('key')}, {quote('record_id')}"
        for start in range(0, len(rows), KEYS_AT_ONCE):
            part = rows[start : start + KEYS_AT_ONCE].tolist()
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
                    for row in part:
                        copy.write_row(row)
            else:
                # Names from the model, quoted; the values are parameters.
                insert = f"INSERT INTO {quote(table)} ({columns}) VALUES (%s, %s)"  # noqa: S608
                cursor.executemany(insert, part)
        if made_again and connection.vendor == "postgresql":
            # The new rows' deferred foreign key checks, now: PostgreSQL makes no index
            # on a table with checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for sql in made_again.values():
            cursor.execute(sql)
    return len(rows)


def _secondary_indexes(cursor: Any, table: str) -> dict[str, str]:
    """``table``'s indexes other than its primary key, each with the SQL that made it."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid"
            " WHERE i.tablename = %s AND i.schemaname = current_schema()"
            " AND NOT x.indisprimary AND NOT x.indisunique",
            [table],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
    return dict(cursor.fetchall())


def person_of_records() -> dict[tuple[str, str], int]:
    """Each indexed record's person, by (agency id, local id)."""
    agency = dict(Organisation.objects.values_list("pk", "agency_id"))
    return {
        (agency[organisation], local_id): person
        for organisation, local_id, person in SourceRecord.objects.values_list(
            "organisation_id", "local_id", "person_id"
        ).iterator(chunk_size=20_000)
    }


def queries_of(record: AgencyRecord) -> list[tuple[str, SearchQuery]]:
    """The three searches a held-out record gives; those below the search minimum are left out."""
    made = [
        SearchQuery(
            record.family_name,
            given_name=record.given_name,
            date_of_birth=record.date_of_birth,
            postcode=record.postcode,
        ),
        SearchQuery(record.family_name, date_of_birth=record.date_of_birth),
        SearchQuery(record.family_name, given_name=record.given_name, postcode=record.postcode),
    ]
    usable = []
    for kind, query in zip(KINDS, made, strict=True):
        try:
            query.check_minimum()
        except SearchRefused:
            continue
        usable.append((kind, query))
    return usable


class SplinkPeer:
    """Splink's real-time matching of one new record against the indexed records (DuckDB)."""

    def __init__(
        self, records: Sequence[AgencyRecord], persons: Sequence[int], model: LinkageModel
    ):
        self._persons = list(persons)
        self._connection = duckdb.connect()
        self._db_api = DuckDBAPI(self._connection)
        table = records_table([LinkageRecord.from_agency_record(r) for r in records])
        self._indexed = self._db_api.register(table, dataset_display_name="records")
        self._linker = Linker(self._indexed, model.splink_settings, log_level=None)
        register_term_frequencies(self._linker, self._db_api, model.term_frequencies)
        self.blocking_rules = list(model.splink_settings["blocking_rules_to_generate_predictions"])

    def search(self, query: SearchQuery) -> list[tuple[int, float]]:
        """(person, best weight) for ``query``, best first, as many as a search shows."""
        incoming = records_table([LinkageRecord.from_agency_record(query.as_record())])
        incoming = incoming.set_column(0, "unique_id", pa.array([-1], pa.int64()))
        frame = self._db_api.register(incoming)
        with quiet_splink():
            scored = self._linker.inference.predict_between(
                self._indexed, frame, threshold_match_weight=SEARCH_FLOOR, warning_mode="never"
            )
        table = scored.as_pyarrow_table()
        scored.drop_table_from_database_and_remove_from_cache()
        frame.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        best: dict[int, float] = {}
        for ref, weight in zip(
            table.column("unique_id_l").to_pylist(),
            table.column("match_weight").to_pylist(),
            strict=True,
        ):
            person = self._persons[ref]
            if weight >= SEARCH_FLOOR and weight > best.get(person, -1e9):
                best[person] = weight
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:MAX_RESULTS]

    def close(self) -> None:
        self._connection.close()


class _Tally:
    """What one engine did with the searches of one kind (or all of them)."""

    def __init__(self) -> None:
        self.timings: list[float] = []
        self.present = self.top1 = self.top5 = self.wrong_top = 0
        self.absent = self.wrong_top_absent = self.empty = 0

    def add(self, ms: float, ranked: list[int], expected: set[int]) -> None:
        self.timings.append(ms)
        if not ranked:
            self.empty += 1
        elif ranked[0] not in expected:
            self.wrong_top += 1
            self.wrong_top_absent += not expected
        if expected:
            self.present += 1
            self.top1 += bool(ranked) and ranked[0] in expected
            self.top5 += any(person in expected for person in ranked[:TOP])
        else:
            self.absent += 1

    def as_dict(self, seconds: float | None = None) -> dict[str, object]:
        searches = len(self.timings)
        cuts = statistics.quantiles(self.timings, n=100) if searches > 1 else self.timings * 99
        figures: dict[str, object] = {
            "searches": searches,
            "child_indexed": self.present,
            "found_top1": _share(self.top1, self.present),
            "found_top5": _share(self.top5, self.present),
            "wrong_child_on_top": _share(self.wrong_top, searches),
            "child_not_indexed": self.absent,
            "wrong_child_on_top_when_not_indexed": _share(self.wrong_top_absent, self.absent),
            "no_result": _share(self.empty, searches),
            "p50_ms": round(statistics.median(self.timings), 2) if searches else None,
            "p95_ms": round(cuts[94], 2) if searches else None,
            "p99_ms": round(cuts[98], 2) if searches else None,
        }
        if seconds:
            figures["searches_per_second"] = round(searches / seconds, 1)
        return figures


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def run_searches(
    split: Split,
    records: int,
    *,
    seed: int,
    peer: bool = True,
    peer_records: int | None = None,
    progress: Progress = lambda message: None,
) -> dict[str, object]:
    """Search with ``records`` held-out records (each three ways), the peer in turn.

    With ``peer_records``, the peer has the searches of only the first that many
    of those records (at a million records Splink takes seconds a search), and
    FAME's figures over the same searches are given beside its own
    (``fame_on_peer_searches``), for the comparison.
    Returns the figures of each engine, over all searches and by kind of search.
    """
    person_of = person_of_records()
    persons_of_child: defaultdict[str, set[int]] = defaultdict(set)
    for record, child in zip(split.indexed, split.indexed_children, strict=True):
        persons_of_child[child].add(person_of[(record.agency_id, record.local_id)])
    rng = random.Random(seed)
    picked = rng.sample(range(len(split.held_out)), min(records, len(split.held_out)))
    shared = picked if peer_records is None else picked[:peer_records]
    searches = [
        (kind, query, persons_of_child.get(split.held_out_children[i], set()), n < len(shared))
        for n, i in enumerate(picked)
        for kind, query in queries_of(split.held_out[i])
    ]
    engines = ["fame"]
    splink: SplinkPeer | None = None
    if peer:
        progress(f"Loading {len(split.indexed):,} records into Splink (DuckDB)…")
        owners = [person_of[(r.agency_id, r.local_id)] for r in split.indexed]
        splink = SplinkPeer(split.indexed, owners, load_model())
        engines.append("splink")
        if len(shared) < len(picked):
            engines.append("fame_on_peer_searches")
    tallies: dict[str, defaultdict[str, _Tally]] = {e: defaultdict(_Tally) for e in engines}
    spent = dict.fromkeys(engines, 0.0)
    progress(f"{len(searches):,} searches from {len(picked):,} held-out records…")
    for done, (kind, query, expected, to_peer) in enumerate(searches, 1):
        t0 = time.perf_counter()
        found = [result.person_id for result in search(query)]
        ms = (time.perf_counter() - t0) * 1000
        spent["fame"] += ms / 1000
        for key in (kind, "all"):
            tallies["fame"][key].add(ms, found, expected)
            if to_peer and "fame_on_peer_searches" in tallies:
                tallies["fame_on_peer_searches"][key].add(ms, found, expected)
        if splink is not None and to_peer:
            t0 = time.perf_counter()
            found = [person for person, _weight in splink.search(query)]
            ms = (time.perf_counter() - t0) * 1000
            spent["splink"] += ms / 1000
            for key in (kind, "all"):
                tallies["splink"][key].add(ms, found, expected)
        if done % 500 == 0:
            progress(f"  {done:,} / {len(searches):,}")
    if splink is not None:
        splink.close()
    result: dict[str, object] = {"held_out_records_searched": len(picked)}
    if splink is not None:
        result["held_out_records_searched_by_peer"] = len(shared)
    for engine in engines:
        figures = tallies[engine]["all"].as_dict(spent.get(engine))
        figures["by_kind"] = {kind: tallies[engine][kind].as_dict() for kind in KINDS}
        result[engine] = figures
    if splink is not None:
        result["splink"]["blocking_rules"] = splink.blocking_rules  # type: ignore[index]
    return result


def goals(result: dict[str, Any]) -> dict[str, object]:
    """The benchmark's goals against its peer, as measured (against the peer, over the
    searches it had)."""
    fame, splink = result["fame"], result.get("splink")
    met: dict[str, object] = {"p95_under_25ms": fame["p95_ms"] is not None and fame["p95_ms"] < 25}
    fame = result.get("fame_on_peer_searches", fame)
    if splink and fame["p95_ms"]:
        met["found_top5_at_least_splinks"] = (fame["found_top5"] or 0) >= (
            splink["found_top5"] or 0
        )
        met["p95_ratio_splink_to_fame"] = round(splink["p95_ms"] / fame["p95_ms"], 1)
        met["p95_at_least_10x_lower"] = splink["p95_ms"] >= 10 * fame["p95_ms"]
    return met
