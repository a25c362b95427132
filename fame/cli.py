"""The `fame` command: one entry point wrapping FAME's Django management commands.

fame run                      the platform on http://127.0.0.1:8000
fame synth --children N ...   write a synthetic region
fame audit verify             check the audit log has not been altered
fame help                     every verb
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fame.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["fame", *args])


if __name__ == "__main__":
    main()
