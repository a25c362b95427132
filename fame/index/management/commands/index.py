"""`fame index load PATH` and `fame index retention`: feeding and tending the Child Index."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fame.accounts.models import Organisation
from fame.records import RecordFileError, read_records

from ... import actions, retention


class Command(BaseCommand):
    help = "Load agency records into the Child Index, or apply the retention rules."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", title="verbs", required=True)
        load = sub.add_parser(
            "load", help="load agency CSV files (a file or a folder of them) into the index"
        )
        load.add_argument("path", help="an agency CSV file, or a folder of them")
        keep = sub.add_parser(
            "retention", help="archive records at 18 (25 with consent) and purge old archives"
        )
        keep.add_argument("--today", type=date.fromisoformat, help="the day to apply (YYYY-MM-DD)")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        if verb == "load":
            self._load(Path(options["path"]))
        else:
            result = retention.apply_retention(today=options.get("today"))
            self.stdout.write(f"Archived {result.archived:,} records and purged {result.purged:,}.")

    def _load(self, path: Path) -> None:
        if path.is_dir():
            files = sorted(p for p in path.glob("*.csv") if p.name != "truth.csv")
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(
                f"{path} does not exist. Give an agency CSV file or a folder of them."
            )
        if not files:
            raise CommandError(f"{path} holds no .csv files.")
        known = set(Organisation.objects.values_list("agency_id", flat=True))
        records = []
        for file in files:
            try:
                records.extend(read_records(file, known_agencies=known))
            except RecordFileError as error:
                raise CommandError(f"Nothing was loaded.\n{error}") from None
        bar = tqdm(
            total=len(records), unit="record", file=sys.stderr, disable=not sys.stderr.isatty()
        )
        summary = actions.IngestSummary()
        done_before = 0
        for done, progress in actions.ingest_records(records, by=None, source=str(path)):
            bar.update(done - done_before)
            done_before, summary = done, progress
        bar.close()
        counts = ", ".join(f"{n:,} {what}" for what, n in summary.counts.items() if n)
        self.stdout.write(f"Loaded {summary.total:,} records from {len(files)} files: {counts}.")
