"""Real processes on loopback: a hub and a node killed mid-stream converge, nothing lost."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command

from fame.federation import sign_request
from fame.web.management.commands import _processes as processes

from ..polling import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("processes")]


def query(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database, timeout=30) as connection:
        return list(connection.execute(sql))


def count(database: Path, sql: str) -> int:
    try:
        return int(query(database, sql)[0][0])
    except sqlite3.OperationalError:  # not migrated yet
        return -1


class Region:
    def __init__(
        self,
        root: Path,
        hub_port: int,
        node_port: int,
        hub_processes: int,
        env_for: Callable[[processes.ProcessSpec], dict[str, str]] | None = None,
    ) -> None:
        """``env_for``: each process's environment when its key is made (as `fame demo`'s)."""
        self.root = root
        self.region_dir = root / "region"
        call_command("synth", children=200, seed=5, out=str(self.region_dir))
        region = json.loads((self.region_dir / "region.json").read_text())
        agencies = tuple(org["agency_id"] for org in region["organisations"])
        self.hub = processes.ProcessSpec(
            "hub", "hub", hub_port, root / "hub", processes=hub_processes
        )
        self.node = processes.ProcessSpec("north", "node", node_port, root / "north", agencies)
        processes.make_keys([self.hub, self.node], hub_url=self.hub.url, env_for=env_for)
        self.plan = root / "plan.json"
        processes.write_plan(self.plan, self.hub, [self.node])
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.records = sum(
            len(f.read_text().splitlines()) - 1
            for f in self.region_dir.glob("*.csv")
            if f.name != "truth.csv"
        )

    def start(self, spec: processes.ProcessSpec, **extra_env: str) -> None:
        self.running[spec.name] = processes.start(
            spec,
            hub_url=self.hub.url,
            plan=self.plan,
            region=self.region_dir,
            max_backoff=0.5,
            extra_env={"FAME_OUTBOX_BATCH": "40", **extra_env},
        )

    def kill(self, spec: processes.ProcessSpec) -> None:
        process = self.running.pop(spec.name)
        process.kill()
        process.wait()

    @property
    def hub_db(self) -> Path:
        return self.hub.data_dir / "fame.sqlite3"

    @property
    def node_db(self) -> Path:
        return self.node.data_dir / "fame.sqlite3"

    def receipts(self) -> int:
        return count(self.hub_db, "select count(*) from federation_hubreceipt")


def ask_as_hub(region: Region, path: str) -> dict[str, object]:
    """POST ``{}`` to the node, signed with the hub's key, as the hub does."""
    pem = (region.hub.data_dir / "keys" / "federation-ed25519.pem").read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    url, body = f"{region.node.url}{path}", b"{}"
    headers = sign_request(method="POST", url=url, body=body, key_id="hub", private_key=key)  # type: ignore[arg-type]
    response = httpx.post(url, content=body, headers=headers, trust_env=False, timeout=5)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.fixture(params=[1, 2], ids=["hub in one process", "hub in two processes"])
def region(request, tmp_path: Path, free_tcp_port_factory) -> Iterator[Region]:
    made = Region(tmp_path, free_tcp_port_factory(), free_tcp_port_factory(), request.param)
    try:
        yield made
    finally:
        processes.stop(list(made.running.values()), grace=5)


def test_index_converges_after_hub_and_node_are_killed_mid_stream(region: Region):
    region.start(region.hub)
    region.start(region.node)
    wait_for(lambda: region.receipts() >= 40, timeout=90, what="the first deliveries")
    assert region.receipts() < region.records, "delivery finished before the kill"

    region.kill(region.node)  # mid-stream: a batch may be in flight, its answer lost
    region.kill(region.hub)  # and the hub may be half way through applying one
    # (a hub's workers stop soon after it, freeing its port for the hub started again,
    # which waits for the port; meanwhile they may still apply a delivery or two)

    region.start(region.node)
    time.sleep(1.0)  # the node retries against a dead hub, backing off
    region.start(region.hub)

    outbox = "select count(*) from node_outbox where delivered_at is null"
    wait_for(
        lambda: (
            region.receipts() == count(region.node_db, "select count(*) from node_outbox")
            and count(region.node_db, outbox) == 0
        ),
        timeout=90,
        what="the index to converge",
    )

    # Nothing lost: the hub holds every record the node holds, as the node holds it.
    hub_records = query(
        region.hub_db,
        "select o.agency_id, s.local_id, s.content_hash from index_sourcerecord s "
        "join accounts_organisation o on o.id = s.organisation_id",
    )
    node_records = query(
        region.node_db, "select agency_id, local_id, content_hash from node_noderecord"
    )
    assert len(node_records) == region.records
    assert sorted(hub_records) == sorted(node_records)
    # Nothing doubled: each update took effect once (one receipt per outbox row).
    keys = query(region.hub_db, "select idempotency_key from federation_hubreceipt")
    sent = query(region.node_db, "select idempotency_key from node_outbox")
    assert sorted(keys) == sorted(sent)

    wait_for(lambda: processes.health(region.hub.url) is not None, timeout=60, what="the hub")
    # /healthz says only that each process is up; the node tells its state to the hub's key.
    assert processes.health(region.hub.url) == {"status": "ok"}
    assert processes.health(region.node.url) == {"status": "ok"}
    status = ask_as_hub(region, "/federation/v1/node/status")
    assert (status["node"], status["outbox_backlog"]) == ("north", 0)
