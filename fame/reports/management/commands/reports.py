"""``fame reports``: management information for scripts.

fame reports caf-quarterly [--from DATE] [--to DATE] [--area AREA] [--agency-type TYPE]
                           --format csv|json

The CAF quarterly figures (CAFs started and completed by quarter and initiating agency
type), unsuppressed: a script run on the hub by its operators, not a file for the board;
whatever it is turned into must suppress small numbers as the pages do (ADR 0037).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.accounts.models import OrganisationType
from fame.reports.caf import caf_quarterly
from fame.reports.scope import Scope, default_period

FIELDS = ("quarter", "initiating_agency_type", "started", "completed")


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{what} {text!r} should be a date like 2027-01-31.") from None


class Command(BaseCommand):
    help = (
        "Management information for scripts. `caf-quarterly` prints CAFs started and "
        "completed by quarter and initiating agency type (unsuppressed), as CSV or JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subs = parser.add_subparsers(dest="subcommand", metavar="{caf-quarterly}")
        quarterly = subs.add_parser(
            "caf-quarterly",
            help="CAFs started and completed by quarter and initiating agency type",
        )
        quarterly.add_argument(
            "--from", dest="since", default="", help="the first day (default: 3 years back)"
        )
        quarterly.add_argument(
            "--to", dest="until", default="", help="the last day (default: today)"
        )
        quarterly.add_argument("--area", default="", help="one area (local authority) only")
        quarterly.add_argument(
            "--agency-type",
            default="",
            choices=["", *OrganisationType.values],
            help="CAFs initiated by one type of agency only",
        )
        quarterly.add_argument("--format", dest="fmt", required=True, choices=["csv", "json"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("subcommand") != "caf-quarterly":
            raise CommandError(
                "Say what to report: fame reports caf-quarterly (fame reports --help).",
                returncode=2,
            )
        since, until = default_period()
        if options["since"]:
            since = _day(options["since"], "--from")
        if options["until"]:
            until = _day(options["until"], "--to")
        if since > until:
            raise CommandError(f"--from {since} is after --to {until}.")
        scope = Scope(since, until, options["area"], options["agency_type"])
        rows = caf_quarterly(scope)
        if options["fmt"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
