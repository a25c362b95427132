"""How hard a `fame synth` region is to link: the base error model against the messy one.

Prints JSON: for one seed and size, the region made with the base error model
only (ADR 0004, `messy=False`) and the region as messy as real agency data
(ADR 0038), each with its generation time, how many records differ, and FAME's
pairwise precision, recall and F1 with the shipped model and with a model
trained, without the truth, on that region; in the same run.

    .venv/bin/python benchmarks/synth_messiness.py [--children 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

import _machine
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fame.settings")
django.setup()

from fame.linkage import (  # noqa: E402
    LinkageModel,
    link_records,
    load_model,
    pairwise_accuracy,
    train_model,
)
from fame.synth import Region, generate_region  # noqa: E402


def accuracy(region: Region, model: LinkageModel) -> dict[str, Any]:
    truth = {(row.agency_id, row.local_id): row.child_key for row in region.truth}
    found = pairwise_accuracy(link_records(region.records, model).person_of(), truth)
    return {
        "precision": round(found.precision, 6),
        "recall": round(found.recall, 6),
        "f1": round(found.f1, 6),
        "true_pairs": found.true_pairs,
        "correct_pairs": found.correct_pairs,
        "predicted_pairs": found.predicted_pairs,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    machine = _machine.start()
    shipped = load_model()
    regions: dict[str, Region] = {}
    report: dict[str, Any] = {"children": args.children, "seed": args.seed}
    for name, messy in (("base", False), ("messy", True)):
        started = time.perf_counter()
        region = generate_region(args.children, seed=args.seed, messy=messy)
        made = time.perf_counter() - started
        print(f"{name}: made {len(region.records):,} records in {made:.1f} s", file=sys.stderr)
        regions[name] = region
        report[name] = {
            "records": len(region.records),
            "generate_seconds": round(made, 2),
            "shipped_model": accuracy(region, shipped),
            "trained_on_the_region": accuracy(region, train_model(region.records)),
        }
    report["records_that_differ"] = sum(
        one != other
        for one, other in zip(regions["base"].records, regions["messy"].records, strict=True)
    )
    report["machine"] = _machine.finish(machine)
    sys.stdout.write(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
