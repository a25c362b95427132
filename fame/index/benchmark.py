"""The search benchmark: build (or reuse) an index of N people, then time searches.

The index is built in bulk from a synthetic region of N children: one person
per child known to any agency (a few children are known to none), with that
child's first agency record. This measures search speed, not linkage
accuracy (the linkage benchmarks measure that).
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min

from fame.accounts.models import Organisation
from fame.linkage import blocking_keys
from fame.records import AgencyRecord
from fame.synth import generate_region

from . import matching
from .models import BlockingKey, LinkMethod, Person, SourceRecord
from .queries import SearchQuery, search
from .source import as_row, content_hash

BATCH = 5000


@dataclass(frozen=True)
class SearchBenchmark:
    people: int
    queries: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    qps: float
    found: float
    database: str

    def as_dict(self) -> dict[str, object]:
        return {
            "people": self.people,
            "queries": self.queries,
            "p50_ms": round(self.p50_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "qps": round(self.qps, 1),
            "found": round(self.found, 4),
            "database": self.database,
        }


def build_index(people: int, *, seed: int, progress: Callable[[str], None]) -> int:
    """Fill the index with ``people`` people (reused when it already holds that many)."""
    marker = settings.DATA_DIR / "bench-search-index.json"
    existing = Person.objects.count()
    if existing and marker.exists() and json.loads(marker.read_text()).get("children") == people:
        progress(f"Reusing the index of {existing:,} people.")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return existing
    if existing:
        raise ValueError(
            f"This database already holds {existing:,} people, not {people:,}: "
            "use an empty one (set FAME_DATA_DIR or DATABASE_URL)."
        )
    progress(f"Generating {people:,} synthetic children…")
    region = generate_region(people, seed)
    for org in region.organisations:
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
    organisations = {o.agency_id: o for o in Organisation.objects.all()}
    first_record: dict[str, AgencyRecord] = {}
    for row, record in zip(region.truth, region.records, strict=True):
        first_record.setdefault(row.child_key, record)
    records = list(first_record.values())
    progress(f"Indexing {len(records):,} people in batches of {BATCH:,}…")
    for start in range(0, len(records), BATCH):
        _insert(records[start : start + BATCH], organisations)
        progress(f"  {min(start + BATCH, len(records)):,} / {len(records):,}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics for the freshly loaded tables
    marker.write_text(json.dumps({"children": people, "people": len(records)}))
    return len(records)


def _insert(records: list[AgencyRecord], organisations: dict[str, Organisation]) -> None:
    with transaction.atomic():
        persons = Person.objects.bulk_create([Person() for _ in records])
        sources = []
        for person, record in zip(persons, records, strict=True):
            row = as_row(record)
            sources.append(
                SourceRecord(
                    organisation=organisations[record.agency_id],
                    local_id=record.local_id,
                    data=row,
                    content_hash=content_hash(row),
                    **matching.search_columns(record),
                    person=person,
                    link_method=LinkMethod.NEW,
                )
            )
        SourceRecord.objects.bulk_create(sources)
        if sources[0].pk is None:  # backends that do not return keys from bulk inserts
            by_id = dict(
                SourceRecord.objects.filter(local_id__in=[s.local_id for s in sources]).values_list(
                    "local_id", "pk"
                )
            )
            for source in sources:
                source.pk = by_id[source.local_id]
        BlockingKey.objects.bulk_create(
            BlockingKey(key=key, record_id=source.pk)
            for source, record in zip(sources, records, strict=True)
            for key in matching.stored_keys(blocking_keys(record))
        )


def run_searches(queries: int, *, seed: int) -> SearchBenchmark:
    """Time ``queries`` searches built from indexed records, half of them with a typo.

    ``found`` is the share of searches whose intended child is among the results.
    """
    rng = random.Random(seed)
    bounds = SourceRecord.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    span = range(bounds["lo"], bounds["hi"] + 1)
    ids = rng.sample(span, min(queries, len(span)))
    picked = list(SourceRecord.objects.filter(pk__in=ids).values_list("data", "person_id"))
    timings = []
    found = 0
    started = time.perf_counter()
    for i, (row, person_id) in enumerate(picked):
        family = row["family_name"]
        if i % 2 and len(family) > 4:  # a keying slip in the family name
            j = rng.randrange(1, len(family) - 1)
            family = family[:j] + family[j + 1] + family[j] + family[j + 2 :]
        if i % 3 == 2 and row["postcode"]:
            query = SearchQuery(family, given_name=row["given_name"], postcode=row["postcode"])
        elif row["date_of_birth"]:
            query = SearchQuery(family, date_of_birth=_date(row["date_of_birth"]))
        else:
            continue
        t0 = time.perf_counter()
        results = search(query)
        timings.append((time.perf_counter() - t0) * 1000)
        found += any(result.person_id == person_id for result in results)
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(timings, n=100)
    return SearchBenchmark(
        people=Person.objects.count(),
        queries=len(timings),
        p50_ms=statistics.median(timings),
        p95_ms=cuts[94],
        p99_ms=cuts[98],
        qps=len(timings) / elapsed,
        found=found / len(timings),
        database=connection.vendor,
    )


def _date(text: str) -> date:
    return date.fromisoformat(text)
