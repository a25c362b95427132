"""`fame rehearse`: a region started the production way on this machine (ADR 0044).

PostgreSQL databases for the hub and three nodes, the hub as two gunicorn
instances behind nginx with TLS from a throwaway CA (https://127.0.0.1:9443),
three nodes behind nginx too (127.0.0.3 to 127.0.0.5), FAME_ENV=production,
each process run as its shipped unit says, joined with the deployment guide's
verbs. It prints the addresses and the logins (a generated password,
authenticator secrets) and runs until Ctrl-C;
``--check`` drives it end to end, stops one hub instance, checks the other
carries on, and stops.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from . import _processes as processes
from ._rehearsal import Layout, Rehearsal, RehearsalError, check_region, drop_databases


class Command(BaseCommand):
    help = (
        "Start a region the production way on this machine: PostgreSQL, the hub as two "
        "gunicorn instances behind nginx with TLS, three nodes; Ctrl-C stops it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(settings.BASE_DIR / "var" / "rehearse"))
        parser.add_argument(
            "--postgres",
            default="postgres://postgres@127.0.0.1:5432",
            help="the PostgreSQL server, postgres://USER@HOST:PORT (its databases are made)",
        )
        parser.add_argument(
            "--prefix", default="fame_rehearse", help="the databases' names start with this"
        )
        parser.add_argument("--port", type=int, default=9443, help="nginx's TLS port (9443)")
        parser.add_argument(
            "--backend-port", type=int, default=9301, help="gunicorn's port on each address"
        )
        parser.add_argument("--children", type=int, default=500, help="size of a new region")
        parser.add_argument("--fresh", action="store_true", help="drop what exists and begin anew")
        parser.add_argument(
            "--check", action="store_true", help="run the end-to-end checks, then stop"
        )
        parser.add_argument(
            "--drop", action="store_true", help="with --check: drop the databases afterwards"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if shutil.which("nginx") is None:
            raise CommandError("The rehearsal needs nginx (Debian package nginx).")
        if options["children"] < 50:
            raise CommandError("--children: give at least 50.")
        say = self.stdout.write
        try:
            rehearsal = Rehearsal(
                Layout(
                    root=Path(options["dir"]).resolve(),
                    postgres=options["postgres"],
                    prefix=options["prefix"],
                    public_port=options["port"],
                    backend_port=options["backend_port"],
                    children=options["children"],
                ),
                say=say,
            )
        except RehearsalError as error:
            raise CommandError(str(error)) from None
        stopping = processes.stop_on_signals()
        try:
            rehearsal.prepare(fresh=options["fresh"])
            rehearsal.start()
            self._print(rehearsal)
            if options["check"]:
                check_region(rehearsal, say=say)
                say(self.style.SUCCESS("The rehearsal's checks passed."))
                return
            while not stopping.is_set():
                for name, process in rehearsal.running.items():
                    if process.poll() is not None:
                        raise CommandError(f"{name} stopped (exit {process.returncode}).")
                time.sleep(0.5)
        except (RehearsalError, RuntimeError) as error:
            raise CommandError(str(error)) from None
        finally:
            say("Stopping nginx, the hub and the nodes…")
            rehearsal.stop()
            if options["check"] and options["drop"]:
                drop_databases(rehearsal.layout, rehearsal.database_names())
            say("Stopped.")

    def _print(self, rehearsal: Rehearsal) -> None:
        say = self.stdout.write
        say("")
        say(self.style.SUCCESS(f"The rehearsal region is up on {rehearsal.hub_url}/"))
        say(f"Trust its CA to browse it: {rehearsal.certificates.ca}")
        say(f"Hub instances: {', '.join(spec.url for spec in rehearsal.hubs)} (behind nginx)")
        for node in rehearsal.nodes:
            say(f"  {node.name:<20} {rehearsal.public_url(node):<26} {len(node.agencies)} agencies")
        say("")
        say(self.style.WARNING("MADE-UP REGION: made-up people; never use for real."))
        say(f"Password for every login below: {rehearsal.password()}")
        say("Security code: add the secret to an authenticator app.")
        for login in rehearsal.logins():
            say(f"  {login['persona']:<20} {login['username']:<28} {login['totp_secret']}")
        say(f"Logs: {rehearsal.layout.root}/*/serve*.log, {rehearsal.layout.root}/nginx/")
        say("Ctrl-C stops it all.")
        self.stdout.flush()
