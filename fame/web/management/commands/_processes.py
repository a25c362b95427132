"""Starting, watching and stopping FAME processes on loopback: the demo region and its tests.

Each process is `fame serve` with its own data folder (its own SQLite
database and key), told who it is through the environment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

FAME = [sys.executable, "-m", "fame.cli"]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    role: str  # hub or node
    port: int
    data_dir: Path
    agencies: tuple[str, ...] = ()
    title: str = ""
    processes: int | None = 1
    """Worker processes serving its port (``fame serve --processes``; None: one per core)."""
    threads: int | None = None
    """Threads per worker process (``fame serve --threads``; None: its default)."""
    host: str = "127.0.0.1"
    """The loopback address it listens on (127.0.0.1 unless said; any 127.x.y.z works)."""
    log_name: str = "serve.log"
    """Its output, in its data folder (two processes may share a data folder)."""

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def log(self) -> Path:
        return self.data_dir / self.log_name

    @property
    def public_key_file(self) -> Path:
        return self.data_dir / "federation.pub"


def environment(spec: ProcessSpec, *, hub_url: str, max_backoff: float = 5.0) -> dict[str, str]:
    """The environment of one process: its data folder, role, name and where it answers."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        FAME_DATA_DIR=str(spec.data_dir),
        FAME_ROLE=spec.role,
        FAME_NODE_NAME=spec.name,
        FAME_PUBLIC_URL=spec.url,
        FAME_HUB_URL=hub_url,
        FAME_OUTBOX_MAX_BACKOFF=str(max_backoff),
        PYTHONUNBUFFERED="1",
    )
    env.setdefault("FAME_ENV", "development")
    if env["FAME_ENV"] == "test":
        env["FAME_ENV"] = "development"
    return env


def make_keys(
    specs: list[ProcessSpec],
    *,
    hub_url: str,
    env_for: Callable[[ProcessSpec], dict[str, str]] | None = None,
) -> None:
    """Each process's key (made once, kept in its data folder) and its public half beside it.

    ``env_for`` gives a process's environment (``environment`` unless said)."""
    running = []
    for spec in specs:
        spec.data_dir.mkdir(parents=True, exist_ok=True)
        command = [*FAME, "keys", "--public-key-file", str(spec.public_key_file)]
        if spec.role == "hub":  # nodes witness the hub's audit log with its audit key
            command += ["--audit-public-key-file", str(spec.data_dir / "audit.pub")]
        env = env_for(spec) if env_for else environment(spec, hub_url=hub_url)
        running.append(
            subprocess.Popen(  # noqa: S603 - our own command line
                command, env=env, stdout=subprocess.DEVNULL
            )
        )
    for process in running:
        if process.wait() != 0:
            raise RuntimeError("`fame keys` failed")


def write_plan(path: Path, hub: ProcessSpec, nodes: list[ProcessSpec]) -> None:
    """The plan every process reads at start: who is where, hosting what, with which key."""
    plan = {
        "hub": {
            "url": hub.url,
            "public_key_file": str(hub.public_key_file),
            "audit_public_key_file": str(hub.data_dir / "audit.pub"),
        },
        "nodes": [
            {
                "name": n.name,
                "url": n.url,
                "agencies": list(n.agencies),
                "public_key_file": str(n.public_key_file),
            }
            for n in nodes
        ],
    }
    path.write_text(json.dumps(plan, indent=2), encoding="utf-8")


def start(
    spec: ProcessSpec,
    *,
    hub_url: str,
    plan: Path,
    region: Path | None,
    max_backoff: float = 5.0,
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start `fame serve` for ``spec``, its output going to ``serve.log`` in its data folder."""
    command = [*FAME, "serve", "--role", spec.role, "--name", spec.name, "--port", str(spec.port)]
    command += ["--hub-url", hub_url, "--plan", str(plan)]
    if spec.agencies:
        command += ["--agencies", ",".join(spec.agencies)]
    if spec.processes is not None:
        command += ["--processes", str(spec.processes)]
    if spec.threads is not None:
        command += ["--threads", str(spec.threads)]
    if region is not None:
        command += ["--region", str(region)]
    env = {**environment(spec, hub_url=hub_url, max_backoff=max_backoff), **(extra_env or {})}
    return launch(command, env=env, log=spec.log)


def launch(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``command`` in a session of its own, its output appended to ``log``."""
    with log.open("ab") as output:  # the child keeps its own copy
        return subprocess.Popen(  # noqa: S603 - our own command line
            command,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def play_hub_history(
    hub: ProcessSpec, *, region: Path, wait: float = 1800.0
) -> subprocess.Popen[bytes]:
    """Once the nodes have delivered their history to ``hub``, play the hub's part of the
    demo's history there (``fame history hub``: consents, searches, budgets, detail
    requests), in a process of its own against the hub's data folder
    (the clock it moves back is its own); its output goes to ``history.log`` beside the hub's."""
    command = [*FAME, "history", "hub", "--region", str(region), "--wait", str(wait)]
    return launch(command, env=environment(hub, hub_url=hub.url), log=hub.data_dir / "history.log")


def health(url: str, *, timeout: float = 1.0) -> dict[str, object] | None:
    """A process's /healthz, or None while it does not answer."""
    try:
        response = httpx.get(f"{url}/healthz", timeout=timeout, trust_env=False)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    data = response.json()
    return data if isinstance(data, dict) else None


def wait_healthy(
    specs: list[ProcessSpec],
    processes: dict[str, subprocess.Popen[bytes]],
    *,
    timeout: float,
    say: object = None,
) -> None:
    """Wait until every process answers /healthz; raise if one dies or time runs out."""
    waiting = {spec.name: spec for spec in specs}
    deadline = time.monotonic() + timeout
    while waiting:
        for name, spec in list(waiting.items()):
            if processes[name].poll() is not None:
                raise RuntimeError(f"{name} stopped; see {spec.log}")
            if health(spec.url) is not None:
                del waiting[name]
                if callable(say):
                    say(f"  {name} is up on {spec.url}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"not up after {timeout:.0f} s: {', '.join(waiting)}")
        time.sleep(0.3)


def stop(processes: list[subprocess.Popen[bytes]], *, grace: float = 15.0) -> None:
    """SIGTERM each process, wait for it, and SIGKILL any still running after ``grace``."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stop_on_signals() -> threading.Event:
    """An event set when this process is asked to stop (Ctrl-C or SIGTERM), for a watch loop."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda signum, frame: stop.set())
    return stop
