"""``fame restore FILE``: a backup into this process's empty database and data folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.deploy import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `fame backup` into this process's database, which must be "
        "empty (a new PostgreSQL database named by DATABASE_URL, or a new FAME_DATA_DIR on "
        "SQLite), and its data folder, where no different file may stand in the way. Anything "
        "not empty is refused and nothing is changed."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive `fame backup` wrote")
        parser.add_argument("--json", action="store_true", help="print what was restored as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(Path(options["file"]))
        except BackupError as error:
            raise CommandError(f"Nothing was restored: {error}.") from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        self.stdout.write(
            f"Restored {report.who} as backed up at {report.created}: "
            f"the database, and {len(report.files)} files into FAME_DATA_DIR."
        )
        if report.audit_tree_size:
            self.stdout.write(
                f"Its audit log had {report.audit_tree_size:,} events when the backup was made; "
                "anything recorded after that is not in it."
            )
        self.stdout.write(
            "Next: `fame migrate` if this FAME is newer than the backup's, start the process, "
            "then on the hub `fame audit verify --witnesses`; if the nodes witnessed events the "
            "backup lacks, `fame audit reconcile` (docs/deploy.md, Backups and restore)."
        )
