"""``fame readiness``: a round's workbook, importing answers, results, and statement banks.

fame readiness template --round ID --out FILE.xlsx [--respondent USER]
fame readiness import --round ID FILE.xlsx [--respondent USER]
fame readiness results --round ID [--json] [--out FILE.xlsx]
fame readiness banks [--json]
fame readiness bank FILE.toml
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from fame.cli import unusable
from fame.readiness.bank import BankError, read_bank, shipped_banks
from fame.readiness.models import BankVersion, Respondent, Round
from fame.readiness.workbook import ImportRefused, import_workbook, round_workbook
from fame.readiness.workbook.results_book import results_data, results_workbook


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


class Command(BaseCommand):
    help = (
        "Readiness rounds from the command line. `template` writes a round's workbook to "
        "fill in offline (blank, or one respondent's with their saved answers); `import` "
        "saves the answers in a filled-in workbook, all or none, listing every problem; "
        "`results` prints a round's results (or writes them as XLSX); `banks` lists the "
        "shipped statement banks and the versions kept; `bank` checks a bank file and keeps "
        "it as a version rounds can use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subs = parser.add_subparsers(
            dest="subcommand", metavar="{template,import,results,banks,bank}"
        )
        template = subs.add_parser("template", help="write a round's workbook to fill in offline")
        template.add_argument(
            "--round", dest="round_id", type=int, required=True, help="the round's number"
        )
        template.add_argument("--out", required=True, help="the workbook to write (.xlsx)")
        template.add_argument(
            "--respondent",
            default="",
            help="prefill this respondent's username and saved answers (default: blank)",
        )
        imports = subs.add_parser(
            "import", help="save the answers in a filled-in workbook (all or none)"
        )
        imports.add_argument(
            "--round", dest="round_id", type=int, required=True, help="the round's number"
        )
        imports.add_argument("file", help="the filled-in workbook (.xlsx)")
        imports.add_argument(
            "--respondent",
            default="",
            help="whose answers the rows with no username are (default: every row names one)",
        )
        results = subs.add_parser("results", help="print a round's results")
        results.add_argument(
            "--round", dest="round_id", type=int, required=True, help="the round's number"
        )
        results.add_argument(
            "--json", dest="as_json", action="store_true", help="print the results as JSON"
        )
        results.add_argument("--out", default="", help="also write the results as XLSX here")
        banks = subs.add_parser("banks", help="list the shipped banks and the versions kept")
        banks.add_argument(
            "--json", dest="as_json", action="store_true", help="print the list as JSON"
        )
        bank = subs.add_parser("bank", help="check a bank file (TOML) and keep it as a version")
        bank.add_argument("file", help="the bank file (.toml)")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options.get("subcommand")
        if subcommand is None:
            raise CommandError(
                "Say what to do: fame readiness template | import | results | banks | bank "
                "(fame readiness --help).",
                returncode=2,
            )
        getattr(self, f"_{subcommand}")(**options)

    def _round(self, round_id: int) -> Round:
        round_ = Round.objects.select_related("bank_version").filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"There is no readiness round {round_id}.")
        return round_

    def _template(self, *, round_id: int, out: str, respondent: str, **_: Any) -> None:
        round_ = self._round(round_id)
        person: Respondent | None = None
        if respondent:
            person = round_.respondents.filter(user__username=respondent).first()
            if person is None:
                raise CommandError(f"{respondent} is not a respondent in round {round_.pk}.")
        try:
            Path(out).write_bytes(round_workbook(round_, person))
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror or error}.") from error
        whose = f"{respondent}'s" if respondent else "the blank"
        self.stdout.write(
            f"Wrote {whose} workbook for round {round_.pk} ({round_.title}) to {out}."
        )

    def _import(self, *, round_id: int, file: str, respondent: str, **_: Any) -> None:
        round_ = self._round(round_id)
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.") from error
        try:
            imported = import_workbook(round_, data, by=None, respondent=respondent)
        except ImportRefused as refused:
            problems = [str(p) for p in refused.problems]
            raise CommandError(
                unusable(f"The workbook {file}", problems) + "\nNothing was saved."
            ) from refused
        self.stdout.write(
            f"Imported {imported.answers} answers for {', '.join(imported.respondents)} "
            f"into round {round_.pk} ({round_.title})."
        )

    def _results(self, *, round_id: int, as_json: bool, out: str, **_: Any) -> None:
        round_ = self._round(round_id)
        if out:
            try:
                Path(out).write_bytes(results_workbook(round_))
            except OSError as error:
                raise CommandError(f"Cannot write {out}: {error.strerror or error}.") from error
        data = results_data(round_)
        if as_json:
            self.stdout.write(json.dumps(data, indent=2))
            return
        head = data["round"]
        self.stdout.write(
            f"Round {head['id']}: {head['title']} ({head['partnership']}), {head['status']}; "
            f"{head['submitted']} of {head['respondents']} respondents submitted; "
            f"bank {data['bank']['key']} version {data['bank']['version']}"
        )
        for s in data["statements"]:
            flag = " flagged" if s["flagged"] and s["agreed"] is None else ""
            agreed = f" agreed {s['agreed']}" if s["agreed"] is not None else ""
            self.stdout.write(
                f"{s['id']:<10} score {_score(s['score']):<4} median {_score(s['median']):<4} "
                f"spread {_score(s['spread']):<2} don't know {s['dont_know']}{agreed}{flag}"
            )
        if out:
            self.stdout.write(f"Wrote the results to {out}.")

    def _banks(self, *, as_json: bool, **_: Any) -> None:
        try:
            shipped = shipped_banks()
        except BankError as error:
            raise CommandError(unusable("A shipped bank", error.problems)) from error
        kept = BankVersion.objects.annotate(rounds=Count("round")).order_by("key", "-loaded_at")
        listing = {
            "shipped": [
                {
                    "key": b.key,
                    "title": b.title,
                    "version": b.version,
                    "statements": len(b.statements),
                    "fingerprint": b.digest[:16],
                }
                for b in shipped.values()
            ],
            "kept": [
                {
                    "key": v.key,
                    "title": v.title,
                    "version": v.version,
                    "fingerprint": v.digest[:16],
                    "kept_on": v.loaded_at.date().isoformat(),
                    "rounds": v.rounds,
                }
                for v in kept
            ],
        }
        if as_json:
            self.stdout.write(json.dumps(listing, indent=2))
            return
        self.stdout.write("Shipped banks:" if listing["shipped"] else "No banks are shipped.")
        for b in listing["shipped"]:
            self.stdout.write(
                f"  {b['key']} version {b['version']}: {b['title']}, "
                f"{b['statements']} statements ({b['fingerprint']})"
            )
        self.stdout.write("Versions kept:" if listing["kept"] else "No bank versions are kept yet.")
        for v in listing["kept"]:
            rounds = "1 round" if v["rounds"] == 1 else f"{v['rounds']} rounds"
            self.stdout.write(
                f"  {v['key']} version {v['version']}: {v['title']} ({v['fingerprint']}), "
                f"kept {v['kept_on']}, used by {rounds}"
            )

    def _bank(self, *, file: str, **_: Any) -> None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
            raise CommandError(f"Cannot read {file}: {reason or error}.") from error
        try:
            bank = read_bank(text)
        except BankError as error:
            raise CommandError(unusable(f"The bank {file}", error.problems)) from error
        known = BankVersion.objects.filter(digest=bank.digest).exists()
        version = BankVersion.keep(bank)
        if known:
            self.stdout.write(
                f"{bank.title} ({bank.key}) version {bank.version} is kept already "
                f"({version.digest[:16]}, since {version.loaded_at.date().isoformat()})."
            )
        else:
            self.stdout.write(
                f"Kept {bank.title} ({bank.key}) version {bank.version}: "
                f"{len(bank.statements)} statements ({version.digest[:16]})."
            )
