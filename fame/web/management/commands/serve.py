"""`fame serve`: run this process as the hub or as an agency node, on gunicorn (ADR 0022).

    fame serve --role hub  --port 8000 [--processes N] [--region DIR] [--plan plan.json]
    fame serve --role node --name police --agencies pol-001,yot-001 --port 8104
               --hub-url http://127.0.0.1:8000 [--region DIR] [--plan plan.json]

Before serving it prepares what is missing, and only that: the database, the
process key, the hosted agencies (node), their records from the region's CSVs
(node, ``--region``), the demo accounts (hub, ``--region``) and the
registrations in ``--plan`` (the hub registers each node; a node trusts the
hub). Then this process is gunicorn's master: ``--processes`` workers (one
per core unless said) serve the port, and one that dies is replaced. A node
also delivers its outbox to the hub from a background thread, the hub sends
its latest signed audit tree head to the nodes from another, and every
process's sequencer adds the audit events recorded to its signed log from a
third (ADR 0041), each in one worker at a time (`fame.web.server`). SIGTERM
stops it gracefully, Ctrl-C at once; SIGHUP replaces its workers gracefully.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application

from fame.accounts.seeding import DEMO_PASSWORD, demo_logins
from fame.audit import trust_log_key
from fame.federation.actions import register_node
from fame.federation.keys import process_key
from fame.node.actions import trust_key
from fame.web.server import default_processes

from ._region import login_lines, play_demo_history, play_hub_history, seed_accounts

LOGINS_FILE = "demo-logins.txt"
LOGINS_JSON = "demo-logins.json"
"""The same logins for programs: persona, username, organisation, authenticator secret."""
PORT_WAIT = 30.0
"""Seconds to wait for a port still in use before giving up: the workers of a killed server
notice within a second, then have 10 s to finish their requests, a delivery up to 12 s more."""


class Command(BaseCommand):
    help = "Serve FAME as the hub or as an agency node (gunicorn), preparing what is missing first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", choices=["hub", "node", "both"], default=settings.FAME_ROLE)
        parser.add_argument("--name", default=settings.FAME_NODE_NAME, help="the node's name")
        parser.add_argument("--agencies", default="", help="agency ids this node hosts, a,b,c")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--hub-url", default=settings.FAME_HUB_URL)
        parser.add_argument(
            "--public-url",
            default=os.environ.get("FAME_PUBLIC_URL", "").strip(),
            help="the address others reach this process at, behind a TLS proxy "
            "(FAME_PUBLIC_URL; unset: http://HOST:PORT)",
        )
        parser.add_argument(
            "--password-file",
            help="with --region: a file holding the password of the region's new accounts "
            "(required in production, where the demo password is never given)",
        )
        parser.add_argument("--region", help="a `fame synth` folder: accounts, agencies, records")
        parser.add_argument("--plan", help="a JSON plan of the region's processes and keys")
        parser.add_argument(
            "--threads", type=int, default=8, help="threads per worker process (8; 1: no threads)"
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=default_processes(),
            help=f"worker processes serving the port (one per core: {default_processes()})",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="no outbox or tree-head publishing thread (the audit sequencer still runs)",
        )
        parser.add_argument("--prepare-only", action="store_true", help="prepare, do not serve")

    def handle(self, *args: Any, **options: Any) -> None:
        role, port = options["role"], options["port"]
        if not 1 <= port <= 65535:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        if not 1 <= options["processes"] <= 32:
            raise CommandError(f"--processes must be between 1 and 32, not {options['processes']}.")
        if options["threads"] < 1:
            raise CommandError(f"--threads must be at least 1, not {options['threads']}.")
        # This process's identity, whatever the environment said.
        settings.FAME_ROLE = role
        settings.FAME_NODE_NAME = options["name"]
        public_url = options["public_url"].rstrip("/") or f"http://{options['host']}:{port}"
        if not public_url.startswith(("http://", "https://")):
            raise CommandError(
                f"--public-url must start with https:// or http://, not {public_url!r}."
            )
        settings.FAME_PUBLIC_URL = public_url
        settings.FAME_HUB_URL = options["hub_url"].rstrip("/")
        call_command("migrate", verbosity=0)
        process_key()
        region_dir = Path(options["region"]) if options["region"] else None
        if role in {"node", "both"}:
            self._prepare_node(options["agencies"], region_dir)
        password = _region_password(options["password_file"], region_dir)
        if role in {"hub", "both"} and region_dir is not None:
            region = seed_accounts(region_dir, again=False, password=password)
            play_hub_history(region, say=self.stdout.write)
            lines = login_lines(
                region, f"{settings.FAME_PUBLIC_URL}/", self.style, password=password
            )
            (settings.DATA_DIR / LOGINS_FILE).write_text("\n".join(lines), encoding="utf-8")
            (settings.DATA_DIR / LOGINS_JSON).write_text(
                json.dumps([asdict(login) for login in demo_logins(region)], indent=2),
                encoding="utf-8",
            )
        if options["plan"]:
            self._register_from_plan(Path(options["plan"]), role)
        if not options["prepare_only"]:
            self._serve(
                options["host"],
                port,
                options["threads"],
                processes=options["processes"],
                worker=role != "hub" and not options["no_worker"],
                publisher=role == "hub" and not options["no_worker"],
            )

    def _prepare_node(self, agencies: str, region_dir: Path | None) -> None:
        wanted = [a.strip() for a in agencies.split(",") if a.strip()]
        if wanted:
            args = ["node", "host", "--agencies", ",".join(wanted)]
            if region_dir is not None:
                args += ["--region", str(region_dir / "region.json")]
            call_command(*args, stdout=self.stdout)
        if region_dir is not None:
            call_command("node", "import", str(region_dir), stdout=self.stdout)
            play_demo_history(region_dir, say=self.stdout.write)

    def _register_from_plan(self, plan_file: Path, role: str) -> None:
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        if role in {"hub", "both"}:
            for node in plan["nodes"]:
                register_node(
                    name=node["name"],
                    base_url=node["url"],
                    agencies=node["agencies"],
                    public_key=Path(node["public_key_file"]).read_text(encoding="ascii"),
                    by="plan",
                )
        if role in {"node", "both"}:
            hub = plan["hub"]
            trust_key(
                name="hub",
                public_key=Path(hub["public_key_file"]).read_text(encoding="ascii"),
                base_url=hub["url"],
                by="plan",
            )
            if hub.get("audit_public_key_file"):  # witness the hub's audit log
                audit_key = Path(hub["audit_public_key_file"]).read_text(encoding="ascii")
                trust_log_key(public_key=audit_key, by="plan")

    def _serve(
        self, host: str, port: int, threads: int, *, processes: int, worker: bool, publisher: bool
    ) -> None:
        from fame.audit import TreeHeadPublisher
        from fame.audit.sequencer import Sequencer
        from fame.node.outbox import OutboxWorker
        from fame.web import server

        _wait_for_port(host, port)

        def background() -> list[server.Background]:
            threads: list[server.Background] = [Sequencer()]
            if worker:
                threads.append(OutboxWorker())
            if publisher:
                threads.append(TreeHeadPublisher(every=settings.FAME_AUDIT_PUBLISH_SECONDS))
            return threads

        def ready() -> None:
            served_by = f" ({processes} processes)" if processes > 1 else ""
            self.stdout.write(
                f"FAME {settings.FAME_ROLE} {settings.FAME_NODE_NAME} on http://{host}:{port}/"
                + served_by
            )
            sys.stdout.flush()

        master = os.getpid()
        try:
            server.serve(
                get_wsgi_application(),
                host=host,
                port=port,
                processes=processes,
                threads=threads,
                background=background,
                ready=ready,
            )
        finally:
            if os.getpid() == master:  # (a worker leaves through here too)
                self.stdout.write("Stopped.")


def _region_password(password_file: str | None, region_dir: Path | None) -> str:
    """The password the region's new accounts get: the demo's, or (always in production)
    the one in ``password_file``, which must meet the password rules."""
    if password_file is None:
        if settings.PRODUCTION and region_dir is not None:
            raise CommandError(
                "In production the region's accounts never get the demo password: "
                "give theirs with --password-file FILE."
            )
        return DEMO_PASSWORD
    try:
        password = Path(password_file).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise CommandError(
            f"Cannot read --password-file {password_file}: {error.strerror}."
        ) from None
    if settings.PRODUCTION and password == DEMO_PASSWORD:
        raise CommandError("In production the accounts never get the demo password.")
    try:
        validate_password(password)
    except ValidationError as error:
        raise CommandError(f"The password in {password_file}: {' '.join(error.messages)}") from None
    return password


def _wait_for_port(host: str, port: int) -> None:
    """Return once ``host:port`` can be listened on; wait while it is in use, up to
    ``PORT_WAIT`` seconds (the workers of a server killed a moment ago still hold it
    while they notice and finish their requests), then say so by its address."""
    deadline = time.monotonic() + PORT_WAIT
    while True:
        try:
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((host, port))
            return
        except OSError as error:
            if error.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                raise CommandError(f"Cannot listen on {host}:{port}: {error.strerror}.") from None
        time.sleep(0.25)
