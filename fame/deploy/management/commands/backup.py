"""``fame backup --out FILE``: this process's database and kept data files, in one archive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.deploy import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Back up this hub's or node's database (pg_dump on PostgreSQL, SQLite's online backup "
        "on SQLite) and the files of FAME_DATA_DIR that cannot be made again (its keys, "
        "readiness evidence, a trained linkage model) into one new archive, readable by its "
        "owner only: it holds private keys. Restore it with `fame restore FILE`."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the new archive to write")
        parser.add_argument("--json", action="store_true", help="print what was written as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = make_backup(Path(options["out"]))
        except BackupError as error:
            raise CommandError(f"Nothing was backed up: {error}.") from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        database = "PostgreSQL, pg_dump" if report.database == "postgresql" else "SQLite"
        self.stdout.write(
            f"Backed up {report.who}: database {report.database_name} "
            f"({database}) and {len(report.files)} files of FAME_DATA_DIR, "
            f"to {report.path} ({report.size_bytes:,} bytes)."
        )
        for name in report.files:
            self.stdout.write(f"  {name}")
        if report.audit_tree_size:
            self.stdout.write(
                f"The audit log had {report.audit_tree_size:,} events under its latest signed "
                f"tree head (root {report.audit_root[:16]}…) when the copy began."
            )
        if not any(name.startswith("keys/") for name in report.files):
            self.stderr.write(
                "Warning: FAME_DATA_DIR holds no keys/ folder: this process's keys are not in "
                "the backup. Find and keep them, or the nodes will no longer know it."
            )
        self.stdout.write(
            "The archive holds this process's private keys: keep it as safe as the keys, "
            "away from the server it protects."
        )
