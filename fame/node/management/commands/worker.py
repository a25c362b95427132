"""`fame worker`: deliver this node's outbox to the hub until stopped (or once, with --once)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fame.node.outbox import OutboxWorker, backlog, deliver_once


class Command(BaseCommand):
    help = "Deliver the outbox's index updates to the hub, with retries and back-off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="deliver until empty or failing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            delivered = 0
            while True:
                report = deliver_once()
                delivered += report.delivered
                if not report.sent or report.error or report.rejected:
                    break
            answer = {"delivered": delivered, "backlog": backlog(), "error": report.error}
            self.stdout.write(json.dumps(answer))
            return
        worker = OutboxWorker()
        worker.start()
        self.stdout.write("Delivering the outbox to the hub; Ctrl-C stops.")
        try:
            while worker.is_alive():
                worker.join(1.0)
        except KeyboardInterrupt:
            worker.stop()
