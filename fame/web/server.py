"""Serving FAME with gunicorn: the WSGI server behind `fame serve` (ADR 0022).

gunicorn's master process binds the port and keeps ``processes`` worker
processes serving it, each with ``threads`` threads (gunicorn's ``gthread``
worker; ``sync`` for one thread). A worker that dies is replaced; SIGHUP
replaces every worker gracefully; SIGTERM stops gracefully; SIGINT (Ctrl-C)
stops at once. The application is loaded in the master before it forks, with
no database connection open, so a worker starts quickly and opens its own.

Background work (a node's outbox, the hub's tree heads, the audit sequencer) runs in one worker at
a time: the one holding an exclusive ``flock`` on ``DATA_DIR/background.lock``.
Every worker waits for it in a thread; when the holder dies, the kernel
releases its lock and the next worker carries on. The master runs no thread:
it forks a new worker whenever one dies, and a fork copies only the thread
that forks.
"""

from __future__ import annotations

import fcntl
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import connections
from gunicorn.app.base import BaseApplication

__all__ = ["BACKGROUND_LOCK", "Background", "default_processes", "serve"]

BACKGROUND_LOCK = "background.lock"
"""File in the data folder whose ``flock`` the worker running the background work holds;
it holds that worker's process id."""
GRACE = 10
"""Seconds a stopping worker has to finish the requests it is answering (SIGTERM, SIGHUP)."""


class Background(Protocol):
    """A background thread: ``OutboxWorker``, ``TreeHeadPublisher``, ``Sequencer``."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def default_processes() -> int:
    """One worker process per core this process may use (at most 32)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(32, cores))


def serve(
    application: Callable[..., Any],
    *,
    host: str,
    port: int,
    processes: int,
    threads: int,
    background: Callable[[], list[Background]] | None,
    ready: Callable[[], None],
) -> None:
    """Serve ``application`` on ``host:port`` until stopped (ends by ``SystemExit``).

    ``background()`` makes the background threads, in the one worker that runs them
    (none without it); ``ready()`` is called once the port is bound, before any worker.
    """
    turn = _BackgroundTurn(background, settings.DATA_DIR / BACKGROUND_LOCK) if background else None
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": processes,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": True,
        "graceful_timeout": GRACE,
        "accesslog": None,  # quiet, as before; errors and dead workers go to standard error
        "errorlog": "-",
        "loglevel": "warning",
        "forwarded_allow_ips": "",  # trust no proxy's X-Forwarded-* headers, as before
        "control_socket_disable": True,  # (one per user by default: nodes would share it)
        "when_ready": lambda server: ready(),
        "pre_fork": lambda server, worker: connections.close_all(),
    }
    if turn is not None:
        options["post_worker_init"] = lambda worker: turn.wait_in_thread()
        options["worker_exit"] = lambda server, worker: turn.stop()
    connections.close_all()  # a database connection must not be shared across a fork
    sys.stdout.flush()
    _Application(application, options).run()


class _Application(BaseApplication):
    """gunicorn's documented custom application: our options, an already loaded WSGI app."""

    def __init__(self, application: Callable[..., Any], options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        return self.application


class _BackgroundTurn:
    """The background work of this worker process, once it holds the lock."""

    def __init__(self, make: Callable[[], list[Background]], lock_file: Path) -> None:
        self.make = make
        self.lock_file = lock_file
        self.running: list[Background] = []
        self.lock = threading.Lock()
        self.stopped = False

    def wait_in_thread(self) -> None:
        threading.Thread(target=self._wait, name="fame-background-turn", daemon=True).start()

    def _wait(self) -> None:
        descriptor = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # (kept until this process ends)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, str(os.getpid()).encode("ascii"), 0)
        with self.lock:
            if self.stopped:
                return
            self.running = self.make()
            for thread in self.running:
                thread.start()

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            for thread in self.running:
                thread.stop()
