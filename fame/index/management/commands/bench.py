"""`fame bench search --people N --json`: how well and how fast the Child Index finds a child."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from fame.synth.organisations import ORGANISATION_TYPES

from ...benchmark import HOLD_OUT, build_index, goals, run_searches


class Command(BaseCommand):
    help = (
        "Benchmarks that print JSON. `search` builds (or reuses) an index of a synthetic "
        "region of N children, linked by the model, with one agency type's records held out; "
        "searches with those records (whole, family name + date of birth, given + family "
        "name + postcode) and puts the same searches to Splink's real-time matching."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        search = sub.add_parser(
            "search",
            help="search accuracy and latency over an index of N children, Splink beside it",
        )
        search.add_argument("--people", type=int, required=True, help="children in the region")
        search.add_argument(
            "--queries",
            type=int,
            default=400,
            help="held-out records to search with, each three ways (400)",
        )
        search.add_argument("--seed", type=int, default=1, help="seed of the synthetic region")
        search.add_argument(
            "--hold-out",
            default=HOLD_OUT,
            choices=sorted(ORGANISATION_TYPES),
            help=f"the agency type whose records are the searches ({HOLD_OUT})",
        )
        search.add_argument(
            "--no-peer", action="store_true", help="leave out Splink (FAME's figures only)"
        )
        search.add_argument(
            "--peer-queries",
            type=int,
            help="give Splink the searches of only the first this many held-out records "
            "(all unless said)",
        )
        search.add_argument("--json", action="store_true", help="print only the JSON result")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 1 or options["queries"] < 1 or (options["peer_queries"] or 1) < 1:
            raise CommandError(
                "--people, --queries and --peer-queries must be positive whole numbers."
            )

        def say(message: str) -> None:
            print(message, file=sys.stderr)

        try:
            split, built = build_index(
                options["people"], seed=options["seed"], hold_out=options["hold_out"], progress=say
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        measured = run_searches(
            split,
            options["queries"],
            seed=options["seed"],
            peer=not options["no_peer"],
            peer_records=options["peer_queries"],
            progress=say,
        )
        result = {
            "people": built["people"],
            "children": split.children,
            "records": built["records"],
            "records_per_child": round(built["records"] / max(1, split.children), 2),
            "region_records_per_child": round(
                (built["records"] + len(split.held_out)) / max(1, split.children), 2
            ),
            "held_out": options["hold_out"],
            "held_out_records": len(split.held_out),
            "database": connection.vendor,
            "build": built,
            **measured,
        }
        result["goals"] = goals(result)
        self.stdout.write(json.dumps(result))
