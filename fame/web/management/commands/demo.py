"""`fame demo`: a federated region on loopback: the hub on :8000 and five agency nodes.

Each process has its own data folder under ``var/demo/`` (its own SQLite
database and key). The hub holds the accounts and the Child Index; each node
imports its agencies' records and publishes them to the hub through its
outbox. Ctrl-C stops them all; running it again resumes where they were.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from . import _processes as processes
from ._region import make_region

RESTART_AFTER = 20.0
"""A process that stops (or is killed, to see the region cope) is started again after this."""

NODE_PLAN: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("school-trust", "School trust (the schools)", ("sch",)),
    ("health-trust", "Health trust (GP practices and health trusts)", ("gp", "hlt")),
    ("social-care", "Local authority social care", ("lasc",)),
    ("police", "Police and youth justice", ("pol", "yot")),
    ("community-hosted", "Hosted node: voluntary, youth, early years and others", ()),
)
"""Node name, what it is, the agency id prefixes it hosts (the hosted node takes the rest)."""


def plan_nodes(
    region: dict[str, Any],
    *,
    root: Path,
    first_port: int,
    plan: tuple[tuple[str, str, tuple[str, ...]], ...] = NODE_PLAN,
) -> list[processes.ProcessSpec]:
    """Share the region's agencies out between the nodes of ``plan`` (the demo's five
    unless said), by agency id prefix; the last, with none, takes the rest."""
    agencies = [org["agency_id"] for org in region["organisations"]]
    specs = []
    taken: set[str] = set()
    for i, (name, title, prefixes) in enumerate(plan):
        if prefixes:
            mine = [a for a in agencies if a.split("-")[0] in prefixes]
        else:
            mine = [a for a in agencies if a not in taken]
        taken.update(mine)
        specs.append(
            processes.ProcessSpec(
                name=name,
                role="node",
                port=first_port + i,
                data_dir=root / name,
                agencies=tuple(mine),
                title=title,
            )
        )
    return specs


class Command(BaseCommand):
    help = (
        "Start a federated demo region on loopback: the hub (http://127.0.0.1:8000) and five "
        "agency nodes, each with its own database, seeded from `fame synth`. Ctrl-C stops all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(settings.BASE_DIR / "var" / "demo"))
        parser.add_argument("--port", type=int, default=8000, help="the hub's port (8000)")
        parser.add_argument("--node-ports", type=int, default=8101, help="first node port (8101)")
        parser.add_argument("--children", type=int, default=2000, help="size of a new region")
        parser.add_argument("--seed", type=int, default=7, help="seed of a new region (7)")
        parser.add_argument("--startup-timeout", type=float, default=300.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("`fame demo` starts a demo region; it does not run in production.")
        root = Path(options["dir"]).resolve()
        region_dir = root / "region"
        root.mkdir(parents=True, exist_ok=True)
        make_region(
            region_dir, children=options["children"], seed=options["seed"], say=self.stdout.write
        )
        region = json.loads((region_dir / "region.json").read_text(encoding="utf-8"))
        # The hub in one worker process per core (one applies index updates while another
        # reads and checks the next delivery); each node in one.
        hub = processes.ProcessSpec(
            "hub", "hub", options["port"], root / "hub", title="Hub", processes=None
        )
        nodes = plan_nodes(region, root=root, first_port=options["node_ports"])
        everyone = [hub, *nodes]
        self.stdout.write("Making or reusing each process's key…")
        processes.make_keys(everyone, hub_url=hub.url)
        plan = root / "plan.json"
        processes.write_plan(plan, hub, nodes)
        self.stdout.write(f"Starting the hub and {len(nodes)} nodes (logs in {root}/*/serve.log)…")
        history: subprocess.Popen[bytes] | None = None
        running = {
            spec.name: processes.start(spec, hub_url=hub.url, plan=plan, region=region_dir)
            for spec in everyone
        }
        stopping = processes.stop_on_signals()
        try:
            processes.wait_healthy(
                everyone, running, timeout=options["startup_timeout"], say=self.stdout.write
            )
            self._print_region(hub, nodes, root)
            # Once the nodes' history has reached the hub: the hub's part (none on resume).
            history = processes.play_hub_history(hub, region=region_dir)
            restarts: dict[str, float] = {}
            specs = {spec.name: spec for spec in everyone}
            while not stopping.is_set():
                for name, process in running.items():
                    if process.poll() is not None and name not in restarts:
                        restarts[name] = time.monotonic() + RESTART_AFTER
                        self.stderr.write(
                            f"{name} stopped (exit {process.returncode}); "
                            f"restarting it in {RESTART_AFTER:.0f} s."
                        )
                for name, when in list(restarts.items()):
                    if time.monotonic() >= when:
                        del restarts[name]
                        running[name] = processes.start(
                            specs[name], hub_url=hub.url, plan=plan, region=region_dir
                        )
                        self.stdout.write(f"{name} restarted; it catches up by itself.")
                if history is not None and history.poll() is not None:
                    self._say_history(hub, history.returncode)
                    history = None
                time.sleep(0.5)
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        finally:
            self.stdout.write("Stopping the hub and the nodes…")
            processes.stop([*running.values(), *([history] if history is not None else [])])
            self.stdout.write("Stopped. Run `make run` again to resume.")

    def _say_history(self, hub: processes.ProcessSpec, returncode: int) -> None:
        log = hub.data_dir / "history.log"
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        last = lines[-1] if lines else ""
        if returncode == 0:
            self.stdout.write(last or "The hub's history: nothing to play.")
        else:
            self.stderr.write(f"The hub's history was not played ({last}); see {log}.")

    def _print_region(
        self, hub: processes.ProcessSpec, nodes: list[processes.ProcessSpec], root: Path
    ) -> None:
        logins = root / "hub" / "demo-logins.txt"
        if logins.exists():
            self.stdout.write(logins.read_text(encoding="utf-8"))
        self.stdout.write("Agency nodes (each keeps its own records in its own database):")
        for node in nodes:
            shown = ", ".join(node.agencies[:4]) + (" …" if len(node.agencies) > 4 else "")
            self.stdout.write(
                f"  {node.name:<17} {node.url:<23} {len(node.agencies):>2} agencies: {shown}"
            )
        self.stdout.write("")
        self.stdout.write(f"Security codes: FAME_DATA_DIR={hub.data_dir} fame totp USERNAME")
        self.stdout.write(f"The hub's view of its nodes (administrator, auditor): {hub.url}/nodes")
        self.stdout.write("A process that stops is restarted after 20 s and catches up.")
        self.stdout.write("Ctrl-C stops them all; running it again resumes.")
        self.stdout.flush()
