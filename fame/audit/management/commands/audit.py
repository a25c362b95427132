"""``fame audit verify``: check that no audit event or tree head was altered or removed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fame.audit.verify import VerificationResult, verify_audit_log

USAGE = "Usage: fame audit verify [--json]  (check the audit log has not been altered)"
PROGRESS_FROM = 10_000  # events; smaller logs verify too quickly to need a bar


class Command(BaseCommand):
    help = "Work with the audit log. `fame audit verify` checks it has not been altered."
    # A forensic check needs only the database and the key: let it run even when
    # an unrelated part of the site fails Django's system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", nargs="?", help="verify")
        parser.add_argument("--json", action="store_true", help="print the result as a JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand is None:
            raise CommandError(f"Say what to do with the audit log. {USAGE}", returncode=2)
        if subcommand != "verify":
            raise CommandError(f"Unknown audit command {subcommand!r}. {USAGE}", returncode=2)
        result = verify_audit_log(progress=self._progress_bar)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        elif result.intact:
            self.stdout.write(summary(result))
        if not result.intact:
            self.stderr.write(f"Audit log check failed: {result.problem}.")
            raise SystemExit(1)

    def _progress_bar(self, events: Iterable[Any], total: int) -> Iterable[Any]:
        return tqdm(
            events,
            total=total,
            desc="Checking audit events",
            unit=" events",
            file=self.stderr._out,
            disable=total < PROGRESS_FROM or not self.stderr.isatty(),
        )


def summary(result: VerificationResult) -> str:
    """One plain-English line: how much was checked and the root it adds up to."""
    events = "event" if result.events == 1 else "events"
    heads = "signed tree head" if result.tree_heads == 1 else "signed tree heads"
    return (
        f"Audit log intact: {result.events:,} {events}, {result.tree_heads:,} {heads}, "
        f"root {result.root[:16]}…"
    )
