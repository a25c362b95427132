"""``fame directory``: import an Open Referral UK feed, export the directory, load postcodes.

fame directory import FILE|URL
fame directory export --out FILE
fame directory postcodes FILE.csv
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.directory.feed import FeedError, export_feed, import_feed
from fame.directory.postcodes import load_postcodes


def _read(source: str) -> str:
    """The text of a file, or of a feed at an http(s) address."""
    if source.startswith(("http://", "https://")):
        try:
            answer = httpx.get(source, timeout=30, follow_redirects=True)
            answer.raise_for_status()
        except httpx.HTTPError as error:
            raise CommandError(f"Cannot fetch {source}: {error}.") from error
        return answer.text
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {source}: {error}.") from error


class Command(BaseCommand):
    help = (
        "The service directory from the command line. `import` keeps the services of an "
        "Open Referral UK feed (a file or an address), refusing each bad one with its "
        "problems; `export` writes the whole directory as a feed; `postcodes` loads a CSV "
        "of postcodes (postcode,latitude,longitude) that search measures distance from."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subs = parser.add_subparsers(dest="subcommand", metavar="{import,export,postcodes}")
        imports = subs.add_parser("import", help="keep the services of a feed (file or URL)")
        imports.add_argument("source", help="the feed: a JSON file or an http(s) address")
        export = subs.add_parser("export", help="write the whole directory as a feed")
        export.add_argument("--out", required=True, help="the JSON file to write")
        postcodes = subs.add_parser("postcodes", help="load postcodes and where they are")
        postcodes.add_argument("file", help="a CSV with columns postcode,latitude,longitude")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options.get("subcommand")
        if subcommand is None:
            raise CommandError(
                "Say what to do: fame directory import | export | postcodes "
                "(fame directory --help).",
                returncode=2,
            )
        getattr(self, f"_{subcommand}")(**options)

    def _import(self, *, source: str, **_: Any) -> None:
        try:
            data = json.loads(_read(source))
        except json.JSONDecodeError as error:
            raise CommandError(f"{source} is not JSON: {error}.") from error
        try:
            report = import_feed(data)
        except FeedError as error:
            raise CommandError(f"{source} cannot be used: {error}.") from error
        self.stdout.write(f"Imported {source}: {report.summary()}.")
        for refusal in report.refused:
            self.stdout.write(f"  refused {refusal}")

    def _export(self, *, out: str, **_: Any) -> None:
        feed = export_feed()
        try:
            Path(out).write_text(json.dumps(feed, indent=2, ensure_ascii=False), encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror or error}.") from error
        self.stdout.write(f"Wrote {feed['total_items']} services to {out}.")

    def _postcodes(self, *, file: str, **_: Any) -> None:
        try:
            loaded = load_postcodes(_read(file))
        except ValueError as error:
            raise CommandError(f"{file} cannot be used: {error}.") from error
        self.stdout.write(f"Loaded {loaded.loaded} postcodes from {file}.")
        for refusal in loaded.refused:
            self.stdout.write(f"  refused {refusal}")
