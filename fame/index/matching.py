"""Finding an incoming record's person: candidates by blocking key, scored by the model.

``best_match`` asks the database for one record's candidates; ``CandidatePool``
holds the candidates of a whole batch in memory, so that a batch is matched
with one read, and gives the same answer as ``best_match`` would record by
record: the same candidates (the first ``MAX_CANDIDATES`` by id), the same
scores, the same tie-break (the earliest record wins).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from hashlib import blake2b
from typing import Any

from django.db import connection, models

from fame.linkage import LinkageRecord, RuntimeScorer, Score, blocking_keys, load_model
from fame.records import AgencyRecord

from .models import BlockingKey, SourceRecord
from .source import from_row

MAX_CANDIDATES = 400
IN_CHUNK = 2000
"""Values in one ``IN (...)`` list, well under any database's limit on parameters."""
NORMAL_FORMS_KEPT = 50_000
"""Stored records' normal forms kept in memory, by content hash (a row's hash fixes its form)."""

_normal_forms: dict[str, LinkageRecord] = {}
_normal_forms_lock = threading.Lock()


def _known_normal_form(digest: str) -> LinkageRecord | None:
    return _normal_forms.get(digest)


def _keep_normal_form(digest: str, normal: LinkageRecord) -> None:
    with _normal_forms_lock:
        if len(_normal_forms) >= NORMAL_FORMS_KEPT:
            del _normal_forms[next(iter(_normal_forms))]  # the oldest
        _normal_forms[digest] = normal


@cache
def scorer() -> RuntimeScorer:
    """The runtime scorer for the model in use (DATA_DIR's, else the shipped default)."""
    return RuntimeScorer(load_model())


def search_columns(record: AgencyRecord) -> dict[str, object]:
    """The columns a source record is searched by besides its blocking keys."""
    return {"date_of_birth": record.date_of_birth, "postcode": record.postcode}


def key_hash(key: str) -> int:
    """A blocking key as stored: the first 8 bytes of its BLAKE2b digest, a signed 64-bit
    integer. An index of integers is about a third the size of one of the keys' text, so
    a batch's inserts touch fewer pages. Two keys sharing a hash (for the 14 million
    keys of a million records, about one chance in 190,000 that any two do) would only
    make one more candidate, which is then scored (ADR 0014)."""
    return int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def stored_keys(keys: Iterable[str]) -> list[int]:
    """The blocking keys as stored for a record (``key_hash``): each once, sorted."""
    return sorted({key_hash(key) for key in keys})


def rows_where_in(
    model: type[models.Model],
    columns: Sequence[str],
    column: str,
    values: Sequence[str] | Sequence[int],
    *,
    among: tuple[str, Collection[int]] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """``columns`` of ``model``'s rows whose ``column`` is one of ``values`` (and, with
    ``among`` (column, values), whose other column is one of those), ``IN_CHUNK``
    values a statement; values are plain (text, numbers).

    In SQL because the ORM spent longer preparing thousands of values, in Python,
    than the database took to answer.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    wanted = ", ".join(quote(name) for name in columns)
    also, extra = "", list[str | int]()
    if among is not None:
        extra = list(among[1])
        also = f" AND {quote(among[0])} IN ({', '.join(['%s'] * len(extra))})"
    with connection.cursor() as cursor:
        for start in range(0, len(values), IN_CHUNK):
            chunk: list[str | int] = list(values[start : start + IN_CHUNK])
            places = ", ".join(["%s"] * len(chunk))
            # Names from the model, quoted; the values are parameters.
            sql = f"SELECT {wanted} FROM {table} WHERE {quote(column)} IN ({places}){also}"  # noqa: S608
            cursor.execute(sql, chunk + extra)
            yield from cursor.fetchall()


@dataclass(frozen=True)
class Match:
    candidate: SourceRecord | None
    score: Score | None
    decision: str  # "link", "review" or "new person"


def candidates(record: AgencyRecord, *, exclude: int | None = None) -> list[SourceRecord]:
    """The records sharing a blocking key with ``record``: the first ``MAX_CANDIDATES`` by id."""
    keys = stored_keys(blocking_keys(record))
    found = SourceRecord.objects.filter(keys__key__in=keys)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    found = found.select_related("person").distinct().order_by("pk")
    return list(found[:MAX_CANDIDATES])


def best_match(record: AgencyRecord, *, exclude: int | None = None) -> Match:
    """The best-scoring existing record for ``record`` and what the thresholds say to do."""
    model_scorer = scorer()
    incoming = LinkageRecord.from_agency_record(record)
    best: tuple[float, SourceRecord, Score] | None = None
    for candidate in candidates(record, exclude=exclude):
        score = model_scorer.score(incoming, from_row(candidate.data))
        if best is None or score.match_weight > best[0]:
            best = (score.match_weight, candidate, score)
    if best is None:
        return Match(None, None, "new person")
    return Match(best[1], best[2], model_scorer.decision(best[2]))


@dataclass(frozen=True)
class PoolMatch:
    candidate: int | None
    """The candidate's reference in the pool (a record id, or a negative new record's)."""
    weight: float | None
    """The candidate's match weight (``CandidatePool.explain`` gives the whole score)."""
    decision: str


def _order(ref: int) -> tuple[bool, int]:
    """Records already stored by id, then the batch's new ones in the order they came."""
    return (ref < 0, abs(ref))


class CandidatePool:
    """Every stored record under a batch's blocking keys, and the batch's records as placed.

    Records are referred to by id; a record of the batch not stored yet by a
    negative number the caller gives it. ``put`` files a record (again) under
    its keys, so it is a candidate for every record matched after it.
    """

    def __init__(self, keys: Collection[int]) -> None:
        self.person_of: dict[int, int] = {}
        self._by_key: defaultdict[int, set[int]] = defaultdict(set)
        self._keys_of: defaultdict[int, set[int]] = defaultdict(set)
        self._digest: dict[int, str] = {}
        self._normal: dict[int, LinkageRecord] = {}
        wanted = sorted(keys)
        for key, ref in rows_where_in(BlockingKey, ("key", "record_id"), "key", wanted):
            self._by_key[key].add(ref)
            self._keys_of[ref].add(key)
        refs = sorted(self._keys_of)
        unknown = []
        columns = ("id", "person_id", "content_hash")
        for ref, person_id, digest in rows_where_in(SourceRecord, columns, "id", refs):
            self.person_of[ref] = person_id
            normal = _known_normal_form(digest)
            if normal is None:
                unknown.append(ref)
                self._digest[ref] = digest
            else:
                self._normal[ref] = normal
        for start in range(0, len(unknown), IN_CHUNK):
            rows = SourceRecord.objects.filter(pk__in=unknown[start : start + IN_CHUNK])
            for ref, data in rows.values_list("pk", "data"):
                normal = LinkageRecord.from_agency_record(from_row(data))
                self._normal[ref] = normal
                _keep_normal_form(self._digest[ref], normal)

    def put(
        self, ref: int, *, keys: Iterable[int], person: int, normal: LinkageRecord, digest: str
    ) -> None:
        """File record ``ref`` (row hash ``digest``) under ``keys`` (as stored), with ``person``."""
        for key in self._keys_of.pop(ref, ()):
            self._by_key[key].discard(ref)
        for key in keys:
            self._by_key[key].add(ref)
            self._keys_of[ref].add(key)
        self.person_of[ref] = person
        self._normal[ref] = normal
        _keep_normal_form(digest, normal)

    def best_match(
        self, incoming: LinkageRecord, keys: Iterable[int], *, exclude: int | None
    ) -> PoolMatch:
        """What ``best_match`` would answer for a record with these blocking keys (as stored)."""
        found: set[int] = set()
        for key in keys:
            found.update(self._by_key.get(key, ()))
        if exclude is not None:
            found.discard(exclude)
        model_scorer = scorer()
        best: tuple[float, int] | None = None
        for ref in sorted(found, key=_order)[:MAX_CANDIDATES]:
            above = None if best is None else best[0]
            weight = model_scorer.match_weight(incoming, self._normal[ref], above=above)
            if weight is not None and (best is None or weight > best[0]):
                best = (weight, ref)
        if best is None:
            return PoolMatch(None, None, "new person")
        return PoolMatch(best[1], best[0], model_scorer.decision(best[0]))

    def explain(self, incoming: LinkageRecord, ref: int) -> Score:
        """The score of ``incoming`` against record ``ref``, comparison by comparison."""
        return scorer().score(incoming, self._normal[ref])
