"""``fame sharing explain --scenario FILE [--json]``: try protocols before adopting them.

Loads a self-contained scenario, asks the same policy decision point the
running system uses, and prints one answer per request: a table for people,
or one JSON object per line with ``--json``. A bad scenario prints nothing on
stdout, names each bad field on stderr (one line when there is one problem,
such as a file that is not UTF-8 or not JSON) and exits with status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.cli import unusable
from fame.sharing._facts import Decision
from fame.sharing._pdp import decide
from fame.sharing._scenario import ScenarioError, read_scenario

USAGE = "Usage: fame sharing explain --scenario FILE.json [--json]"


class Command(BaseCommand):
    help = (
        "Work with information sharing. `fame sharing explain --scenario FILE` shows how "
        "the sharing rules decide each request in a what-if scenario."
    )
    # A what-if needs neither the database nor the rest of the site.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", nargs="?", help="explain")
        parser.add_argument("--scenario", metavar="FILE", help="the scenario, as JSON")
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object per request, per line"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand != "explain":
            what = "Say what to do" if subcommand is None else f"Unknown command {subcommand!r}"
            raise CommandError(f"{what}. {USAGE}", returncode=2)
        if not options["scenario"]:
            raise CommandError(f"Give the scenario file. {USAGE}", returncode=2)
        try:
            scenario = read_scenario(Path(options["scenario"]))
        except ScenarioError as error:
            raise CommandError(
                unusable(f"The scenario {options['scenario']}", error.problems), returncode=2
            ) from None
        for note in scenario.notes:
            self.stderr.write(f"Note: {note}.")
        answers = [
            (request.id, decide(request, scenario.facts_for(request)))
            for request in scenario.requests
        ]
        if options["json"]:
            for request_id, decision in answers:
                self.stdout.write(json.dumps(decision.as_dict(request_id), ensure_ascii=False))
        else:
            self.stdout.write(table(answers))


def table(answers: list[tuple[str, Decision]]) -> str:
    """A plain table: request, decision, then each reason and the policies that fired."""
    if not answers:
        return "The scenario has no requests."
    width = max(len("Request"), *(len(request_id) for request_id, _ in answers))
    lines = [f"{'Request':<{width}}  Decision  Why", f"{'-' * width}  --------  ---"]
    for request_id, decision in answers:
        why = [*decision.reasons, f"(policies: {', '.join(decision.policies) or 'none fired'})"]
        lines.append(f"{request_id:<{width}}  {decision.decision:<8}  {why[0]}")
        lines.extend(f"{'':<{width}}  {'':<8}  {line}" for line in why[1:])
    return "\n".join(lines)
