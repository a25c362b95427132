"""Served search throughput: signed-in clients searching the hub's real search page.

    python benchmarks/served_search.py [--people 100000] [--clients 6,12,24] [--seconds 20]
        [--processes 2] [--threads 8] [--peer OLD_CHECKOUT] [--database-url URL]
    python benchmarks/served_search.py --profile [--searches 200] [--peer OLD_CHECKOUT]

The hub is served as `fame serve --role hub` serves it (gunicorn, ``--processes`` worker
processes of ``--threads`` threads, ADR 0022) on an index of ``--people`` people built by
`fame bench search` (built once, in var/bench/served/, and copied for each side). Each
side gets ``max(--clients)`` practitioner accounts (an accredited organisation, vetting,
the required training, a confirmed authenticator); each client signs in through the real
pages (password, then the security code from its authenticator) with its own keep-alive
connection, then posts the search form (``/children``, as the page's form submits it)
with a family name and date of birth, or given name, family name and postcode, of a
person in the index, as fast as the hub answers, for ``--seconds`` after a short warm-up.

For each number of clients: searches a second, p50/p95/p99 in ms, errors (any answer
but 200 with results), the audit events ``index.search`` written during the run (counted
by the side's own code before and after: one a search is expected), and the CPU seconds
the hub's processes and this load generator used (both run on the same cores).
``--peer`` (repeatable) runs another checkout (e.g. main before a change) the same way in the same
run, before this one. ``--profile`` instead runs ``--searches`` searches in one process
through Django's test client (each ``--peer`` in a process of its own, then this
checkout), timed with their database queries counted, then again under cProfile: the
JSON says the time a search spends in each part, and the profile goes to stderr.

Prints one JSON object with the machine reference (``_machine``). Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import _machine
import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench" / "served"
PASSWORD = "served-search-benchmark-1"  # noqa: S105 - benchmark accounts on loopback only

# Run by each side's own code (``python -c``) in its data folder: make the practitioners
# and pick the queries. Prints JSON: {"clients": [[username, hex key]], "queries": [...]}.
SETUP = r"""
import json, random, sys
from datetime import date, timedelta
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice
from fame.accounts.models import Organisation, TrainingCourse, TrainingRecord, User
from fame.index.models import SourceRecord
wanted, seed = int(sys.argv[1]), int(sys.argv[2])
organisations = [o for o in Organisation.objects.order_by("agency_id") if o.is_accredited]
courses = list(TrainingCourse.objects.filter(required=True))
password = make_password(sys.argv[3])
today = date.today()
clients = []
for i in range(wanted):
    user, _ = User.objects.update_or_create(
        username=f"served-{i}",
        defaults={
            "first_name": "Served", "last_name": f"Searcher {i}",
            "organisation": organisations[i % len(organisations)],
            "job_title": "Practitioner", "roles": ["practitioner"],
            "vetting_checked_on": today - timedelta(days=30), "password": password,
        },
    )
    for course in courses:
        TrainingRecord.objects.update_or_create(
            user=user, course=course, defaults={"completed_on": today - timedelta(days=30)}
        )
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    clients.append([user.username, device.key])
rng = random.Random(seed)
top = SourceRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
queries = []
while len(queries) < 2000:
    at = rng.randint(1, top)
    row = SourceRecord.objects.filter(pk__gte=at).values_list("data", flat=True).first()
    if not row or not row.get("family_name") or not row.get("date_of_birth"):
        continue
    if len(queries) % 4 == 3 and row.get("given_name") and row.get("postcode"):
        queries.append({"family_name": row["family_name"], "given_name": row["given_name"],
                        "postcode": row["postcode"]})
    else:
        year, month, day = row["date_of_birth"].split("-")
        queries.append({"family_name": row["family_name"], "date_of_birth-day": day,
                        "date_of_birth-month": month, "date_of_birth-year": year})
print(json.dumps({"clients": clients, "queries": queries}))
"""

COUNT = r"""
import json
import django
django.setup()
from fame.audit.models import AuditEvent
print(json.dumps(AuditEvent.objects.filter(action="index.search").count()))
"""


def side_env(folder: Path, data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "FAME_ENV"}}
    env.update(
        PYTHONPATH=str(folder),
        FAME_DATA_DIR=str(data_dir),
        FAME_ENV="development",
        FAME_ROLE="hub",
        DJANGO_SETTINGS_MODULE="fame.settings",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_python(folder: Path, env: dict[str, str], code: str, *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=folder,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"preparing the side in {folder} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_base(people: int) -> Path:
    """The index of a region of ``people`` children, built once by `fame bench search`
    (this checkout): every agency's records linked by the model, one agency type held out."""
    base = BENCH / f"index-{people}"
    if not (base / "bench-search-index.json").exists():
        shutil.rmtree(base, ignore_errors=True)
        env = side_env(ROOT, base, None)
        subprocess.run(
            [
                *(sys.executable, "-m", "fame.cli", "bench", "search"),
                *("--people", str(people), "--queries", "1", "--no-peer", "--json"),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return base


def prepare_side(name: str, folder: Path, base: Path, args: argparse.Namespace) -> Any:
    data_dir = BENCH / f"side-{name}"
    shutil.rmtree(data_dir, ignore_errors=True)
    if args.database_url:
        data_dir.mkdir(parents=True)
    else:
        shutil.copytree(base, data_dir)
    env = side_env(folder, data_dir, args.database_url)
    setup = run_python(folder, env, SETUP, str(max(args.clients)), str(args.seed), PASSWORD)
    return data_dir, env, setup


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def server_pids(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    try:
        kids = [int(pid) for pid in children.read_text().split()]
    except OSError:
        kids = []
    found = [parent]
    for kid in kids:
        found += server_pids(kid)
    return found


def totp(key_hex: str) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


class Client:
    """One signed-in practitioner with a keep-alive connection."""

    def __init__(self, url: str, username: str, key: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=60, trust_env=False)
        self.http.get("/sign-in")
        step = self.post("/sign-in", {"username": username, "password": PASSWORD})
        if step.status_code != 302:
            raise SystemExit(f"{username} could not sign in (HTTP {step.status_code})")
        done = self.post("/sign-in/security-code", {"code": totp(key)})
        if done.status_code != 302:
            raise SystemExit(f"{username}'s security code was refused (HTTP {done.status_code})")

    def post(self, path: str, data: dict[str, str]) -> httpx.Response:
        token = self.http.cookies.get("csrftoken") or ""
        return self.http.post(path, data={"csrfmiddlewaretoken": token, **data})


def drive(
    clients: list[Client], queries: list[dict[str, str]], seconds: float, warm_up: float
) -> dict[str, Any]:
    """Every client searches in its own thread, back to back; latencies after the warm-up."""
    started = time.perf_counter()
    counting_from = started + warm_up
    until = counting_from + seconds
    latencies: list[list[float]] = [[] for _ in clients]
    errors = [0] * len(clients)
    counted = [0] * len(clients)

    def work(i: int) -> None:
        rng = random.Random(i)
        while True:
            asked = time.perf_counter()
            if asked >= until:
                return
            answer = clients[i].post("/children", rng.choice(queries))
            done = time.perf_counter()
            counted[i] += 1  # every search, the warm-up's too: each writes its audit event
            if asked >= counting_from:
                latencies[i].append((done - asked) * 1000)
            if answer.status_code != 200 or "/children/results/" not in answer.text:
                errors[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = sorted(x for part in latencies for x in part)
    cuts = statistics.quantiles(every, n=100)
    return {
        "searches": len(every),
        "searches_per_s": round(len(every) / seconds, 1),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "all_searches": sum(counted),
        "errors": sum(errors),
    }


def measure_side(name: str, folder: Path, base: Path, args: argparse.Namespace) -> dict[str, Any]:
    data_dir, env, setup = prepare_side(name, folder, base, args)
    command = [sys.executable, "-m", "fame.cli", "serve", "--role", "hub"]
    command += ["--port", str(args.port), "--processes", str(args.processes)]
    command += ["--threads", str(args.threads)]
    with (data_dir / "serve.log").open("ab") as log:
        server = subprocess.Popen(
            command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{args.port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the hub stopped; see {data_dir / 'serve.log'}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the hub did not answer in 120 s")
            time.sleep(0.3)
        clients = [Client(url, username, key) for username, key in setup["clients"]]
        levels = []
        for count in args.clients:
            before = run_python(folder, env, COUNT)
            hub_cpu = cpu_seconds(server_pids(server.pid))
            own_cpu = time.process_time()
            result = drive(clients[:count], setup["queries"], args.seconds, args.warm_up)
            hub_cpu = cpu_seconds(server_pids(server.pid)) - hub_cpu
            own_cpu = time.process_time() - own_cpu
            time.sleep(args.settle)  # let anything the hub does after answering finish
            after = run_python(folder, env, COUNT)
            elapsed = args.seconds + args.warm_up
            result.update(
                clients=count,
                audit_events=after - before,
                audit_events_per_search=round((after - before) / max(1, result["all_searches"]), 3),
                hub_cpu_s=round(hub_cpu, 1),
                load_generator_cpu_s=round(own_cpu, 1),
                load_generator_cpu_share=round(own_cpu / max(0.001, own_cpu + hub_cpu), 3),
                cores_busy=round((own_cpu + hub_cpu) / elapsed, 2),
                # The hub's CPU a search, and the rate two cores given to the hub alone
                # would allow at that cost: what a busy shared machine hides.
                hub_cpu_ms_per_search=round(hub_cpu * 1000 / max(1, result["all_searches"]), 1),
                searches_per_s_two_free_cores=round(
                    2 * result["all_searches"] / max(0.001, hub_cpu), 1
                ),
            )
            levels.append(result)
            print(json.dumps({"side": name, **result}), file=sys.stderr)
        for client in clients:
            client.http.close()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    commit = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return {"side": name, "folder": str(folder), "commit": commit, "levels": levels}


def profile(args: argparse.Namespace) -> dict[str, Any]:
    """Searches through Django's test client in this process (the code of ``--profile-code``,
    this checkout unless said), on a copy of the index: first timed and their database
    queries counted, then the same searches again under cProfile."""
    import cProfile
    import io
    import pstats

    folder = Path(args.profile_code or ROOT).resolve()
    data_dir = BENCH / f"profile-{folder.name}"
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(build_base(args.people), data_dir)
    env = side_env(folder, data_dir, args.database_url)
    setup = run_python(folder, env, SETUP, "1", "1", PASSWORD)
    os.environ.update(env)
    sys.path.insert(0, str(folder))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(SERVER_NAME="127.0.0.1")
    username, key = setup["clients"][0]
    client.post("/sign-in", {"username": username, "password": PASSWORD})
    client.post("/sign-in/security-code", {"code": totp(key)})
    queries = setup["queries"][: args.searches]
    for query in setup["queries"][-20:]:  # warm
        client.post("/children", query)
    counts = []
    started = time.perf_counter()
    for query in queries:
        with CaptureQueriesContext(connection) as captured:
            answer = client.post("/children", query)
        if answer.status_code != 200:
            raise SystemExit(f"search answered {answer.status_code}")
        counts.append(len(captured.captured_queries))
    elapsed = time.perf_counter() - started
    profiler = cProfile.Profile()
    for query in queries:
        profiler.enable()
        client.post("/children", query)
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(args.lines)
    stats.sort_stats("tottime").print_stats(args.lines)
    print(text.getvalue(), file=sys.stderr)
    last = [f"{q['time']} {q['sql'][:150]}" for q in captured.captured_queries]
    print("\n".join(last), file=sys.stderr)
    parts = {  # cumulative time in each part, per search, under the profiler
        "request": ("django/core/handlers/base.py", "get_response"),
        "view": ("fame/index/views.py", "search"),
        "page_template": ("fame/web/pages.py", "render_page"),
        "search_query_and_scoring": ("fame/index/queries.py", "search"),
        "sharing_decisions": ("fame/index/sharing.py", "permitted_results"),
        "audit_event": ("fame/audit/actions.py", "record_event"),
    }
    spent = {}
    for label, (where, function) in parts.items():
        total = sum(
            row[3]
            for (path, _line, name), row in stats.stats.items()  # type: ignore[attr-defined]
            if path.endswith(where) and name == function
        )
        spent[label] = round(total * 1000 / len(counts), 2)
    return {
        "code": str(folder),
        "searches": len(counts),
        "ms_per_search": round(elapsed * 1000 / len(counts), 2),
        "profiled_ms_per_search": spent,
        "queries_per_search_mean": round(statistics.mean(counts), 1),
        "queries_per_search_max": max(counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--clients", default="6,12,24", help="client counts, in turn")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured, each count")
    parser.add_argument("--warm-up", type=float, default=3.0)
    parser.add_argument("--settle", type=float, default=2.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8870)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--peer",
        action="append",
        default=[],
        help="another checkout, measured before this one in the same run (repeatable)",
    )
    parser.add_argument("--database-url", help="PostgreSQL instead of SQLite (an empty database)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--searches", type=int, default=200, help="--profile: searches")
    parser.add_argument("--lines", type=int, default=45, help="--profile: lines of each list")
    parser.add_argument("--profile-code", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.clients = [int(x) for x in args.clients.split(",")]
    machine = _machine.start()
    if args.profile and args.profile_code:
        result: dict[str, Any] = profile(args)  # one side, for the run below
    elif args.profile:
        sides = []
        for peer in args.peer:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--profile",
                    "--profile-code",
                    peer,
                    "--searches",
                    str(args.searches),
                    "--lines",
                    str(args.lines),
                    "--people",
                    str(args.people),
                ],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
            sides.append(json.loads(done.stdout))
        sides.append(profile(args))
        result = {"people": args.people, "profiles": sides}
    else:
        base = build_base(args.people)
        sides = []
        for i, peer in enumerate(args.peer):
            sides.append(measure_side(f"peer-{i + 1}", Path(peer).resolve(), base, args))
        sides.append(measure_side("new", ROOT, base, args))
        result = {
            "people": args.people,
            "processes": args.processes,
            "threads": args.threads,
            "seconds": args.seconds,
            "database": "postgresql" if args.database_url else "sqlite",
            "sides": sides,
        }
    result["machine"] = _machine.finish(machine)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
