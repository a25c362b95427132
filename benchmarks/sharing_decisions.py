"""Latency of one sharing decision: ``fame.sharing.decide`` on a realistic snapshot.

    .venv/bin/python benchmarks/sharing_decisions.py [--decisions 20000] [--seed 7] [--clock cpu]

Prints one JSON object: {"decisions", "p50_ms", "p95_ms", "p99_ms"}. The goal is
p95 <= 1 ms. Each decision is what the running system does once it has the
facts: build the Cedar entities and context, evaluate the policy set, explain.
The facts are those a busy region hands one decision: a child with ten
consents, the eight protocols naming either organisation, and the requester
and an override authoriser. Database look-ups (``facts_for``) are not timed.
``--clock cpu`` times this thread's CPU instead of the wall clock: on a shared,
busy machine it leaves out the time other processes hold the CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fame.settings")

import _machine
import django

django.setup()

from fame.sharing import (  # noqa: E402
    DATA_CATEGORIES,
    PURPOSES,
    AccessRequest,
    ChildFacts,
    ConsentFacts,
    Facts,
    OrganisationFacts,
    ProtocolFacts,
    UserFacts,
    decide,
)

START = date(2026, 1, 1)
ORGANISATIONS = [f"org-{n:03d}" for n in range(40)]
GOVERNED = ["assessment", "case", "sensitive"]


def some(
    rng: random.Random, values: list[str] | tuple[str, ...], at_least: int = 1
) -> frozenset[str]:
    return frozenset(rng.sample(list(values), rng.randint(at_least, len(values))))


def snapshot(rng: random.Random) -> tuple[Facts, list[AccessRequest]]:
    requester, holder = "org-001", "org-002"
    protocols = [
        ProtocolFacts(
            f"p{n}",
            parties=frozenset({requester, holder} if n % 2 else {holder})
            | frozenset(rng.sample(ORGANISATIONS, 12)),
            purposes=some(rng, PURPOSES),
            categories=some(rng, GOVERNED),
            starts=START + timedelta(days=rng.randint(0, 200)),
            ends=None if n % 3 else START + timedelta(days=rng.randint(300, 700)),
        )
        for n in range(8)
    ]
    consents = [
        ConsentFacts(
            f"k{n}",
            "deny" if n % 4 == 3 else "permit",
            organisations=frozenset({"*"}) if n % 3 == 0 else some(rng, ORGANISATIONS[:6]),
            purposes=some(rng, PURPOSES),
            categories=some(rng, DATA_CATEGORIES),
            starts=START + timedelta(days=rng.randint(0, 300)),
            ends=None,
            withdrawn_on=START + timedelta(days=rng.randint(200, 400)) if n % 5 == 0 else None,
        )
        for n in range(10)
    ]
    users = {
        "u1": UserFacts("u1", requester, frozenset({"practitioner"}), True, True, True),
        "m1": UserFacts("m1", requester, frozenset({"manager"}), True, True, True),
        "h1": UserFacts("h1", holder, frozenset({"practitioner"}), True, True, True),
    }
    facts = Facts(
        child=ChildFacts("child-1", holder=holder, shielded=False),
        organisations={org: OrganisationFacts(org, accredited=True) for org in ORGANISATIONS},
        users=users,
        protocols=protocols,
        consents=consents,
    )
    requests = [
        AccessRequest(
            user=rng.choice(["u1", "u1", "u1", "h1"]),
            child="child-1",
            purpose=rng.choice(PURPOSES),
            category=rng.choice(DATA_CATEGORIES),
            on=START + timedelta(days=rng.randint(0, 500)),
            override_reason=rng.choice([None, "Disclosure at school"]),
            override_authorised_by=rng.choice([None, "m1"]),
        )
        for _ in range(500)
    ]
    return facts, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args()
    machine = _machine.start()
    rng = random.Random(args.seed)
    facts, requests = snapshot(rng)
    for request in requests:  # warm up: policies parsed, caches filled
        decide(request, facts)
    clock = time.perf_counter_ns if args.clock == "wall" else time.thread_time_ns
    timings = []
    for n in range(args.decisions):
        request = requests[n % len(requests)]
        started = clock()
        decide(request, facts)
        timings.append((clock() - started) / 1e6)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    print(
        json.dumps(
            {
                "decisions": args.decisions,
                "p50_ms": round(cuts[49], 4),
                "p95_ms": round(cuts[94], 4),
                "p99_ms": round(cuts[98], 4),
                "machine": _machine.finish(machine),
            }
        )
    )


if __name__ == "__main__":
    main()
