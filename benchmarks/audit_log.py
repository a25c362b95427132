"""Audit log cost: `python benchmarks/audit_log.py --events N` prints JSON.

Appends N events with fame.audit.record_event into a fresh SQLite database
(var/bench/audit-N), then runs the verification `fame audit verify` uses.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

import _machine

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    machine = _machine.start()
    data = ROOT / "var" / "bench" / f"audit-{args.events}"
    shutil.rmtree(data, ignore_errors=True)
    os.environ.update(FAME_ENV="development", FAME_DATA_DIR=str(data))
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fame.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from fame.audit import record_event, verify_audit_log

    started = time.perf_counter()
    for i in range(args.events):
        record_event("bench.event", target=f"item:{i}", details={"n": i})
    append_s = time.perf_counter() - started
    started = time.perf_counter()
    result = verify_audit_log()
    verify_s = time.perf_counter() - started
    print(
        json.dumps(
            {
                "events": args.events,
                "append_ms_each": round(append_s * 1000 / args.events, 3),
                "verify_s": round(verify_s, 2),
                "intact": result.intact,
                "machine": _machine.finish(machine),
            }
        )
    )


if __name__ == "__main__":
    main()
