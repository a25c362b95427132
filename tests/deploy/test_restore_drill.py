"""The restore drill, as real processes on loopback: a hub and a node witnessing its audit log.

Back the running hub up (`fame backup`), record more audited events and let the node
witness a bigger head, restore the backup into a fresh database and data folder
(`fame restore`), start the restored hub, and see `fame audit verify --witnesses`
fail, naming the head the node witnessed beyond the restored log; then `fame audit
reconcile`, after which the node witnesses the restored hub's heads again and verify
reports the lost history as acknowledged. With DATABASE_URL set the hub runs on
PostgreSQL (a database made for the drill beside the one named, restored into
another) and the backup is pg_dump's; otherwise on SQLite. The node keeps its own
SQLite database in its data folder.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fame.web.management.commands import _processes as processes

from ..databases import databases_beside

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("processes")]

PORTS = range(9400, 9500)


def free_port(taken: set[int]) -> int:
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise RuntimeError("no free port from 9400 to 9499")


@pytest.fixture
def hub_databases() -> Iterator[tuple[str | None, str | None]]:
    """With DATABASE_URL: two new PostgreSQL databases beside the one it names, for the hub
    and for the restore (dropped afterwards); without: (None, None), SQLite files."""
    with databases_beside("drill_hub", "drill_restored") as urls:
        yield (urls[0], urls[1]) if urls else (None, None)


def fame(
    spec: processes.ProcessSpec, database_url: str | None, *args: str
) -> subprocess.CompletedProcess[str]:
    env = processes.environment(spec, hub_url=spec.url)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [*processes.FAME, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def witnessed(node: processes.ProcessSpec, *, epoch: int = 0) -> int:
    """The largest head the node accepted in ``epoch`` (0: none yet)."""
    try:
        with sqlite3.connect(node.data_dir / "fame.sqlite3", timeout=30) as connection:
            row = connection.execute(
                "SELECT MAX(tree_size) FROM audit_witnessedtreehead "
                "WHERE status = 'accepted' AND epoch = ?",
                [epoch],
            ).fetchone()
    except sqlite3.OperationalError:  # not migrated yet
        return 0
    return int(row[0] or 0)


def wait_witnessed(node: processes.ProcessSpec, *, beyond: int, epoch: int = 0) -> int:
    deadline = time.monotonic() + 120
    while (size := witnessed(node, epoch=epoch)) <= beyond:
        assert time.monotonic() < deadline, f"the node witnessed no head beyond {beyond}"
        time.sleep(0.3)
    return size


def audited_refusals(hub: processes.ProcessSpec, count: int) -> None:
    """``count`` unsigned federation requests: each is refused, and audited, by the hub."""
    for _ in range(count):
        response = httpx.post(
            f"{hub.url}/federation/v1/hub/heartbeat", json={}, timeout=10, trust_env=False
        )
        assert response.status_code == 401


def test_backup_restore_verify_fails_then_reconcile(
    tmp_path: Path, hub_databases: tuple[str | None, str | None]
) -> None:
    hub_url, restored_url = hub_databases
    ports: set[int] = set()
    hub = processes.ProcessSpec("hub", "hub", free_port(ports), tmp_path / "hub")
    node = processes.ProcessSpec("north", "node", free_port(ports), tmp_path / "north")
    processes.make_keys([hub, node], hub_url=hub.url)
    plan = tmp_path / "plan.json"
    processes.write_plan(plan, hub, [node])
    publish = {"FAME_AUDIT_PUBLISH_SECONDS": "0.3"}

    def start_hub(spec: processes.ProcessSpec, url: str | None) -> subprocess.Popen[bytes]:
        extra = {**publish, **({"DATABASE_URL": url} if url else {})}
        return processes.start(spec, hub_url=hub.url, plan=plan, region=None, extra_env=extra)

    running = {
        "hub": start_hub(hub, hub_url),
        "north": processes.start(node, hub_url=hub.url, plan=plan, region=None, extra_env=publish),
    }
    try:
        processes.wait_healthy([hub, node], running, timeout=180)
        audited_refusals(hub, 3)
        wait_witnessed(node, beyond=3)

        # 1. Back up the running hub.
        archive = tmp_path / "hub-backup.tar"
        backed_up = fame(hub, hub_url, "backup", "--out", str(archive), "--json")
        assert backed_up.returncode == 0, backed_up.stderr
        in_backup = json.loads(backed_up.stdout)["audit_tree_size"]
        assert in_backup >= 3
        assert json.loads(backed_up.stdout)["database"] == ("postgresql" if hub_url else "sqlite")

        # 2. More audited changes, published: the node witnesses a bigger head.
        audited_refusals(hub, 5)
        lost_size = wait_witnessed(node, beyond=in_backup + 4)
        processes.stop([running.pop("hub")], grace=10)

        # 3. Restore into a fresh database and data folder, and start the restored hub.
        restored = processes.ProcessSpec("hub", "hub", hub.port, tmp_path / "hub-restored")
        done = fame(restored, restored_url, "restore", str(archive))
        assert done.returncode == 0, done.stderr
        for key in ("audit-ed25519.pem", "federation-ed25519.pem"):
            assert (restored.data_dir / "keys" / key).read_bytes() == (
                hub.data_dir / "keys" / key
            ).read_bytes()
        running["hub"] = start_hub(restored, restored_url)
        processes.wait_healthy([restored], running, timeout=180)

        # 4. verify --witnesses: the restored log is behind what the node witnessed.
        checked = fame(restored, restored_url, "audit", "verify", "--witnesses")
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert checked.stdout.startswith("Audit log intact: ")  # alone, it cannot tell
        assert (
            f"Witness check failed: node north witnessed a head for size {lost_size} (signed "
            in checked.stderr
        )
        assert "the log is behind what the node witnessed" in checked.stderr
        assert "Witness north DISAGREES with the log" in checked.stdout

        # 5. Reconcile: the loss goes on the record, the node records the restore.
        reconciled = fame(restored, restored_url, "audit", "reconcile", "--json")
        assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
        report = json.loads(reconciled.stdout)
        [north] = report["nodes"]
        assert north["node"] == "north"
        assert north["status"] == "recorded"
        assert north["lost_size"] == lost_size
        assert in_backup <= north["kept_size"] < lost_size

        # 6. The node witnesses the restored hub's new heads again.
        audited_refusals(restored, 2)
        wait_witnessed(node, beyond=report["restored_size"], epoch=1)

        # 7. verify --witnesses now passes, and names the loss as acknowledged.
        final = fame(restored, restored_url, "audit", "verify", "--witnesses", "--json")
        assert final.returncode == 0, final.stdout + final.stderr
        witnesses = json.loads(final.stdout)["witnesses"]
        assert witnesses["disagreements"] == []
        assert {a["event"] for a in witnesses["acknowledged"]} == {report["event"]}
        assert max(a["tree_size"] for a in witnesses["acknowledged"]) == lost_size
        told = fame(restored, restored_url, "audit", "verify", "--witnesses")
        assert f"Acknowledged: node north witnessed events up to {lost_size}" in told.stdout
    finally:
        processes.stop(list(running.values()), grace=10)
