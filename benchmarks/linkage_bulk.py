"""Bulk linkage time for a region of about a million agency records.

Prints JSON: {"records", "seconds", "persons", ...}. `seconds` is the whole of
`fame link bulk` after reading the files (normalise, blocking keys, candidate
pairs, Splink scoring, clustering); reading and writing are timed apart. With
the truth beside the records, the pairwise accuracy is reported too.

    .venv/bin/python benchmarks/linkage_bulk.py [--children 440000] [--seed 5] [--region DIR]

A region of 440,000 children gives about 1,000,000 agency records.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import _machine
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fame.settings")
django.setup()

from fame.linkage import (  # noqa: E402
    link_records,
    load_model,
    pairwise_accuracy,
    read_record_files,
    read_truth,
    write_links,
)
from fame.synth import generate_region, write_region  # noqa: E402


def run(folder: Path, threshold: float | None) -> dict[str, object]:
    def say(message: str) -> None:
        print(f"{time.perf_counter() - started:7.1f} s  {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    records = read_record_files(folder)
    read = time.perf_counter()
    say(f"read {len(records):,} records")
    result = link_records(records, load_model(), threshold=threshold, progress=say)
    linked = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        write_links(result, Path(out) / "links.csv")
    written = time.perf_counter()
    report: dict[str, object] = {
        **result.stats,
        "seconds": round(linked - read, 1),
        "read_seconds": round(read - started, 1),
        "write_seconds": round(written - linked, 1),
        "cpus": os.cpu_count(),
    }
    truth_file = folder / "truth.csv"
    if truth_file.is_file():
        report["accuracy"] = pairwise_accuracy(result.person_of(), read_truth(truth_file)).as_dict()
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=440_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--region", type=Path, help="an existing region folder instead")
    parser.add_argument("--threshold", type=float, help="link weight (default: the model's)")
    args = parser.parse_args(argv)
    machine = _machine.start()
    if args.region:
        report = run(args.region, args.threshold)
        report["region"] = str(args.region)
    else:
        with tempfile.TemporaryDirectory() as folder:
            write_region(generate_region(args.children, seed=args.seed), folder)
            report = run(Path(folder), args.threshold)
        report["region"] = f"fame synth --children {args.children} --seed {args.seed}"
    report["machine"] = _machine.finish(machine)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
