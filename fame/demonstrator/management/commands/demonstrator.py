"""``fame demonstrator scenarios|simulate|compare``: model a region's service process and
compare approaches to it.

    fame demonstrator scenarios [--json]
    fame demonstrator simulate --scenario FILE [--approach NAME] [--replications N]
                               [--seed S] [--jobs J] --out DIR [--overwrite]
    fame demonstrator compare --scenario FILE [--replications N] [--seed S] [--jobs J] [--json]

A scenario is a TOML file (the shipped ones are listed by ``scenarios``; a shipped one
may be named instead of a path: ``--scenario regional``). Bad input prints what is
wrong, naming each bad field, changes nothing and exits with status 2.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fame.demonstrator.compare import comparison, interval, run_all
from fame.demonstrator.events import ocel_document, write_ocel
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
    "compare --scenario FILE [--replications N] [--seed S] [--json]"
)
SUBCOMMANDS = ("scenarios", "simulate", "compare")
KEY_MEASURES = (
    (
        "finding_hours_per_practitioner_month",
        "Hours a month each practitioner spends finding who is involved",
    ),
    ("share_finding_everyone", "Share of searches that find everyone involved"),
    ("days_concern_to_first_tac", "Days from concern to the first TAC meeting"),
    ("days_concern_to_services", "Days from concern to services starting"),
    ("times_family_tells_story", "Times a family tells its story"),
    ("practitioner_hours_per_caf", "Practitioner hours per CAF"),
    ("cafs_per_quarter", "CAFs completed per quarter"),
    ("requests_refused_share", "Share of requests for details refused"),
    ("isa_wait_hours", "Hours waiting for the ISA team (facilitated access)"),
    ("coordinator_wait_days", "Days waiting for a CAF co-ordinator"),
    ("node_availability_seen", "Share of requests that found the agency's node up"),
)


class Command(BaseCommand):
    help = (
        "The Regional Demonstrator: list the shipped scenarios, simulate one, or compare "
        "its approaches with 95% confidence intervals. " + USAGE
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", nargs="?", help=", ".join(SUBCOMMANDS))
        parser.add_argument("--scenario", metavar="FILE", help="a scenario file, or a shipped name")
        parser.add_argument("--approach", metavar="NAME", help="simulate only this approach")
        parser.add_argument("--replications", type=str, default="10", metavar="N")
        parser.add_argument("--seed", type=str, default=None, metavar="S")
        parser.add_argument(
            "--jobs",
            type=str,
            default=None,
            metavar="J",
            help="processes to run at once (default: one per core)",
        )
        parser.add_argument("--out", metavar="DIR", help="where simulate writes its files")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="let simulate replace files a previous run wrote in DIR",
        )
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand not in SUBCOMMANDS:
            what = "Say what to do" if subcommand is None else f"Unknown command {subcommand!r}"
            raise CommandError(f"{what}. {USAGE}", returncode=2)
        if subcommand == "scenarios":
            self.scenarios(as_json=options["json"])
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
        else:
            self.compare(
                scenario, replications=replications, seed=seed, jobs=jobs, as_json=options["json"]
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
            a: {m: interval(r[m] for r in runs).as_dict() for m in runs[0]}
            for a, runs in summary["measures"].items()
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        self.stdout.write(f"Wrote {', '.join(str(f) for f in files)}.")

    def compare(
        self, scenario: Scenario, *, replications: int, seed: int, jobs: int | None, as_json: bool
    ) -> None:
        approaches = list(scenario.approaches)
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
        if len(error.problems) == 1:
            problem = error.problems[0].removeprefix("scenario: ")
            raise CommandError(
                f"The scenario {given} cannot be used: {problem}", returncode=2
            ) from None
        listed = "\n".join(f"  {problem}" for problem in error.problems)
        raise CommandError(
            f"The scenario {given} cannot be used:\n{listed}", returncode=2
        ) from None


def _whole(text: str, flag: str, *, low: int, high: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CommandError(f"{flag} takes a whole number, not {text!r}.", returncode=2) from None
    if value < low or (high is not None and value > high):
        span = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise CommandError(f"{flag} takes a whole number {span}, not {value}.", returncode=2)
    return value


def _figure(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "none"
    if abs(value) < 0.005:  # never "-0.00"
        return "0.00"
    return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"


def table(report: dict[str, Any]) -> str:
    """The key measures, one row each: every approach's mean and 95% interval."""
    approaches = report["approaches"]
    lines = [
        f"Scenario {report['scenario']}: {report['replications']} replications, seed "
        f"{report['seed']}. Mean (95% interval) of each measure.",
        "",
    ]
    for key, label in KEY_MEASURES:
        lines.append(label)
        for approach in approaches:
            cell = report["measures"][key][approach]
            span = ""
            if cell["ci_low"] is not None:
                span = f" ({_figure(cell['ci_low'])} to {_figure(cell['ci_high'])})"
            lines.append(f"  {approach:<22} {_figure(cell['mean'])}{span}")
        lines.append("")
    lines.append(
        "`--json` gives every measure, and each approach's difference from "
        f"{approaches[0]} with its interval."
    )
    return "\n".join(lines)
