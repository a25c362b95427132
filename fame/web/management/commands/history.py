"""``fame history hub --region DIR [--wait SECONDS]``: a demo region's past, at the hub.

The hub's part of a demo region's history can only be played once the hub holds the facts
of the CAFs the nodes played; in ``fame demo`` the hub starts before the nodes deliver
them. So ``fame demo`` runs this once, in a process of its own against the hub's data
folder, once its nodes are up: with ``--wait`` it waits until every node the hub knows has
delivered its outbox, then plays the families' consents, practitioners' searches and
records opened, and the CAF budgets with the clock moved back (in this process only, never
in one serving requests), and last a handful of detail requests at the present time (a
node checks a signed request's freshness against its own clock). Each part is played once
(a hub that has any of its kind keeps them, so resuming the demo plays nothing); it never
runs in production.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.accounts.seeding import RegionFileError, read_region
from fame.caf.models.hub import BudgetAllocation, CafOverview
from fame.federation.models import DetailRequest, FederationNode

from ._region import play_demo_hub_history

POLL = 5.0
"""Seconds between looks at the nodes' outboxes, as the hub last heard them."""


def nodes_delivered() -> bool:
    """Every node the hub knows has been in touch and has nothing left in its outbox."""
    nodes = list(FederationNode.objects.all())
    return bool(nodes) and all(n.last_contact and n.outbox_backlog == 0 for n in nodes)


class Command(BaseCommand):
    help = (
        "Play a demo region's past at the hub. hub: the families' consents, practitioners' "
        "searches and records opened, the CAF budgets, and a handful of detail requests "
        "made now, once the nodes' CAF facts have reached the hub (once; never in "
        "production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "subcommand", choices=["hub"], help="hub: the hub's part of the region's history"
        )
        parser.add_argument("--region", required=True, help="the demo region's folder")
        parser.add_argument(
            "--wait",
            type=float,
            default=0.0,
            help="seconds to wait for every node to deliver its outbox (default 0: do not wait)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("`fame history` plays a demo region's past; not in production.")
        try:
            region = read_region(Path(options["region"]) / "region.json")
        except RegionFileError as error:
            raise CommandError(str(error)) from None
        if BudgetAllocation.objects.exists() or DetailRequest.objects.exists():
            self.stdout.write("Nothing played: this hub has its history already.")
            return
        waited = time.monotonic()
        deadline = waited + max(0.0, options["wait"])
        # Twice in a row: a batch the hub put off is sent again at once, and counted again.
        settled = 0
        while settled < 2 and options["wait"] > 0:
            settled = settled + 1 if nodes_delivered() else 0
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Nothing played: the nodes had not delivered their outboxes after "
                    f"{options['wait']:.0f} s (see the hub's Agency nodes page)."
                )
            if settled < 2:
                time.sleep(POLL)
        if not CafOverview.objects.exists():
            self.stdout.write("Nothing played: the hub holds no CAF facts from the nodes.")
            return
        started = time.monotonic()
        play_demo_hub_history(region, say=self.stdout.write)
        self.stdout.write(
            f"Played the hub's history in {time.monotonic() - started:.1f} s "
            f"(after {started - waited:.0f} s waiting for the nodes to deliver)."
        )
