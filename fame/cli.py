"""The `fame` command: one entry point wrapping FAME's Django management commands.

fame run                      the platform on http://127.0.0.1:8000
fame synth --children N ...   write a synthetic region
fame audit verify             check the audit log has not been altered
fame reports caf-quarterly    CAFs started and completed by quarter (CSV or JSON)
fame help                     every verb

Before a verb that uses the database runs, the database is made ready for it
or the verb is refused in one line saying what to run (``verb_database``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fame.settings")
    from django.core.management import execute_from_command_line

    from fame.verb_database import database_refusal, verb_need

    args = list(sys.argv[1:] if argv is None else argv)
    if verb_need(args) is not None:  # a verb that uses the database: is it ready?
        import django

        django.setup()
        refusal = database_refusal(args)
        if refusal is not None:
            sys.stderr.write(f"CommandError: {refusal}\n")
            raise SystemExit(1)
    execute_from_command_line(["fame", *args])


def unusable(what: str, problems: list[str]) -> str:
    """Why a file a verb was given cannot be used: one line for one problem, else a line for
    each. ``what`` names it as people gave it ("The scenario x.json"); a problem that starts
    with "scenario: " is about the whole file, already named."""
    if len(problems) == 1:
        return f"{what} cannot be used: {problems[0].removeprefix('scenario: ')}"
    listed = "\n".join(f"  {problem}" for problem in problems)
    return f"{what} cannot be used:\n{listed}"


if __name__ == "__main__":
    main()
