"""Storing a linked index, records a second, against the code before, in one run.

    python benchmarks/index_store.py --people 50000 [--postgres postgres://postgres@HOST:5432/NAME]

Prints JSON. A synthetic region of N children is split and linked once, as the
search benchmark builds its index (``fame.index.benchmark``: one agency type
held out, the rest linked by the model); then the same persons, records and
blocking keys are stored into a fresh database twice, each in its own process,
in the builder's batches: by ``store_persons`` (the rows a batch ingest writes,
with its plain inserts) and ``store_keys`` (every batch's blocking keys at the
end, in key order), and by ``old_insert`` below, a copy of the builder's
storing before it (``bulk_create`` of model objects, keys with each batch).
SQLite in var/bench/index-store, or, with ``--postgres``, a database of that
name dropped and made again for each (its name must start with ``fame_``).
``seconds`` is the storing alone; ``tenths`` the seconds of each tenth of the
records (with their keys for the old code), to show how storing slows as the
tables grow; ``keys_at_the_end_seconds`` the new code's keys.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import _machine

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "var" / "bench" / "index-store"
METHODS = ("old", "new")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=50_000, help="children in the region")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database is made for each")
    parser.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(store(args.child)))
        return
    if args.postgres and not urlsplit(args.postgres).path.lstrip("/").startswith("fame_"):
        parser.error("--postgres must name a database whose name starts with fame_")
    machine = _machine.start()
    shutil.rmtree(HERE, ignore_errors=True)
    linked = link(args.people, args.seed)
    result: dict[str, Any] = {"people": args.people, "seed": args.seed, **linked}
    for method in METHODS:
        env = dict(os.environ, FAME_ENV="development", FAME_DATA_DIR=str(HERE / method))
        env.pop("DATABASE_URL", None)
        if args.postgres:
            fresh_database(args.postgres)
            env["DATABASE_URL"] = args.postgres
        done = subprocess.run(
            [sys.executable, __file__, "--child", method],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        result[method] = json.loads(done.stdout)
        if args.postgres:
            fresh_database(args.postgres, make=False)
    result["database"] = result["new"]["database"]
    result["speedup"] = round(result["old"]["seconds"] / result["new"]["seconds"], 1)
    result["machine"] = _machine.finish(machine)
    shutil.rmtree(HERE, ignore_errors=True)
    print(json.dumps(result))


def _django(data: Path) -> None:
    os.environ.update(FAME_ENV="development", FAME_DATA_DIR=str(data))
    os.environ["DJANGO_SETTINGS_MODULE"] = "fame.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def link(people: int, seed: int) -> dict[str, Any]:
    """Split and link the region (in this process, on its own SQLite) and keep the persons."""
    os.environ.pop("DATABASE_URL", None)
    _django(HERE / "link")
    from fame.accounts.models import Organisation
    from fame.index.benchmark import HOLD_OUT, split_region
    from fame.linkage import link_records, load_model

    split = split_region(people, seed=seed, hold_out=HOLD_OUT)
    started = time.perf_counter()
    linked = link_records(split.indexed, load_model())
    seconds = time.perf_counter() - started
    members: dict[str, list[int]] = {}
    for index, person in enumerate(linked.person_ids):
        members.setdefault(person, []).append(index)
    persons = [[split.indexed[i] for i in group] for group in members.values()]
    organisations = list(Organisation.objects.values())
    with (HERE / "linked.pickle").open("wb") as out:
        pickle.dump((organisations, persons), out)
    return {
        "records": len(split.indexed),
        "persons": len(persons),
        "link_seconds": round(seconds, 1),
    }


def fresh_database(url: str, *, make: bool = True) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if make:
            db.execute(f'CREATE DATABASE "{name}"')


def store(method: str) -> dict[str, Any]:
    """Store the linked persons with ``method`` into this process's fresh database."""
    _django(Path(os.environ["FAME_DATA_DIR"]))
    from django.db import connection

    from fame.accounts.models import Organisation
    from fame.index.benchmark import _batches, store_keys, store_persons
    from fame.index.models import BlockingKey, Person, SourceRecord

    with (HERE / "linked.pickle").open("rb") as source:
        organisations, persons = pickle.load(source)  # noqa: S301 (written by this script above)
    Organisation.objects.bulk_create(Organisation(**row) for row in organisations)
    write = store_persons if method == "new" else old_insert
    keys = []
    total = sum(len(person) for person in persons)
    tenths: list[float] = []
    done, mark, started = 0, time.perf_counter(), time.perf_counter()
    for group in _batches(persons):
        keys.append(write(group))
        done += sum(len(person) for person in group)
        while done >= total * (len(tenths) + 1) / 10 and len(tenths) < 10:
            now = time.perf_counter()
            tenths.append(round(now - mark, 2))
            mark = now
    keys_seconds = None
    if method == "new":
        store_keys(keys)
        keys_seconds = round(time.perf_counter() - mark, 2)
    seconds = time.perf_counter() - started
    assert Person.objects.count() == len(persons) and SourceRecord.objects.count() == total
    return {
        "database": connection.vendor,
        "seconds": round(seconds, 2),
        "records_per_second": round(total / seconds),
        "blocking_keys": BlockingKey.objects.count(),
        "tenths": tenths,
        "keys_at_the_end_seconds": keys_seconds,
    }


def old_insert(people: list[list[Any]]) -> None:
    """The builder's storing before ``store_persons``, as it was (model objects, bulk_create)."""
    from django.db import transaction

    from fame.accounts.models import Organisation
    from fame.index import matching
    from fame.index.models import BlockingKey, LinkMethod, Person, SourceRecord
    from fame.index.source import as_row, content_hash
    from fame.linkage import blocking_keys

    organisations = {o.agency_id: o.pk for o in Organisation.objects.all()}
    with transaction.atomic():
        persons = Person.objects.bulk_create([Person() for _ in people])
        sources, records = [], []
        for person, linked in zip(persons, people, strict=True):
            for place, record in enumerate(linked):
                row = as_row(record)
                records.append(record)
                sources.append(
                    SourceRecord(
                        organisation_id=organisations[record.agency_id],
                        local_id=record.local_id,
                        data=row,
                        content_hash=content_hash(row),
                        **matching.search_columns(record),
                        person=person,
                        link_method=LinkMethod.AUTOMATIC if place else LinkMethod.NEW,
                    )
                )
        SourceRecord.objects.bulk_create(sources)
        if sources[0].pk is None:  # backends that do not return keys from bulk inserts
            by_id = {
                (organisation, local_id): pk
                for organisation, local_id, pk in SourceRecord.objects.filter(
                    local_id__in=[s.local_id for s in sources]
                ).values_list("organisation_id", "local_id", "pk")
            }
            for source in sources:
                source.pk = by_id[(source.organisation_id, source.local_id)]
        BlockingKey.objects.bulk_create(
            BlockingKey(key=key, record_id=source.pk)
            for source, record in zip(sources, records, strict=True)
            for key in matching.stored_keys(blocking_keys(record))
        )


if __name__ == "__main__":
    main()
