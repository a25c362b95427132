"""``fame demonstrator scenarios|simulate|compare|export|conform``: model a region's service
process, compare approaches to it, and set the real system's activity beside the model.

    fame demonstrator scenarios [--json]
    fame demonstrator simulate --scenario FILE [--approach NAME] [--replications N]
                               [--seed S] [--jobs J] --out DIR [--overwrite]
    fame demonstrator compare --scenario FILE [--approaches A,B] [--replications N] [--seed S]
                              [--jobs J] [--json]
    fame demonstrator export --since DATE --out FILE [--overwrite]
    fame demonstrator conform --scenario FILE --log FILE [--approach NAME] [--json]
    fame demonstrator drive --scenario FILE --hub URL [--region DIR] [--days D] [--speed X]

A scenario is a TOML file (the shipped ones are listed by ``scenarios``; a shipped one
may be named instead of a path: ``--scenario regional``). Bad input prints what is
wrong, naming each bad field, changes nothing and exits with status 2.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fame.cli import unusable
from fame.demonstrator.compare import bounds, comparison, interval, run_all
from fame.demonstrator.conform import LogError, conformance, read_log
from fame.demonstrator.events import ocel_document, write_ocel
from fame.demonstrator.reports import conformance_table, table
from fame.demonstrator.scenario import (
    SHIPPED,
    Scenario,
    ScenarioError,
    read_scenario,
    shipped_scenarios,
)

USAGE = (
    "Usage: fame demonstrator scenarios [--json] | "
    "simulate --scenario FILE --out DIR [--approach NAME] [--replications N] [--seed S] | "
    "compare --scenario FILE [--approaches A,B] [--replications N] [--seed S] [--json] | "
    "export --since DATE --out FILE | conform --scenario FILE --log FILE [--json] | "
    "drive --scenario FILE --hub URL [--region DIR] [--days D] [--speed X]"
)
SUBCOMMANDS = ("scenarios", "simulate", "compare", "export", "conform", "drive")


class Command(BaseCommand):
    help = (
        "The Regional Demonstrator: list the shipped scenarios, simulate one, compare its "
        "approaches with 95% confidence intervals, export the real system's activity "
        "(pseudonymised), conform it to a scenario, or drive a demo region from one. " + USAGE
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", nargs="?", help=", ".join(SUBCOMMANDS))
        parser.add_argument("--scenario", metavar="FILE", help="a scenario file, or a shipped name")
        parser.add_argument(
            "--approach",
            metavar="NAME",
            help="the approach to simulate, conform to or drive (conform and drive: the last)",
        )
        parser.add_argument(
            "--approaches",
            metavar="A,B",
            help="compare only these approaches, the first as the baseline (default: all)",
        )
        parser.add_argument(
            "--replications",
            type=str,
            default="10",
            metavar="N",
            help="runs of each approach (default 10)",
        )
        parser.add_argument(
            "--seed",
            type=str,
            default=None,
            metavar="S",
            help="the random seed (default: the scenario's); the same seed, the same figures",
        )
        parser.add_argument(
            "--jobs",
            type=str,
            default=None,
            metavar="J",
            help="processes to run at once (default: one per core)",
        )
        parser.add_argument(
            "--out",
            metavar="DIR",
            help="where simulate writes its files (a folder) or export its log (a file)",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="let simulate or export replace what an earlier run wrote",
        )
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        parser.add_argument("--since", metavar="DATE", help="export activity from this day on")
        parser.add_argument("--log", metavar="FILE", help="a real OCEL 2.0 log, for conform")
        parser.add_argument("--hub", metavar="URL", help="the demo hub drive plays against")
        parser.add_argument("--region", metavar="DIR", help="the demo region's folder (fame synth)")
        parser.add_argument(
            "--days",
            type=str,
            default="1",
            metavar="D",
            help="simulated days drive plays (default 1)",
        )
        parser.add_argument(
            "--speed",
            type=str,
            default="0.1",
            metavar="X",
            help="simulated days a second (default 0.1: a day in ten seconds)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand not in SUBCOMMANDS:
            what = "Say what to do" if subcommand is None else f"Unknown command {subcommand!r}"
            raise CommandError(f"{what}. {USAGE}", returncode=2)
        if subcommand == "scenarios":
            self.scenarios(as_json=options["json"])
            return
        if subcommand == "export":
            self.export(options)
            return
        scenario = _scenario(options["scenario"])
        replications = _whole(options["replications"], "--replications", low=1, high=1000)
        seed = (
            scenario.seed if options["seed"] is None else _whole(options["seed"], "--seed", low=0)
        )
        jobs = (
            None if options["jobs"] is None else _whole(options["jobs"], "--jobs", low=1, high=64)
        )
        if subcommand == "simulate":
            self.simulate(scenario, options, replications=replications, seed=seed, jobs=jobs)
        elif subcommand == "conform":
            self.conform(scenario, options, seed=seed)
        elif subcommand == "drive":
            self.drive(scenario, options)
        else:
            self.compare(
                scenario,
                _approaches(scenario, options["approaches"]),
                replications=replications,
                seed=seed,
                jobs=jobs,
                as_json=options["json"],
            )

    def scenarios(self, *, as_json: bool) -> None:
        listed: list[dict[str, Any]] = []
        for path in shipped_scenarios():
            scenario = read_scenario(path)
            listed.append(
                {
                    "name": scenario.name,
                    "path": str(path),
                    "children": scenario.region.children,
                    "approaches": list(scenario.approaches),
                }
            )
        if as_json:
            self.stdout.write(json.dumps(listed))
            return
        for item in listed:
            self.stdout.write(
                f"{item['name']:<16} {item['children']:>9,} children  "
                f"approaches: {', '.join(item['approaches'])}\n{'':<16} {item['path']}"
            )

    def simulate(
        self,
        scenario: Scenario,
        options: dict[str, Any],
        *,
        replications: int,
        seed: int,
        jobs: int | None,
    ) -> None:
        if not options["out"]:
            raise CommandError(f"Say where to write the results: --out DIR. {USAGE}", returncode=2)
        approaches = list(scenario.approaches)
        if options["approach"]:
            if options["approach"] not in scenario.approaches:
                raise CommandError(
                    f"The scenario {scenario.name} has no approach {options['approach']!r}; "
                    f"it has {', '.join(approaches)}.",
                    returncode=2,
                )
            approaches = [options["approach"]]
        out = Path(options["out"])
        files = [out / "summary.json", *(out / f"events-{a}.ocel.json" for a in approaches)]
        if out.exists() and not out.is_dir():
            raise CommandError(
                f"{out} is a file, not a folder: give a folder for --out.", returncode=2
            )
        clash = [str(f) for f in files if f.exists()]
        if clash and not options["overwrite"]:
            raise CommandError(
                f"{out} already holds results ({', '.join(clash)}); give another folder or "
                "--overwrite to replace them.",
                returncode=2,
            )
        results = self._run(scenario, approaches, replications, seed, jobs, keep_events=True)
        out.mkdir(parents=True, exist_ok=True)
        summary: dict[str, Any] = {
            "scenario": scenario.name,
            "replications": replications,
            "seed": seed,
            "approaches": approaches,
            "days": scenario.days,
            "measures": {},
        }
        for approach, replication, figures, recorder in results:
            summary["measures"].setdefault(approach, []).append(figures)
            if replication == 0:  # the log of the first run: one year as it could be
                write_ocel(out / f"events-{approach}.ocel.json", ocel_document(recorder.timed()))
        summary["intervals"] = {
            a: {m: interval((r[m] for r in runs), **bounds(m)).as_dict() for m in runs[0]}
            for a, runs in summary["measures"].items()
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        self.stdout.write(f"Wrote {', '.join(str(f) for f in files)}.")

    def export(self, options: dict[str, Any]) -> None:
        from fame.demonstrator.live import export_events

        since = _day(options["since"])
        if not options["out"]:
            raise CommandError(f"Say where to write the log: --out FILE. {USAGE}", returncode=2)
        out = Path(options["out"])
        if out.is_dir():
            raise CommandError(f"{out} is a folder: give a file name for --out.", returncode=2)
        if out.exists() and not options["overwrite"]:
            raise CommandError(
                f"{out} already exists; give another name or --overwrite to replace it.",
                returncode=2,
            )
        if not out.parent.is_dir():
            raise CommandError(
                f"There is no folder {out.parent} to write {out.name} in.", returncode=2
            )
        exported = export_events(since=since)
        write_ocel(out, exported.document)
        self.stdout.write(
            f"Wrote {exported.events:,} events from {since.day} {since:%B %Y} on to {out}, "
            "pseudonymised under a key made for this export alone."
        )

    def conform(self, scenario: Scenario, options: dict[str, Any], *, seed: int) -> None:
        if not options["log"]:
            raise CommandError(f"Give the real log: --log FILE. {USAGE}", returncode=2)
        try:
            real = read_log(Path(options["log"]))
        except LogError as error:
            raise CommandError(str(error), returncode=2) from None
        approach = options["approach"] or list(scenario.approaches)[-1]
        if approach not in scenario.approaches:
            raise CommandError(
                f"The scenario {scenario.name} has no approach {approach!r}; "
                f"it has {', '.join(scenario.approaches)}.",
                returncode=2,
            )
        [(_, _, _, recorder)] = run_all(
            scenario, [approach], replications=1, seed=seed, jobs=1, keep_events=True
        )
        report = conformance(ocel_document(recorder.timed()), real)
        report["scenario"], report["approach"] = scenario.name, approach
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            self.stdout.write(conformance_table(report))

    def drive(self, scenario: Scenario, options: dict[str, Any]) -> None:
        from fame.accounts.seeding import DEMO_PASSWORD
        from fame.demonstrator.drive import DriveRefused, drive

        if not options["hub"]:
            raise CommandError(f"Give the demo hub: --hub URL. {USAGE}", returncode=2)
        days = _number(options["days"], "--days", low=0.01, high=365)
        speed = _number(options["speed"], "--speed", low=0.001, high=1000)
        region_dir = Path(options["region"] or settings.DATA_DIR.parent / "region")
        region_file = region_dir / "region.json"
        if not region_file.is_file():
            raise CommandError(
                f"There is no demo region in {region_dir}: give its folder with --region DIR.",
                returncode=2,
            )
        logins = json.loads(region_file.read_text(encoding="utf-8")).get("demo_logins", {})
        approach = options["approach"] or list(scenario.approaches)[-1]
        if approach not in scenario.approaches:
            raise CommandError(
                f"The scenario {scenario.name} has no approach {approach!r}.", returncode=2
            )
        with tqdm(unit="search", file=sys.stderr, desc="searches played", disable=None) as bar:
            try:
                played = drive(
                    scenario,
                    approach=approach,
                    hub=options["hub"].rstrip("/"),
                    region_dir=region_dir,
                    logins=logins,
                    password=DEMO_PASSWORD,
                    days=days,
                    speed=speed,
                    tick=lambda: bar.update(1),
                )
            except DriveRefused as refused:
                raise CommandError(str(refused), returncode=2) from None
            except httpx.HTTPError as error:
                raise CommandError(
                    f"The hub {options['hub']} did not answer: {error}.", returncode=1
                ) from None
        self.stdout.write(
            f"Played {played.searches:,} searches from {days:g} simulated days of {scenario.name} "
            f"({approach}): {played.found:,} found a child, {played.opened:,} records opened, "
            f"{played.asked:,} requests for details sent."
        )
        for failure in played.failed[:10]:
            self.stderr.write(f"  {failure}")

    def compare(
        self,
        scenario: Scenario,
        approaches: list[str],
        *,
        replications: int,
        seed: int,
        jobs: int | None,
        as_json: bool,
    ) -> None:
        results = self._run(scenario, approaches, replications, seed, jobs, keep_events=False)
        report = comparison(scenario, approaches, results, replications=replications, seed=seed)
        if as_json:
            self.stdout.write(json.dumps(report))
        else:
            self.stdout.write(table(report))

    def _run(
        self,
        scenario: Scenario,
        approaches: list[str],
        replications: int,
        seed: int,
        jobs: int | None,
        *,
        keep_events: bool,
    ) -> list[Any]:
        with tqdm(
            total=replications * len(approaches),
            unit="run",
            file=sys.stderr,
            desc=f"{scenario.name}: runs",
            disable=None,
        ) as bar:
            return run_all(
                scenario,
                approaches,
                replications=replications,
                seed=seed,
                jobs=jobs,
                keep_events=keep_events,
                progress=lambda: bar.update(1),
            )


def _scenario(given: str | None) -> Scenario:
    if not given:
        raise CommandError(
            f"Give the scenario: --scenario FILE (or a shipped name). {USAGE}", returncode=2
        )
    path = Path(given)
    if not path.exists() and (SHIPPED / f"{given}.toml").is_file():
        path = SHIPPED / f"{given}.toml"
    if not path.exists():
        names = ", ".join(p.stem for p in shipped_scenarios())
        raise CommandError(
            f"There is no scenario file {given}, and no shipped scenario of that name ({names}).",
            returncode=2,
        )
    try:
        return read_scenario(path)
    except ScenarioError as error:
        raise CommandError(
            unusable(f"The scenario {given}", error.problems), returncode=2
        ) from None


def _approaches(scenario: Scenario, given: str | None) -> list[str]:
    """The approaches ``--approaches`` names (the first is the baseline), or all of them."""
    known = list(scenario.approaches)
    if not given:
        return known
    names = [name.strip() for name in given.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names or len(set(names)) != len(names):
        raise CommandError(
            f"--approaches takes approaches of {scenario.name}, each once and separated by "
            f"commas, from {', '.join(known)}; not {given!r}.",
            returncode=2,
        )
    return names


def _day(text: str | None) -> date:
    if not text:
        raise CommandError(
            f"Say from which day: --since DATE, like 2026-09-01. {USAGE}", returncode=2
        )
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--since takes a date like 2026-09-01, not {text!r}.", returncode=2
        ) from None


def _number(text: str, flag: str, *, low: float, high: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"{flag} takes a number, not {text!r}.", returncode=2) from None
    if not low <= value <= high:
        raise CommandError(
            f"{flag} takes a number from {low:g} to {high:g}, not {value:g}.", returncode=2
        )
    return value


def _whole(text: str, flag: str, *, low: int, high: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CommandError(f"{flag} takes a whole number, not {text!r}.", returncode=2) from None
    if value < low or (high is not None and value > high):
        span = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise CommandError(f"{flag} takes a whole number {span}, not {value}.", returncode=2)
    return value
