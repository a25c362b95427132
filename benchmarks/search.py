"""Child Index search, found and how fast, Splink beside it:
`python benchmarks/search.py --people N [--postgres URL]`.

Builds (or reuses) an index of a region of N children, linked by the model with
one agency type held out (see fame/index/benchmark.py), in its own data folder
(var/bench/search-N; with --postgres, the database you name, its marker in
var/bench/search-N-pg) and prints the JSON
of `fame bench search`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import _machine

ROOT = Path(__file__).resolve().parent.parent
FAME = ROOT / ".venv" / "bin" / "fame"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--queries", type=int, default=400, help="held-out records (400)")
    parser.add_argument("--hold-out", default="health_trust", help="agency type held out")
    parser.add_argument("--no-peer", action="store_true", help="leave out Splink")
    parser.add_argument(
        "--peer-queries", type=int, help="held-out records whose searches Splink gets (all)"
    )
    parser.add_argument("--postgres", help="a DATABASE_URL for an empty PostgreSQL database")
    args = parser.parse_args()
    machine = _machine.start()
    env = dict(os.environ, FAME_ENV="development")
    folder = f"search-{args.people}"
    if args.postgres:
        # Its own folder, so the reuse marker of a SQLite build is never taken for this one.
        folder += "-pg"
        env["DATABASE_URL"] = args.postgres
    else:
        env.pop("DATABASE_URL", None)
    env["FAME_DATA_DIR"] = str(ROOT / "var" / "bench" / folder)
    subprocess.run([str(FAME), "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [
            str(FAME),
            "bench",
            "search",
            "--people",
            str(args.people),
            "--queries",
            str(args.queries),
            "--hold-out",
            args.hold_out,
            *(["--no-peer"] if args.no_peer else []),
            *(["--peer-queries", str(args.peer_queries)] if args.peer_queries else []),
            "--json",
        ],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    measured = json.loads(result.stdout)
    measured["machine"] = _machine.finish(machine)
    sys.stdout.write(json.dumps(measured) + "\n")


if __name__ == "__main__":
    main()
