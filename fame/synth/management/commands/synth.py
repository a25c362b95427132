"""`fame synth`: write a reproducible synthetic region (agencies, practitioners, children)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fame.synth import (
    PROGRESS_STEPS_PER_CHILD,
    REFERENCE_DATE,
    REGION_FILE,
    generate_region,
    remove_region,
    write_region,
)

USAGE_ERROR = 2  # the exit code argparse uses for bad arguments


def positive_whole_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a positive whole number, like 1000, not {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, like 1000, not {value}")
    return value


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a date in the form YYYY-MM-DD, not {text!r}"
        ) from None


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # writes files only; needs no database or other app
    help = (
        "Write a synthetic region to a folder: region.json (organisations, practitioners, "
        "demo logins), one CSV of agency records per agency, and truth.csv (which child each "
        "record is about). The same --children, --seed and --as-of give the same files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--children", type=positive_whole_number, default=1000, help="how many children (1000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="the random seed (1)")
        parser.add_argument("--out", required=True, help="the folder to write the region to")
        parser.add_argument(
            "--as-of",
            type=iso_date,
            default=REFERENCE_DATE,
            help=f"the day the region describes, YYYY-MM-DD ({REFERENCE_DATE.isoformat()})",
        )
        parser.add_argument(
            "--force", action="store_true", help="replace a region already in the folder"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        children, seed = options["children"], options["seed"]
        as_of = options["as_of"]
        # call_command passes optional values without parsing them; check them here too.
        if isinstance(children, bool) or not isinstance(children, int) or children < 1:
            raise CommandError(
                f"--children must be a positive whole number, like 1000, not {children!r}",
                returncode=USAGE_ERROR,
            )
        if not isinstance(seed, int):
            raise CommandError(
                f"--seed must be a whole number, not {seed!r}", returncode=USAGE_ERROR
            )
        if isinstance(as_of, str):
            try:
                as_of = iso_date(as_of)
            except argparse.ArgumentTypeError as error:
                raise CommandError(f"--as-of {error}", returncode=USAGE_ERROR) from None
        out = Path(options["out"])
        self._make_room(out, force=options["force"])

        started = time.perf_counter()
        show = sys.stderr.isatty() and options.get("verbosity", 1) > 0
        with tqdm(
            total=PROGRESS_STEPS_PER_CHILD * children,
            desc="Making the region",
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
            disable=not show,
            file=sys.stderr,
        ) as bar:
            region = generate_region(children, seed, as_of, progress=bar.update)
        with tqdm(
            total=len(region.organisations),
            desc="Writing files",
            unit=" files",
            disable=not show,
            file=sys.stderr,
        ) as bar:
            write_region(region, out, progress=bar.update)
        elapsed = time.perf_counter() - started
        agencies = len({record.agency_id: None for record in region.records})
        self.stdout.write(
            f"Wrote a region of {children:,} children known to {agencies:,} agencies "
            f"({len(region.records):,} agency records) to {out} in {elapsed:.1f} s"
        )

    def _make_room(self, out: Path, *, force: bool) -> None:
        """Refuse to write over anything but an earlier region, and that only with --force."""
        if out.exists() and not out.is_dir():
            raise CommandError(
                f"{out} is a file, not a folder; choose a folder", returncode=USAGE_ERROR
            )
        if not out.is_dir() or not any(out.iterdir()):
            return
        if not (out / REGION_FILE).is_file():
            if force:
                return
            raise CommandError(
                f"{out} is not empty and is not a FAME region; "
                "choose another folder or add --force",
                returncode=USAGE_ERROR,
            )
        if not force:
            raise CommandError(
                f"{out} already holds a region; add --force to replace it", returncode=USAGE_ERROR
            )
        try:
            remove_region(out)
        except (OSError, ValueError) as error:
            raise CommandError(f"could not remove the region in {out}: {error}") from None
