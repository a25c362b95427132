"""`fame run`: the platform on loopback with a seeded demo region, ready to sign in to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.accounts.seeding import RegionFileError, demo_logins, load_region, read_region

DEMO_PASSWORD = "demo-only-Password-1"  # noqa: S105 - printed for the made-up demo region


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
        if not (region_dir / "region.json").exists():
            self.stdout.write(f"Making a demo region of {options['children']:,} children…")
            call_command(
                "synth", children=options["children"], seed=options["seed"], out=str(region_dir)
            )
        try:
            region = read_region(region_dir / "region.json")
            personas = frozenset(region.get("demo_logins", {}).values())
            load_region(region, demo_password=DEMO_PASSWORD, authenticators_for=personas)
        except RegionFileError as error:
            raise CommandError(f"{error}. Delete {region_dir} to make a new region.") from None
        self.stdout.write("Loading the agencies' records into the Child Index…")
        call_command("index", "load", str(region_dir))
        self._print_logins(region, port)
        if not options["no_serve"]:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def _print_logins(self, region: dict[str, Any], port: int) -> None:
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"FAME is starting on http://127.0.0.1:{port}/"))
        out("")
        out(self.style.WARNING("DEMO ONLY: made-up people and shared secrets; never use for real."))
        out(f"Password for every demo login: {DEMO_PASSWORD}")
        out("Security code: add the secret to an authenticator app, or run `fame totp USERNAME`.")
        out("")
        out(f"{'who':<20} {'username':<32} {'authenticator secret':<34} organisation")
        for login in demo_logins(region):
            row = f"{login.persona:<20} {login.username:<32} {login.totp_secret:<34}"
            out(f"{row} {login.organisation}")
        out("")
