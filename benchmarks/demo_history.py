"""How long the demo region's history takes to play: each node's share, the hub's, delivery.

    .venv/bin/python benchmarks/demo_history.py [--children 2000] [--seed 7]

Prints one JSON object. A demo region as `fame demo` makes it (``fame synth``,
its accounts, its agencies' records in the Child Index) is made in a fresh
SQLite database under var/bench/demo_history, with this process as hub and
node (as `fame run` is). The hub's training history is timed, then each of the
demo's five nodes' CAFs (``fame.caf.node.history.play_history`` for that
node's agencies, as each node process plays them at `fame demo`'s first
start), then delivering their facts to the hub through the federation's
in-process transport, then the families' consents at the hub (not part of
`fame demo`, whose hub cannot play them: ADR 0034). In `fame demo` the nodes
play at once, each in its own process, so what the history adds to `make run`
is about the slowest node's figure on a machine with a core per node; beside
it, the machine's reference loop (``_machine``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _machine

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    machine = _machine.start()
    data = ROOT / "var" / "bench" / "demo_history"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    os.environ.update(FAME_ENV="development", FAME_DATA_DIR=str(data))
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fame.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from fame.accounts.history import play_training_history
    from fame.federation import client as federation_client
    from fame.federation.actions import register_node
    from fame.federation.keys import public_pem
    from fame.federation.transports import DjangoClientTransport
    from fame.node.actions import host_agencies, trust_key
    from fame.node.outbox import backlog, deliver_once
    from fame.web.management.commands._region import seed_accounts
    from fame.web.management.commands.demo import plan_nodes

    settings.FAME_PUBLIC_URL = settings.FAME_HUB_URL = "http://testserver"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    federation_client.use_transport(DjangoClientTransport())
    call_command("migrate", verbosity=0)
    region_dir = data / "region"
    call_command(
        "synth", children=args.children, seed=args.seed, out=str(region_dir), stdout=StringIO()
    )
    region = seed_accounts(region_dir)
    agencies = {org["agency_id"]: org["name"] for org in region["organisations"]}
    register_node(
        name=settings.FAME_NODE_NAME,
        base_url=settings.FAME_PUBLIC_URL,
        agencies=list(agencies),
        public_key=public_pem(),
    )
    trust_key(name="hub", public_key=public_pem(), base_url=settings.FAME_PUBLIC_URL)
    host_agencies(agencies=agencies, by="bench")
    call_command("node", "import", str(region_dir), stdout=StringIO())
    while backlog():
        deliver_once(batch=500)

    from fame.caf.node.history import play_history

    began = time.perf_counter()
    sessions = play_training_history(seed=args.seed, today=timezone.localdate())
    hub_s = time.perf_counter() - began
    nodes = {}
    for spec in plan_nodes(region, root=data, first_port=1):
        report = play_history(region_dir=region_dir, seed=args.seed, agencies=set(spec.agencies))
        nodes[spec.name] = report.as_dict()
    began = time.perf_counter()
    updates = backlog()
    while backlog():
        deliver_once(batch=500)
    delivery_s = time.perf_counter() - began
    from fame.sharing.history import play_consent_history

    began = time.perf_counter()
    given, withdrawn = play_consent_history(seed=args.seed, today=timezone.localdate())
    consents_s = time.perf_counter() - began
    played = sum(n["seconds"] for n in nodes.values())
    result = {
        "benchmark": "demo_history",
        "children": args.children,
        "seed": args.seed,
        "hub_training_sessions": sessions,
        "hub_training_s": round(hub_s, 2),
        "nodes": nodes,
        "cafs": sum(n["cafs"] for n in nodes.values()),
        "nodes_total_s": round(played, 2),
        "slowest_node_s": max(n["seconds"] for n in nodes.values()),
        "delivery_updates": updates,
        "delivery_s": round(delivery_s, 2),
        "hub_consents_given": given,
        "hub_consents_withdrawn": withdrawn,
        "hub_consents_s": round(consents_s, 2),
        "total_s": round(hub_s + played + delivery_s + consents_s, 2),
        "machine": _machine.finish(machine),
    }
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
