"""Time of the Regional Demonstrator's comparison: a scenario's approaches, replicated.

    .venv/bin/python benchmarks/demonstrator.py [--scenario regional] [--replications 10] [--jobs 2]

Prints one JSON object. The goal (issue 13): the regional scenario (50,000
children, a year), 10 replications of all three approaches, in under 60 s on two
cores. The work is what ``fame demonstrator compare`` does, on the same path
(``run_all``, one process per core). Beside it, as a peer on the same machine:
SimPy alone, one process doing nothing but wait (``timeout``) as many times,
timed the same way, so that a slower machine shows in both figures; and the
machine's reference loop (``_machine``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _machine
import simpy

from fame.demonstrator.compare import run_all
from fame.demonstrator.model import Run
from fame.demonstrator.scenario import SHIPPED, read_scenario


def simpy_alone(events: int) -> float:
    """Seconds SimPy takes to process ``events`` bare timeouts in one process."""
    env = simpy.Environment()

    def waiting():
        for _ in range(events):
            yield env.timeout(1)

    env.process(waiting())
    started = time.perf_counter()
    env.run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="regional")
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    machine = _machine.start()
    scenario = read_scenario(SHIPPED / f"{args.scenario}.toml")
    approaches = list(scenario.approaches)

    started = time.perf_counter()
    runs = run_all(
        scenario, approaches, replications=args.replications, seed=scenario.seed, jobs=args.jobs
    )
    compare_s = time.perf_counter() - started

    one = Run(scenario, "as_is", replication=0, seed=scenario.seed)
    started = time.perf_counter()
    one.run()
    one_run_s = time.perf_counter() - started
    steps = one.tally.searches  # the bulk of one run's work: each search is drawn and judged
    peer_s = simpy_alone(steps)

    print(
        json.dumps(
            {
                "scenario": scenario.name,
                "children": scenario.region.children,
                "days": scenario.days,
                "approaches": approaches,
                "replications": args.replications,
                "jobs": args.jobs,
                "runs": len(runs),
                "compare_s": round(compare_s, 2),
                "goal_s": 60,
                "one_as_is_run_s": round(one_run_s, 2),
                "searches_in_one_run": steps,
                "peer_simpy_alone_same_number_of_timeouts_s": round(peer_s, 3),
                "machine": _machine.finish(machine),
            }
        )
    )


if __name__ == "__main__":
    main()
