"""`fame bench search --people N --json`: how fast the Child Index answers searches."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...benchmark import build_index, run_searches


class Command(BaseCommand):
    help = "Benchmarks that print JSON. `search` builds (or reuses) an index of N people."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        search = sub.add_parser("search", help="search latency over an index of N people")
        search.add_argument("--people", type=int, required=True, help="people in the index")
        search.add_argument("--queries", type=int, default=2000, help="searches to time (2000)")
        search.add_argument("--seed", type=int, default=1, help="seed of the synthetic region")
        search.add_argument("--json", action="store_true", help="print only the JSON result")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 1 or options["queries"] < 1:
            raise CommandError("--people and --queries must be positive whole numbers.")

        def say(message: str) -> None:
            print(message, file=sys.stderr)

        try:
            build_index(options["people"], seed=options["seed"], progress=say)
        except ValueError as error:
            raise CommandError(str(error)) from None
        result = run_searches(options["queries"], seed=options["seed"])
        self.stdout.write(json.dumps(result.as_dict()))
