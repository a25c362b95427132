"""``fame benefits``: a benefits model's figures from the command line.

fame benefits calculate --model FILE.json [--json]
fame benefits sensitivity --model FILE.json [--json]
fame benefits montecarlo --model FILE.json --ranges FILE.json [--runs N] [--seed S] [--json]

A bad file prints nothing on stdout, each problem on a line of its own with its JSON
path on stderr, and exits with status 1. Needs no database.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.benefits.calculate import as_json as result_json
from fame.benefits.calculate import calculate
from fame.benefits.model import ModelError, read_model
from fame.benefits.montecarlo import DEFAULT_RUNS, DEFAULT_SEED, read_ranges, run
from fame.benefits.sensitivity import tornado, tornado_json
from fame.cli import unusable


def _read(path: str, what: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise CommandError(f"{what}: cannot read {path}: {reason}") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{what}: {path} is not JSON ({error.msg} at line {error.lineno})"
        ) from None


def _refused(what: str, error: ModelError) -> CommandError:
    return CommandError(unusable(what, error.problems))


def _pounds(value: Decimal | None) -> str:
    return "-" if value is None else f"£{value:,.2f}"


class Command(BaseCommand):
    help = (
        "A benefits model's figures. `calculate` prints each year's costs, benefits and "
        "discounted net, the NPV, BCR and payback year, and each partner's position; "
        "`sensitivity` the NPV with each assumption moved 20% either way; `montecarlo` "
        "P10, P50 and P90 of the NPV over the ranges given."
    )
    requires_system_checks: list[str] = []  # pure arithmetic: no database, no site

    def add_arguments(self, parser: CommandParser) -> None:
        subs = parser.add_subparsers(
            dest="subcommand", metavar="{calculate,sensitivity,montecarlo}"
        )
        for name, text in (
            ("calculate", "each year's figures, the totals and each partner's position"),
            ("sensitivity", "the NPV with each assumption moved 20% either way"),
            ("montecarlo", "P10, P50 and P90 of the NPV over ranges"),
        ):
            sub = subs.add_parser(name, help=text)
            sub.add_argument("--model", required=True, help="the model (.json)")
            sub.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
            if name == "montecarlo":
                sub.add_argument(
                    "--ranges", required=True, help="low, likely and high by path (.json)"
                )
                sub.add_argument(
                    "--runs", type=int, default=DEFAULT_RUNS, help=f"default {DEFAULT_RUNS}"
                )
                sub.add_argument(
                    "--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}"
                )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options.get("subcommand")
        if subcommand is None:
            raise CommandError(
                "Say what to do: fame benefits calculate | sensitivity | montecarlo "
                "(fame benefits --help).",
                returncode=2,
            )
        data = _read(options["model"], "model")
        try:
            getattr(self, f"_{subcommand}")(data, **options)
        except ModelError as error:
            raise _refused(f"The model {options['model']}", error) from None

    def _calculate(self, data: Any, *, as_json: bool, **_: Any) -> None:
        result = calculate(read_model(data))
        if as_json:
            self.stdout.write(json.dumps(result_json(result), indent=2))
            return
        self.stdout.write(
            f"{'Year':>4}  {'Costs':>14}  {'Benefits':>14}  {'Net':>14}  {'Factor':>8}  "
            f"{'Discounted net':>14}"
        )
        for y in result.years:
            self.stdout.write(
                f"{y.year:>4}  {_pounds(y.costs):>14}  {_pounds(y.benefits):>14}  "
                f"{_pounds(y.net):>14}  {y.discount_factor:>8.4f}  "
                f"{_pounds(y.discounted_net):>14}"
            )
        bcr = "-" if result.bcr is None else f"{result.bcr:.2f}"
        payback = "never" if result.payback_year is None else f"year {result.payback_year}"
        self.stdout.write(
            f"Present value of costs {_pounds(result.pv_costs)}, of benefits "
            f"{_pounds(result.pv_benefits)} (cashable {_pounds(result.pv('cashable'))}, "
            f"non-cashable {_pounds(result.pv('non_cashable'))})"
        )
        self.stdout.write(f"NPV {_pounds(result.npv)}, BCR {bcr}, payback {payback}")
        for pid, position in result.partners.items():
            self.stdout.write(
                f"{pid}: costs {_pounds(position.present_value(position.costs))}, benefits "
                f"{_pounds(position.present_value(position.benefits))}, net "
                f"{_pounds(position.present_value(position.net))} (present values)"
            )

    def _sensitivity(self, data: Any, *, as_json: bool, **_: Any) -> None:
        base, rows = tornado(data)
        if as_json:
            self.stdout.write(json.dumps(tornado_json(base, rows), indent=2))
            return
        self.stdout.write(f"NPV {_pounds(base)}; each assumption moved 20% down and up:")
        for row in rows:
            self.stdout.write(
                f"{row.path}: {row.low.normalize():f} to {row.high.normalize():f}: NPV "
                f"{_pounds(row.npv_low)} to {_pounds(row.npv_high)} (swing "
                f"{_pounds(row.swing)})"
            )

    def _montecarlo(
        self, data: Any, *, as_json: bool, ranges: str, runs: int, seed: int, **_: Any
    ) -> None:
        if runs < 1:
            raise CommandError("--runs: give at least one run")
        read_model(data)
        try:
            given = read_ranges(_read(ranges, "ranges"), data)
        except ModelError as error:
            raise _refused(f"The ranges {ranges}", error) from None
        outcome = run(data, given, runs=runs, seed=seed)
        if as_json:
            self.stdout.write(json.dumps(outcome.as_json(), indent=2))
            return
        self.stdout.write(
            f"{outcome.runs} runs (seed {outcome.seed}): NPV P10 £{outcome.p10:,.2f}, "
            f"P50 £{outcome.p50:,.2f}, P90 £{outcome.p90:,.2f}; NPV above 0 in "
            f"{outcome.share_positive:.0%} of runs"
        )
