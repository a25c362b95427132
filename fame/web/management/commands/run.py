"""`fame run`: the platform in one process (hub and node) with a seeded demo region.

The federated demo (a hub and five node processes) is `fame demo`, which
`make run` starts; this is the single-process option.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.audit.sequencer import Sequencer
from fame.federation.actions import register_node
from fame.federation.keys import public_pem
from fame.node.actions import host_agencies, trust_key
from fame.node.outbox import OutboxWorker

from ._region import (
    login_lines,
    make_region,
    play_demo_history,
    play_hub_history,
    seed_accounts,
)


class Command(BaseCommand):
    help = (
        "Prepare the database, make and load a demo region (first time only), print the demo "
        "logins and serve FAME on http://127.0.0.1:PORT. Running it again reuses what exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="port to serve on (8000)")
        parser.add_argument(
            "--children", type=int, default=2000, help="size of a new demo region (2000)"
        )
        parser.add_argument("--seed", type=int, default=7, help="seed of a new demo region (7)")
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare and print the logins, then stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("`fame run` starts a demo region; it does not run in production.")
        port = options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        self.stdout.write("Preparing the database…")
        call_command("migrate", verbosity=0)
        region_dir = settings.DATA_DIR / "demo-region"
        make_region(
            region_dir, children=options["children"], seed=options["seed"], say=self.stdout.write
        )
        region = seed_accounts(region_dir)
        play_hub_history(region, say=self.stdout.write)
        self._embed_node(region, region_dir, port)
        for line in login_lines(region, f"http://127.0.0.1:{port}/", self.style):
            self.stdout.write(line)
        if not options["no_serve"]:
            self.stdout.write("The node delivers its records to the index in the background.")
            worker = OutboxWorker(heartbeat_every=60.0)
            sequencer = Sequencer()  # audit events into the signed log (ADR 0041)
            worker.start()
            sequencer.start()
            try:
                call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
            finally:
                worker.stop()
                sequencer.stop()

    def _embed_node(self, region: dict[str, Any], region_dir: Path, port: int) -> None:
        """This process as the node of every agency: the same federation path as `fame demo`."""
        settings.FAME_PUBLIC_URL = settings.FAME_HUB_URL = f"http://127.0.0.1:{port}"
        agencies = {org["agency_id"]: org["name"] for org in region["organisations"]}
        register_node(
            name=settings.FAME_NODE_NAME,
            base_url=settings.FAME_PUBLIC_URL,
            agencies=list(agencies),
            public_key=public_pem(),
            by="fame run",
        )
        trust_key(name="hub", public_key=public_pem(), base_url=settings.FAME_PUBLIC_URL)
        host_agencies(agencies=agencies, by="fame run")
        self.stdout.write("Importing the agencies' records into their node…")
        call_command("node", "import", str(region_dir), stdout=self.stdout)
        play_demo_history(region_dir, say=self.stdout.write)
