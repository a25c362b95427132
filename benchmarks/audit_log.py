"""Audit log cost, the sequencer (ADR 0041) against the design before it, in one run.

    python benchmarks/audit_log.py [--events 1000000] [--old-events 100000]
        [--samples 20000] [--database-url postgres://...]

Prints JSON. Into a fresh database (SQLite in var/bench/audit-log, or the empty
PostgreSQL database named by --database-url), migrated as FAME is, it measures:

- **append in the request path**: ``record_event`` (one event row and one queue row,
  no lock, no signature; on PostgreSQL one statement) against ``two_inserts`` below,
  a copy of it as it was before that (two INSERTs in a transaction on every database,
  same tables), and ``OldDesign.record_event``, a copy of the append before the
  sequencer (the log's one row locked, the event, the frontier and a signed tree head
  per event), on its own copy of the old tables. Each call is its own transaction,
  committed, as an audited request's event is; they take turns in blocks of 500 so
  that all meet the same load. p50/p95/p99 in milliseconds.
- **sequencing**: the time ``integrate`` takes per event, in batches of ``--batch``.
- **verify**: ``verify_audit_log`` over ``--events`` events (stored with
  ``record_event`` a thousand to a transaction, integrated ``--batch`` to a tree
  head: at 500 events a second, a head a second) against ``old_verify`` below, a
  copy of the check before the sequencer, over ``--old-events`` events of the old
  design (one head per event). The new check runs as ``fame audit verify`` does
  (``workers``: leaves recomputed in that many processes, the cores this process may
  use) and in this process alone (``one_process``). ``seconds`` is elapsed time,
  ``cpu_seconds`` the CPU time of this process and of the processes it started (the
  database's work, in this process for SQLite, is included; PostgreSQL's is not).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import _machine

ROOT = Path(__file__).resolve().parent.parent
BLOCK = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000, help="events verified (new)")
    parser.add_argument("--old-events", type=int, default=100_000, help="events verified (old)")
    parser.add_argument("--samples", type=int, default=20_000, help="appends timed, each design")
    parser.add_argument("--batch", type=int, default=500, help="events per tree head (new)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    machine = _machine.start()
    data = ROOT / "var" / "bench" / "audit-log"
    shutil.rmtree(data, ignore_errors=True)
    os.environ.update(FAME_ENV="development", FAME_DATA_DIR=str(data))
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "fame.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    old = OldDesign()
    old.create_tables()
    result: dict[str, Any] = {"database": connection.vendor}
    result["append"] = measure_appends(old, args.samples)
    result["sequence"] = fill_new(args.events, args.batch)
    old.fill(args.old_events)
    result["verify"] = measure_verify(old)
    result["machine"] = _machine.finish(machine)
    print(json.dumps(result))


def measure_appends(old: OldDesign, samples: int) -> dict[str, Any]:
    """Each design's append timed alone, its own transaction committed (``commit``
    included); then ``record_event`` and ``two_inserts`` inside a transaction already
    open, as a request that writes calls it (the commit, after, not timed); and on
    PostgreSQL ``record_event`` in a transaction that does not wait for the disk."""
    from django.db import connection

    from fame.audit import record_event
    from fame.audit.sequencer import integrate

    designs = {
        "old": alone(old.record_event),
        "two_inserts": alone(two_inserts),
        "new": alone(record_event),
        "two_inserts_in_transaction": in_transaction(two_inserts),
        "new_in_transaction": in_transaction(record_event),
    }
    if connection.vendor == "postgresql":
        designs["new_not_waiting_for_disk"] = not_waiting_for_disk(record_event)
    timings: dict[str, list[float]] = {name: [] for name in designs}
    done = 0
    while done < samples:
        for name, timed in designs.items():
            spent = timings[name]
            for i in range(done, done + BLOCK):
                spent.append(timed(i))
        integrate()  # the sequencer's round, outside the request path
        done += BLOCK
    return {name: _percentiles(spent) for name, spent in timings.items()}


Append = Callable[..., Any]


def alone(append: Append) -> Callable[[int], float]:
    """Seconds one append takes as its own transaction, committed."""

    def timed(i: int) -> float:
        started = time.perf_counter()
        append("index.search", target=f"search:{i}", details={"query": i})
        return time.perf_counter() - started

    return timed


def in_transaction(append: Append) -> Callable[[int], float]:
    """Seconds one append takes inside a transaction already begun (committed after)."""
    from django.db import connection, transaction

    def timed(i: int) -> float:
        with transaction.atomic():
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")  # the transaction has begun, as a request's has
            started = time.perf_counter()
            append("index.search", target=f"search:{i}", details={"query": i})
            return time.perf_counter() - started

    return timed


def not_waiting_for_disk(append: Append) -> Callable[[int], float]:
    """Seconds one append takes as its own transaction with ``synchronous_commit`` off
    (PostgreSQL: committed and seen at once, written to disk within about 0.6 s)."""
    from django.db import connection, transaction

    def timed(i: int) -> float:
        started = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            append("index.search", target=f"search:{i}", details={"query": i})
        return time.perf_counter() - started

    return timed


def _percentiles(seconds: list[float]) -> dict[str, Any]:
    cuts = statistics.quantiles(seconds, n=100)
    return {
        "calls": len(seconds),
        "p50_ms": round(cuts[49] * 1000, 4),
        "p95_ms": round(cuts[94] * 1000, 4),
        "p99_ms": round(cuts[98] * 1000, 4),
        "mean_ms": round(statistics.fmean(seconds) * 1000, 4),
    }


def fill_new(events: int, batch: int) -> dict[str, Any]:
    """Store events until the log holds ``events``, integrating ``batch`` to a head."""
    from django.db import transaction

    from fame.audit import record_event
    from fame.audit.models import AuditEvent
    from fame.audit.sequencer import integrate

    have = AuditEvent.objects.count()
    sequencing = 0.0
    for start in range(have, events, 1000):
        with transaction.atomic():
            for i in range(start, min(events, start + 1000)):
                record_event("index.search", target=f"search:{i}", details={"query": i})
        started = time.perf_counter()
        integrate(batch=batch)
        sequencing += time.perf_counter() - started
    added = max(0, events - have)
    return {
        "events": added,
        "batch": batch,
        "integrate_ms_per_event": round(sequencing * 1000 / max(1, added), 4),
    }


def two_inserts(action: str, *, target: str = "", details: dict[str, Any] | None = None) -> None:
    """``record_event`` before it stored and queued in one statement on PostgreSQL and took
    no savepoint on SQLite: the event's INSERT, then the queue's, in a transaction or
    savepoint of its own (for the same arguments as above)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from fame.audit._canonical import normalise_details

    fields, insert_event, insert_queue = _two_inserts_statements()
    values = (timezone.now(), None, "", "", action, str(target), "success")
    values += (normalise_details(details),)
    prepared = [
        f.get_db_prep_save(value, connection) for f, value in zip(fields, values, strict=True)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert_event, prepared)
        seq = cursor.fetchone()[0]
        cursor.execute(insert_queue, [seq])


@functools.cache
def _two_inserts_statements() -> tuple[list[Any], str, str]:
    from fame.audit.models import AuditEvent, PendingEvent

    names = ("time", "actor_id", "actor_username", "organisation", "action", "target")
    names += ("outcome", "details")
    by_name = {f.name: f for f in AuditEvent._meta.concrete_fields}
    fields = [by_name[name] for name in names]
    insert_event = (
        f"INSERT INTO {AuditEvent._meta.db_table} ({', '.join(names)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(names))}) RETURNING seq"
    )
    insert_queue = f"INSERT INTO {PendingEvent._meta.db_table} (seq) VALUES (%s)"  # noqa: S608
    return fields, insert_event, insert_queue


def measure_verify(old: OldDesign) -> dict[str, Any]:
    from fame.audit import verify_audit_log
    from fame.web.server import default_processes

    workers = default_processes()
    result: dict[str, Any] = {}
    for name, processes in (("new", workers), ("new_one_process", 1)):
        started, cpu = time.perf_counter(), _cpu()
        new = verify_audit_log(integrate=False, workers=processes)
        result[name] = {
            "events": new.events,
            "tree_heads": new.tree_heads,
            "workers": processes,
            "seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(_cpu() - cpu, 2),
            "intact": new.intact,
        }
    started, cpu = time.perf_counter(), _cpu()
    old_result = old.verify()
    old_s, old_cpu = time.perf_counter() - started, _cpu() - cpu
    result["old"] = {**old_result, "seconds": round(old_s, 2), "cpu_seconds": round(old_cpu, 2)}
    return result


def _cpu() -> float:
    """CPU seconds of this process and of the processes it started that have ended."""
    used = os.times()
    return used.user + used.system + used.children_user + used.children_system


class OldDesign:
    """The log before the sequencer, on its own tables: an event row carrying its leaf hash
    and numbered under the log's one locked row, and a signed tree head per event."""

    def __init__(self) -> None:
        from django.db import models

        class OldAuditEvent(models.Model):
            seq = models.PositiveBigIntegerField(primary_key=True)
            time = models.DateTimeField()
            actor_id = models.BigIntegerField(null=True, blank=True)
            actor_username = models.CharField(max_length=150, blank=True)
            organisation = models.CharField(max_length=40, blank=True)
            action = models.CharField(max_length=100)
            target = models.TextField(blank=True)
            outcome = models.CharField(max_length=10)
            details = models.JSONField(default=dict, blank=True)
            leaf_hash = models.CharField(max_length=64)

            class Meta:
                app_label = "audit"
                db_table = "bench_old_auditevent"
                indexes = [  # the old table's indexes, so that an insert costs the same
                    models.Index(fields=["action", "seq"], name="bench_old_action"),
                    models.Index(fields=["actor_id", "seq"], name="bench_old_actor"),
                    models.Index(fields=["organisation", "seq"], name="bench_old_organisation"),
                    models.Index(fields=["target"], name="bench_old_target"),
                    models.Index(fields=["time"], name="bench_old_time"),
                    models.Index(
                        fields=["action", "outcome", "time", "organisation"],
                        name="bench_old_action_time",
                    ),
                ]

        class OldTreeHead(models.Model):
            tree_size = models.PositiveBigIntegerField(unique=True)
            root_hash = models.CharField(max_length=64)
            timestamp = models.DateTimeField()
            signature = models.CharField(max_length=128)
            key_id = models.CharField(max_length=16)

            class Meta:
                app_label = "audit"
                db_table = "bench_old_treehead"

        class OldLogState(models.Model):
            id = models.PositiveSmallIntegerField(primary_key=True, default=1)
            tree_size = models.PositiveBigIntegerField(default=0)
            frontier = models.JSONField(default=list)
            root_hash = models.CharField(max_length=64, blank=True)

            class Meta:
                app_label = "audit"
                db_table = "bench_old_logstate"

        self.Event, self.Head, self.State = OldAuditEvent, OldTreeHead, OldLogState

    def create_tables(self) -> None:
        from django.db import connection

        with connection.schema_editor() as editor:
            for model in (self.Event, self.Head, self.State):
                editor.create_model(model)

    def record_event(
        self, action: str, *, target: str = "", details: dict[str, Any] | None = None
    ) -> Any:
        """``record_event`` before the sequencer (what the request path paid then)."""
        from django.db import transaction
        from django.utils import timezone

        from fame.audit._canonical import event_bytes, normalise_details, tree_head_message
        from fame.audit._merkle import CompactTree, leaf_hash
        from fame.audit.signing import signing_key

        recorded_details = normalise_details(details)
        key = signing_key()
        with transaction.atomic():
            state, _ = self.State.objects.select_for_update().get_or_create(pk=1)
            tree = CompactTree.from_hex(state.tree_size, state.frontier)
            now = timezone.now()
            fields: dict[str, Any] = {
                "seq": tree.size + 1,
                "time": now,
                "actor_id": None,
                "actor_username": "",
                "organisation": "",
                "action": action,
                "target": str(target),
                "outcome": "success",
                "details": recorded_details,
            }
            leaf = leaf_hash(event_bytes(**fields))
            event = self.Event(**fields, leaf_hash=leaf.hex())
            event.save(force_insert=True)
            tree.append(leaf)
            root = tree.root().hex()
            state.tree_size, state.frontier, state.root_hash = tree.size, tree.frontier_hex(), root
            state.save()
            message = tree_head_message(tree_size=tree.size, timestamp=now, root_hash=root)
            self.Head(
                tree_size=tree.size,
                root_hash=root,
                timestamp=now,
                signature=key.sign(message).hex(),
                key_id=key.key_id,
            ).save(force_insert=True)
        return event

    def fill(self, events: int) -> None:
        from django.db import transaction

        have = self.Event.objects.count()
        for start in range(have, events, 1000):
            with transaction.atomic():
                for i in range(start, min(events, start + 1000)):
                    self.record_event("index.search", target=f"search:{i}", details={"query": i})

    def verify(self) -> dict[str, Any]:
        """The check before the sequencer: stream events and heads through the ORM, recompute
        each leaf, check each head's signature and root."""
        from django.db.models import Max

        from fame.audit._canonical import EVENT_FIELDS, event_bytes, tree_head_message
        from fame.audit._merkle import CompactTree, leaf_hash
        from fame.audit.signing import existing_public_key, key_id_for, verify_signature

        size = self.Event.objects.aggregate(n=Max("seq"))["n"] or 0
        public = existing_public_key("audit")
        keys = {key_id_for(public): public}
        events: Iterator[Mapping[str, Any]] = (
            self.Event.objects.filter(seq__lte=size)
            .order_by("seq")
            .values(*EVENT_FIELDS, "leaf_hash")
            .iterator(chunk_size=5000)
        )
        heads = (
            self.Head.objects.filter(tree_size__lte=size)
            .order_by("tree_size")
            .values("tree_size", "root_hash", "timestamp", "signature", "key_id")
            .iterator(chunk_size=5000)
        )
        tree = CompactTree()
        head = next(heads, None)
        problems = 0
        for row in events:
            if row["seq"] != tree.size + 1:
                problems += 1
            recomputed = leaf_hash(event_bytes(**{f: row[f] for f in EVENT_FIELDS}))
            if recomputed.hex() != row["leaf_hash"]:
                problems += 1
            tree.append(recomputed)
            while head is not None and head["tree_size"] <= tree.size:
                message = tree_head_message(
                    tree_size=head["tree_size"],
                    timestamp=head["timestamp"],
                    root_hash=head["root_hash"],
                )
                key = keys[head["key_id"]]
                if not verify_signature(key, bytes.fromhex(head["signature"]), message):
                    problems += 1
                if head["root_hash"] != tree.root().hex():
                    problems += 1
                head = next(heads, None)
        return {"events": tree.size, "intact": problems == 0}


if __name__ == "__main__":
    main()
