"""``fame link train|bulk|evaluate``: train the matching model, link files, measure a linkage."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fame.linkage import (
    ColumnMapping,
    LinkageModel,
    MappingError,
    ModelError,
    link_records,
    load_mapping,
    load_model,
    model_path,
    read_record_file,
    read_truth,
    record_files,
    save_model,
    train_model,
    write_links,
)
from fame.linkage._evaluation import evaluate_linkage
from fame.records import AgencyRecord, RecordFileError

USAGE_ERROR = 2
USAGE = (
    "Usage: fame link train --records PATH [--out MODEL.json] | "
    "fame link bulk --records PATH --out links.csv [--threshold W] | "
    "fame link evaluate --records DIR --truth truth.csv [--json]; "
    "each takes --mapping FILE|febrl for files of another layout"
)
OPTIONS = {
    "train": {"records", "out", "max_pairs", "seed", "mapping"},
    "bulk": {"records", "out", "threshold", "model", "mapping"},
    "evaluate": {"records", "truth", "threshold", "model", "json", "mapping"},
}
REQUIRED = {"train": {"records"}, "bulk": {"records", "out"}, "evaluate": {"records", "truth"}}


def _flag(option: str) -> str:
    return "--" + option.replace("_", "-")


class Command(BaseCommand):
    help = (
        "Identity matching. `fame link train` trains the model on agency records; "
        "`fame link bulk` links record files into persons; `fame link evaluate` measures "
        "a linkage against a truth file. Files of another layout (FEBRL, ...) are read through "
        "a column mapping, --mapping FILE.toml or a shipped one by name (febrl)."
    )
    requires_system_checks: list[str] = []  # reads and writes files only

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", nargs="?", help="train, bulk or evaluate")
        parser.add_argument("--records", help="an agency record file, or a folder of them")
        parser.add_argument("--out", help="train: the model file; bulk: the links CSV")
        parser.add_argument("--truth", help="evaluate: truth.csv from `fame synth`")
        parser.add_argument("--model", help="bulk, evaluate: the model file (default: current)")
        parser.add_argument("--threshold", help="bulk, evaluate: the match weight to link at")
        parser.add_argument("--max-pairs", dest="max_pairs", help="train: pairs sampled for u")
        parser.add_argument("--seed", help="train: random seed for sampling u (1)")
        parser.add_argument("--json", action="store_true", help="evaluate: print JSON")
        parser.add_argument(
            "--mapping",
            help="read files of another layout through this column mapping: a TOML file, or "
            "the name of a shipped one (febrl); see fame/linkage/_layouts.py",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand is None:
            raise CommandError(f"Say what to do. {USAGE}", returncode=USAGE_ERROR)
        if subcommand not in OPTIONS:
            raise CommandError(
                f"Unknown link command {subcommand!r}. {USAGE}", returncode=USAGE_ERROR
            )
        given = {name for name in set().union(*OPTIONS.values()) if options.get(name)}
        for name in sorted(given - OPTIONS[subcommand]):
            raise CommandError(
                f"{_flag(name)} does not apply to `fame link {subcommand}`. {USAGE}",
                returncode=USAGE_ERROR,
            )
        for name in sorted(REQUIRED[subcommand] - given):
            raise CommandError(
                f"`fame link {subcommand}` needs {_flag(name)}. {USAGE}", returncode=USAGE_ERROR
            )
        # Check every value before touching any file.
        options["threshold"] = self._threshold(options)
        options["max_pairs"] = _number(options.get("max_pairs") or "1e7", "--max-pairs", minimum=1)
        options["seed"] = int(_number(options.get("seed") or "1", "--seed", minimum=0))
        options["mapping"] = self._mapping(options.get("mapping"))
        self.show_progress = options.get("verbosity", 1) > 0
        getattr(self, f"_{subcommand}")(options)

    # The three verbs

    def _train(self, options: dict[str, Any]) -> None:
        records = self._read(options["records"], options["mapping"])
        out = Path(options["out"]) if options.get("out") else model_path()
        if out.is_dir():
            raise CommandError(f"--out {out} is a folder; give a file name such as model.json")
        try:
            model = train_model(
                records,
                max_pairs=options["max_pairs"],
                seed=options["seed"],
                progress=self._say,
                source=str(options["records"]),
            )
        except ValueError as error:
            raise CommandError(f"Cannot train: {error}") from None
        save_model(model, out)
        self.stdout.write(
            f"Trained a linkage model on {len(records):,} records and wrote it to {out} "
            f"(link at match probability {model.link_probability:g} or more, review from "
            f"{model.review_probability:g}; twins' correction "
            f"{model.trained_on.get('twins_correction', 0):g})"
        )

    def _bulk(self, options: dict[str, Any]) -> None:
        out = Path(options["out"])
        if out.is_dir():
            raise CommandError(f"--out {out} is a folder; give a file name such as links.csv")
        model = self._model(options)
        records = self._read(options["records"], options["mapping"])
        result = link_records(records, model, threshold=options["threshold"], progress=self._say)
        write_links(result, out)
        stats = result.stats
        self.stdout.write(
            f"Linked {stats['records']:,} records into {stats['persons']:,} persons "
            f"in {stats['seconds']:.1f} s and wrote {out}"
        )

    def _evaluate(self, options: dict[str, Any]) -> None:
        model = self._model(options)
        truth_path = Path(options["truth"])
        if not truth_path.is_file():
            raise CommandError(f"--truth: there is no file at {truth_path}")
        try:
            truth = read_truth(truth_path)
        except (ValueError, KeyError, UnicodeDecodeError) as error:
            raise CommandError(f"--truth: {error}") from None
        records = self._read(options["records"], options["mapping"])
        try:
            report = evaluate_linkage(
                records, truth, model, threshold=options["threshold"], progress=self._say
            )
        except ValueError as error:
            raise CommandError(f"Cannot evaluate: {error}") from None
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        accuracy, twins = report["accuracy"], report["twins"]
        self.stdout.write(
            f"{accuracy['records']:,} records, {accuracy['true_pairs']:,} true pairs: "
            f"precision {accuracy['precision']:.4f}, recall {accuracy['recall']:.4f}, "
            f"F1 {accuracy['f1']:.4f}. Twin-like pairs wrongly linked: "
            f"{twins['twin_like_pairs_linked']:,} of {twins['twin_like_pairs']:,}."
        )

    # Shared pieces

    def _say(self, message: str) -> None:
        if self.show_progress:
            self.stderr.write(message)

    def _mapping(self, name: str | None) -> ColumnMapping | None:
        if name is None:
            return None
        try:
            return load_mapping(name)
        except MappingError as error:
            raise CommandError(f"--mapping: {error}", returncode=USAGE_ERROR) from None

    def _read(self, path: str, mapping: ColumnMapping | None) -> list[AgencyRecord]:
        try:
            files = record_files(path)
        except (FileNotFoundError, ValueError) as error:
            raise CommandError(f"--records: {error}") from None
        records: list[AgencyRecord] = []
        bar = tqdm(
            files,
            desc="Reading record files",
            unit=" files",
            file=sys.stderr,
            disable=not (self.show_progress and sys.stderr.isatty()),
        )
        for file in bar:
            try:
                records.extend(read_record_file(file, mapping))
            except RecordFileError as error:
                raise CommandError(f"{file} has problems:\n{error.summary()}") from None
            except UnicodeDecodeError:
                raise CommandError(f"{file} is not UTF-8 text; save it as CSV UTF-8") from None
        if not records:
            raise CommandError(f"--records: {path} holds no records")
        return records

    def _model(self, options: dict[str, Any]) -> LinkageModel:
        try:
            return load_model(options.get("model"))
        except ModelError as error:
            raise CommandError(f"--model: {error}") from None

    def _threshold(self, options: dict[str, Any]) -> float | None:
        text = options.get("threshold")
        return None if text is None else _number(text, "--threshold")


def _number(text: object, flag: str, *, minimum: float | None = None) -> float:
    try:
        value = float(str(text))
    except ValueError:
        raise CommandError(
            f"{flag} must be a number, like 10, not {text!r}", returncode=USAGE_ERROR
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CommandError(f"{flag} must be a finite number, not {text!r}", returncode=USAGE_ERROR)
    if minimum is not None and value < minimum:
        raise CommandError(
            f"{flag} must be at least {minimum:g}, not {text!r}", returncode=USAGE_ERROR
        )
    return value
