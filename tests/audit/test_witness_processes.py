"""Real processes on loopback: the hub's `fame serve` publishes tree heads, a node keeps them,
and `fame audit verify --witnesses` on the hub checks its log against them over HTTP."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fame.web.management.commands import _processes as processes

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("processes")]


def witnessed(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=30) as connection:
            rows = connection.execute(
                "select count(*) from audit_witnessedtreehead where status = 'accepted'"
            )
            return int(next(rows)[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0


@pytest.fixture
def hub_and_node(
    tmp_path: Path, free_tcp_port_factory
) -> Iterator[tuple[processes.ProcessSpec, processes.ProcessSpec]]:
    hub = processes.ProcessSpec("hub", "hub", free_tcp_port_factory(), tmp_path / "hub")
    node = processes.ProcessSpec("north", "node", free_tcp_port_factory(), tmp_path / "north")
    processes.make_keys([hub, node], hub_url=hub.url)
    plan = tmp_path / "plan.json"
    processes.write_plan(plan, hub, [node])
    running = [
        processes.start(
            spec,
            hub_url=hub.url,
            plan=plan,
            region=None,
            extra_env={"FAME_AUDIT_PUBLISH_SECONDS": "0.3"},
        )
        for spec in (hub, node)
    ]
    try:
        yield hub, node
    finally:
        processes.stop(running, grace=5)


def test_hub_publishes_heads_that_the_node_keeps_and_verify_checks(
    hub_and_node: tuple[processes.ProcessSpec, processes.ProcessSpec],
) -> None:
    hub, node = hub_and_node
    deadline = time.monotonic() + 90
    while witnessed(node.data_dir / "fame.sqlite3") < 1:
        assert time.monotonic() < deadline, "the node kept no tree head"
        time.sleep(0.2)

    checked = subprocess.run(
        [*processes.FAME, "audit", "verify", "--witnesses", "--json"],
        env=processes.environment(hub, hub_url=hub.url),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["intact"] is True
    [north] = report["witnesses"]["nodes"]
    assert north["node"] == "north"
    assert north["status"] == "agrees"
    assert north["heads"] >= 1
