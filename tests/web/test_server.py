"""`fame serve` as a real server on loopback: worker processes replaced, Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fame.web.management.commands import _processes as processes
from fame.web.server import BACKGROUND_LOCK

from ..polling import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("processes")]


def serving_processes(pid: int) -> set[int]:
    """The processes ``fame serve`` (process ``pid``) has started to serve its port."""
    children: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children.update(int(c) for c in (task / "children").read_text().split())
    return children


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Hub:
    """A hub (`fame serve --role hub --processes 2`) in its own data folder."""

    def __init__(self, root: Path, port: int) -> None:
        self.spec = processes.ProcessSpec("hub", "hub", port, root / "hub", processes=2)
        processes.make_keys([self.spec], hub_url=self.spec.url)
        self.plan = root / "plan.json"
        processes.write_plan(self.plan, self.spec, [])
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> subprocess.Popen[bytes]:
        self.process = processes.start(
            self.spec, hub_url=self.spec.url, plan=self.plan, region=None
        )
        processes.wait_healthy([self.spec], {"hub": self.process}, timeout=120)
        return self.process

    @property
    def log(self) -> str:
        return (self.spec.data_dir / "serve.log").read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def hub(tmp_path: Path, free_tcp_port_factory) -> Iterator[Hub]:
    made = Hub(tmp_path, free_tcp_port_factory())
    try:
        yield made
    finally:
        if made.process is not None:
            processes.stop([made.process], grace=15)


def test_serve_killed_worker_is_replaced_while_the_port_answers(hub: Hub):
    server = hub.start()
    wait_for(lambda: len(serving_processes(server.pid)) == 2, timeout=30, what="two workers")
    workers = serving_processes(server.pid)
    killed = min(workers)

    os.kill(killed, signal.SIGKILL)

    answered = 0
    for _ in range(10):  # the other worker answers meanwhile
        assert processes.health(hub.spec.url, timeout=5) is not None, hub.log
        answered += 1
    wait_for(
        lambda: len(serving_processes(server.pid) - {killed}) == 2 and not alive(killed),
        timeout=30,
        what=f"a worker in place of {killed}",
    )
    assert answered == 10
    assert server.poll() is None
    assert processes.health(hub.spec.url) is not None


def test_serve_ctrl_c_stops_every_process_and_frees_the_port(hub: Hub):
    server = hub.start()
    wait_for(lambda: len(serving_processes(server.pid)) == 2, timeout=30, what="two workers")
    everyone = {server.pid, *serving_processes(server.pid)}

    os.killpg(server.pid, signal.SIGINT)  # what a terminal sends its foreground group on Ctrl-C

    assert server.wait(timeout=15) == 0, hub.log
    wait_for(lambda: not any(alive(pid) for pid in everyone), timeout=10, what="every process")
    assert port_free(hub.spec.port)
    assert "Stopped." in hub.log


def test_serve_background_work_moves_to_another_worker_when_its_worker_dies(hub: Hub):
    server = hub.start()
    lock = hub.spec.data_dir / BACKGROUND_LOCK

    def holder() -> int | None:
        text = lock.read_text(encoding="ascii") if lock.exists() else ""
        return int(text) if text else None

    wait_for(lambda: holder() in serving_processes(server.pid), timeout=30, what="a holder")
    first = holder()
    assert first is not None

    os.kill(first, signal.SIGKILL)

    wait_for(
        lambda: holder() not in {None, first} and holder() in serving_processes(server.pid),
        timeout=30,
        what="another worker to take the background work over",
    )
    assert "Traceback" not in hub.log


def test_serve_port_taken_stops_start_up_with_its_address(tmp_path: Path, free_tcp_port_factory):
    port = free_tcp_port_factory()
    spec = processes.ProcessSpec("hub", "hub", port, tmp_path / "hub")
    spec.data_dir.mkdir()
    with socket.create_server(("127.0.0.1", port)):
        answer = subprocess.run(
            [*processes.FAME, "serve", "--role", "hub", "--port", str(port)],
            env=processes.environment(spec, hub_url=spec.url),
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert answer.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{port}: Address already in use." in answer.stderr
    assert "Traceback" not in answer.stderr


def test_serve_started_again_at_once_after_a_kill_waits_for_the_port(hub: Hub):
    server = hub.start()
    workers = serving_processes(server.pid)
    with socket.create_connection(("127.0.0.1", hub.spec.port)) as unfinished:
        # A request whose body never comes keeps a worker busy after its master is gone.
        unfinished.sendall(b"POST /healthz HTTP/1.1\r\nContent-Length: 9\r\n\r\n")
        time.sleep(0.5)
        server.kill()
        server.wait()

        again = processes.start(hub.spec, hub_url=hub.spec.url, plan=hub.plan, region=None)
        hub.process = again
        time.sleep(8)  # it starts while the old workers still hold the port

    wait_for(lambda: not any(alive(pid) for pid in workers), timeout=30, what="the old workers")
    wait_for(
        lambda: again.poll() is not None or processes.health(hub.spec.url) is not None,
        timeout=60,
        what="the hub started again to answer",
    )
    assert again.poll() is None, hub.log
    assert workers.isdisjoint(serving_processes(again.pid))
