"""Federation benchmarks: `python benchmarks/federation.py [--children N] [--latency-nodes 20]`.

1. Index-update throughput: the hub (2 worker processes unless ``--hub-processes``,
   as in the demo on 2 cores; ``--hub-threads`` threads each, 8 unless said, 1
   for gunicorn's sync worker) and 5 node processes on loopback, each node's outbox filled by
   `fame node import` from a synthetic region;
   all 5 `fame worker`s start together and the clock runs until the hub has
   applied every update (counted from the hub's receipts).
2. Detail-request latency: 20 node processes, one of them stopped; this
   process acts as the hub (same data folder and key) and times
   ``ask_for_detail`` (record, gather the facts from the registers, sign, assert,
   send over HTTP, the node checks the facts and decides with the sharing policy
   decision point and keeps its disclosure record, the answer and the hub's own
   disclosure record kept and audited) for random children and involved agencies.
3. ``--in-process``: the throughput part's updates applied by ``apply_batch`` in
   this one process (the hub's database, no HTTP, no node processes), the
   nodes' batches of 1,000 taken in turn: the hub's own cost per update, less
   sensitive to a shared machine's load. ``--profile FILE`` writes its cProfile.

Prints one JSON object, with the machine's reference figure (``_machine``).
`benchmarks/compare_servers.sh` runs it alternately in two or more checkouts.
Everything lives under var/bench/federation/ and is
started afresh each run (the region is reused). Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import _machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fame.web.management.commands import _processes as processes  # noqa: E402

BENCH = ROOT / "var" / "bench" / "federation"
FAME = [sys.executable, "-m", "fame.cli"]


def fame(spec: processes.ProcessSpec, hub_url: str, *args: str) -> None:
    env = processes.environment(spec, hub_url=hub_url)
    subprocess.run([*FAME, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def receipts(hub: processes.ProcessSpec) -> int:
    with sqlite3.connect(hub.data_dir / "fame.sqlite3", timeout=30) as db:
        return int(db.execute("select count(*) from federation_hubreceipt").fetchone()[0])


def split(agencies: list[str], parts: int) -> list[tuple[str, ...]]:
    return [tuple(agencies[i::parts]) for i in range(parts)]


def make_region(children: int) -> tuple[Path, list[str]]:
    region = BENCH / f"region-{children}"
    if not (region / "region.json").exists():
        env = dict(os.environ, FAME_DATA_DIR=str(BENCH / "synth"))
        subprocess.run(
            [*FAME, "synth", "--children", str(children), "--seed", "11", "--out", str(region)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    data = json.loads((region / "region.json").read_text())
    return region, [o["agency_id"] for o in data["organisations"]]


def prepare(hub: processes.ProcessSpec, nodes: list[processes.ProcessSpec], region: Path) -> Path:
    """Fresh data folders: keys, plan, the hub seeded and each node's records imported."""
    for spec in [hub, *nodes]:
        shutil.rmtree(spec.data_dir, ignore_errors=True)
    processes.make_keys([hub, *nodes], hub_url=hub.url)
    plan = BENCH / "plan.json"
    processes.write_plan(plan, hub, nodes)
    preparing = [
        subprocess.Popen(
            [*FAME, "serve", "--role", spec.role, "--name", spec.name, "--port", str(spec.port)]
            + ["--plan", str(plan), "--region", str(region), "--prepare-only"]
            + (["--agencies", ",".join(spec.agencies)] if spec.agencies else []),
            env=processes.environment(spec, hub_url=hub.url),
            stdout=subprocess.DEVNULL,
        )
        for spec in [hub, *nodes]
    ]
    for process in preparing:
        if process.wait() != 0:
            raise SystemExit("preparing a process failed")
    return plan


def throughput(
    region: Path,
    agencies: list[str],
    base_port: int,
    outbox_batch: int | None = None,
    hub_processes: int = 1,
    hub_threads: int | None = None,
) -> dict[str, float]:
    hub = processes.ProcessSpec(
        "hub", "hub", base_port, BENCH / "hub", processes=hub_processes, threads=hub_threads
    )
    nodes = [
        processes.ProcessSpec(f"node-{i}", "node", base_port + 1 + i, BENCH / f"node-{i}", part)
        for i, part in enumerate(split(agencies, 5))
    ]
    plan = prepare(hub, nodes, region)
    total = 0
    for node in nodes:
        with sqlite3.connect(node.data_dir / "fame.sqlite3") as db:
            total += int(db.execute("select count(*) from node_outbox").fetchone()[0])
    server = processes.start(hub, hub_url=hub.url, plan=plan, region=None)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        processes.wait_healthy([hub], {"hub": server}, timeout=120)
        started = time.perf_counter()
        hub_cpu = cpu_seconds(server.pid)
        batch = {"FAME_OUTBOX_BATCH": str(outbox_batch)} if outbox_batch else {}
        workers = [
            subprocess.Popen(
                [*FAME, "worker"],
                env={**processes.environment(node, hub_url=hub.url), **batch},
                stdout=subprocess.DEVNULL,
            )
            for node in nodes
        ]
        # Meanwhile, how long the hub takes to answer a page (its /healthz, a light one):
        # what a practitioner's request waits behind the updates being applied.
        answers = []
        while receipts(hub) < total:
            asked = time.perf_counter()
            processes.health(hub.url, timeout=10)
            answers.append((time.perf_counter() - asked) * 1000)
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        hub_cpu = cpu_seconds(server.pid) - hub_cpu
        workers_cpu = sum(cpu_seconds(worker.pid) for worker in workers)
        processes.stop(workers)
        # The same updates again: the hub answers "duplicate" to each, so this is the
        # protocol's own rate (signatures, receipts, transport) without the matching.
        for node in nodes:
            with sqlite3.connect(node.data_dir / "fame.sqlite3") as db:
                db.execute("update node_outbox set delivered_at = null")
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [*FAME, "worker"],
                env=processes.environment(node, hub_url=hub.url),
                stdout=subprocess.DEVNULL,
            )
            for node in nodes
        ]
        while sum(undelivered(node) for node in nodes):
            time.sleep(0.1)
        redelivery = time.perf_counter() - started
    finally:
        processes.stop([*workers, server])
    return {
        "updates": total,
        "index_updates_per_s": round(total / elapsed, 1),
        # CPU time used while the updates went in: the hub's, and the 5 workers' together
        # (theirs includes their start-up). The machine has 2 cores.
        "hub_cpu_s": round(hub_cpu, 1),
        "workers_cpu_s": round(workers_cpu, 1),
        "elapsed_s": round(elapsed, 1),
        "redelivered_updates_per_s": round(total / redelivery, 1),
        "page_while_applying_p50_ms": round(statistics.median(answers), 1),
        "page_while_applying_p95_ms": round(statistics.quantiles(answers, n=20)[18], 1),
        "page_while_applying_max_ms": round(max(answers), 1),
    }


def in_process(
    region: Path,
    agencies: list[str],
    base_port: int,
    profile: str | None,
    reuse: bool,
    batch: int = 1000,
) -> dict[str, float]:
    """Apply the nodes' outboxes with ``apply_batch`` in this process, ``batch`` at a time.

    With ``reuse``, the hub and nodes prepared by the last run are used again
    (the hub's database put back as it was before that run applied anything).
    """
    hub = processes.ProcessSpec("hub", "hub", base_port, BENCH / "hub")
    nodes = [
        processes.ProcessSpec(f"node-{i}", "node", base_port + 1 + i, BENCH / f"node-{i}", part)
        for i, part in enumerate(split(agencies, 5))
    ]
    database = hub.data_dir / "fame.sqlite3"
    fresh = BENCH / f"hub-prepared-{region.name}.sqlite3"
    if reuse and fresh.exists():
        for leftover in ("-wal", "-shm"):  # a last run's WAL must not replay onto the copy
            database.with_name(database.name + leftover).unlink(missing_ok=True)
        shutil.copyfile(fresh, database)
    else:
        prepare(hub, nodes, region)
        shutil.copyfile(database, fresh)
    bodies: list[tuple[str, bytes]] = []  # (node, request body) in the order they would come
    queues = []
    for node in nodes:
        with sqlite3.connect(node.data_dir / "fame.sqlite3") as db:
            rows = db.execute(
                "select idempotency_key, kind, agency_id, payload from node_outbox order by id"
            ).fetchall()
        updates = [
            {"idempotency_key": k, "kind": kind, "agency_id": a, "payload": json.loads(p)}
            for k, kind, a, p in rows
        ]
        queues.append(
            [
                (node.name, json.dumps({"updates": updates[i : i + batch]}).encode())
                for i in range(0, len(updates), batch)
            ]
        )
    while any(queues):
        for queue in queues:
            if queue:
                bodies.append(queue.pop(0))
    os.environ.update(processes.environment(hub, hub_url=hub.url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "fame.settings"
    import django

    django.setup()
    from fame.federation.ingest import apply_batch, parse_batch, prepare_updates
    from fame.federation.models import FederationNode

    registered = {n.name: n for n in FederationNode.objects.all()}
    total = 0
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    cpu = time.process_time()
    applying = 0.0
    for name, body in bodies:
        node = registered[name]
        updates = parse_batch(json.loads(body), node=node)
        prepared = prepare_updates(updates)  # (over HTTP, while another delivery applies)
        turn = time.perf_counter()
        results = apply_batch(updates, node=node, backlog=None, budget=3600.0, prepared=prepared)
        applying += time.perf_counter() - turn
        total += sum(r["status"] == "applied" for r in results)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    return {
        "updates": total,
        "in_process_updates_per_s": round(total / elapsed, 1),
        "in_process_updates_per_cpu_s": round(total / cpu, 1),
        # Applying alone (the part one delivery at a time does, in the hub's writing turn).
        "applied_per_s": round(total / applying, 1),
    }


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process and its children have used so far (Linux /proc):
    a hub of several processes is one parent and its forked children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return own + sum(cpu_seconds(child) for child in children)


def undelivered(node: processes.ProcessSpec) -> int:
    with sqlite3.connect(node.data_dir / "fame.sqlite3", timeout=30) as db:
        query = "select count(*) from node_outbox where delivered_at is null"
        return int(db.execute(query).fetchone()[0])


def index_filled(hub: processes.ProcessSpec) -> bool:
    """Whether every node has been heard from and has nothing left to deliver."""
    answer = processes.health(hub.url)
    nodes = answer.get("nodes") if answer else None
    if not isinstance(nodes, list) or not nodes:
        return False
    return all(n.get("last_contact") and not n.get("outbox_backlog") for n in nodes)


def latency(
    region: Path, agencies: list[str], base_port: int, nodes_count: int, requests: int
) -> dict[str, float]:
    hub = processes.ProcessSpec("hub", "hub", base_port, BENCH / "hub")
    nodes = [
        processes.ProcessSpec(f"node-{i}", "node", base_port + 1 + i, BENCH / f"node-{i}", part)
        for i, part in enumerate(split(agencies, nodes_count))
    ]
    plan = prepare(hub, nodes, region)
    running = {n.name: processes.start(n, hub_url=hub.url, plan=plan, region=None) for n in nodes}
    try:
        processes.wait_healthy(nodes, running, timeout=300)
        # Fill the hub's index from the nodes (the hub is this process from here on).
        server = processes.start(hub, hub_url=hub.url, plan=plan, region=None)
        running["hub"] = server
        processes.wait_healthy([hub], running, timeout=120)
        while not index_filled(hub):
            time.sleep(1)
        processes.stop([running.pop("hub")])
        down = nodes[-1]
        processes.stop([running.pop(down.name)])
        return measure_in_process(hub, requests)
    finally:
        processes.stop(list(running.values()))


def measure_in_process(hub: processes.ProcessSpec, requests: int) -> dict[str, float]:
    os.environ.update(processes.environment(hub, hub_url=hub.url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "fame.settings"
    import django

    django.setup()
    from fame.accounts.models import User
    from fame.federation.detail import ask_for_detail
    from fame.index.models import Involvement

    rng = random.Random(5)
    asker = User.objects.filter(organisation__isnull=False).order_by("pk").first()
    assert asker is not None, "the hub has no practitioners"
    involvements = list(Involvement.objects.select_related("person", "organisation")[:5000])
    timings = []
    for _ in range(requests):
        involvement = rng.choice(involvements)
        started = time.perf_counter()
        ask_for_detail(
            person=involvement.person,
            agency=involvement.organisation,
            by=asker,
            mfa=True,
            purpose="early_help",
            categories=["case"],
            family_told=True,
        )
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100)
    return {
        "detail_request_p50_ms": round(cuts[49], 1),
        "detail_request_p95_ms": round(cuts[94], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--latency-nodes", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument(
        "--throughput-only", action="store_true", help="skip the detail-request latency part"
    )
    parser.add_argument(
        "--outbox-batch",
        type=int,
        help="updates per delivery (FAME_OUTBOX_BATCH; 1,000 unless set)",
    )
    parser.add_argument(
        "--hub-processes",
        type=int,
        default=2,
        help="worker processes serving the hub (fame serve --processes; 2)",
    )
    parser.add_argument(
        "--hub-threads",
        type=int,
        help="threads per hub worker (fame serve --threads; 8 unless set; 1: sync worker)",
    )
    parser.add_argument(
        "--in-process", action="store_true", help="apply_batch in this process only (no HTTP)"
    )
    parser.add_argument("--profile", help="with --in-process: write a cProfile to this file")
    parser.add_argument(
        "--batch", type=int, default=1000, help="with --in-process: updates per delivery (<= 2000)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --in-process: reuse the last run's processes"
    )
    args = parser.parse_args()
    machine = _machine.start()
    BENCH.mkdir(parents=True, exist_ok=True)
    region, agencies = make_region(args.children)
    result: dict[str, object] = {"nodes": 5, "children": args.children}
    if args.in_process:
        result.update(in_process(region, agencies, args.port, args.profile, args.reuse, args.batch))
        result["batch"] = args.batch
        result["machine"] = _machine.finish(machine)
        sys.stdout.write(json.dumps(result) + "\n")
        return
    result.update(
        throughput(
            region, agencies, args.port, args.outbox_batch, args.hub_processes, args.hub_threads
        )
    )
    result["hub_processes"] = args.hub_processes
    if args.hub_threads:
        result["hub_threads"] = args.hub_threads
    if args.outbox_batch:
        result["outbox_batch"] = args.outbox_batch
    sys.stderr.write(f"throughput: {json.dumps(result)}\n")
    if args.throughput_only:
        result["machine"] = _machine.finish(machine)
        sys.stdout.write(json.dumps(result) + "\n")
        return
    result.update(latency(region, agencies, args.port, args.latency_nodes, args.requests))
    result.update({"nodes_for_latency": args.latency_nodes, "down_nodes": 1})
    result["machine"] = _machine.finish(machine)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
