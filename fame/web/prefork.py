"""One listening socket served by several processes: `fame serve --processes N`.

The parent binds the socket, then forks N - 1 children; each process runs its
own waitress server on the same socket, and the kernel hands each new
connection to whichever process accepts it first (a busy one is slower to).
Python runs one thread at a time in a process, so this is how a hub uses more
than one core. A child dies with its parent (at once on Linux) and stops on
SIGTERM or Ctrl-C; the parent stops the children when it stops.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.db import connections

PR_SET_PDEATHSIG = 1


def listen(host: str, port: int) -> socket.socket:
    """The listening socket every process serves (waitress sets its backlog)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1024)
    return listener


_stopping = threading.Event()
_watchers: dict[int, threading.Thread] = {}
"""Each child's thread, the one that waits for it to end."""


def fork_servers(count: int, serve: Callable[[], Any]) -> list[int]:
    """Fork ``count`` children that each call ``serve()`` and exit; their process ids.

    A child that stops before ``stop_servers`` is said on standard error (the
    others go on serving the port; the hub does not fork again while it serves).
    """
    connections.close_all()  # a database connection must not be shared across a fork
    sys.stdout.flush()
    children = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                _die_with_parent(os.getppid())
                signal.signal(signal.SIGTERM, _exit)
                signal.signal(signal.SIGINT, _exit)
                serve()
            except SystemExit:
                pass
            except BaseException:  # say what happened, then leave
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    for pid in children:  # (threads only once every child is forked)
        _watchers[pid] = threading.Thread(
            target=_watch, args=(pid,), name=f"fame-child-{pid}", daemon=True
        )
        _watchers[pid].start()
    return children


def _watch(pid: int) -> None:
    _, status = os.waitpid(pid, 0)
    if not _stopping.is_set():
        sys.stderr.write(
            f"FAME: serving process {pid} stopped ({_how(status)}); the others go on serving.\n"
        )
        sys.stderr.flush()


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def stop_servers(children: list[int], *, grace: float = 10.0) -> None:
    """SIGTERM each child and wait for it; SIGKILL any still running after ``grace``."""
    _stopping.set()
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for pid in children:  # (its watching thread ends when it does)
        _watchers[pid].join(max(0.0, deadline - time.monotonic()))
    for pid in children:
        if _watchers.pop(pid).is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _die_with_parent(parent: int) -> None:
    """Be killed when the parent dies, however it dies: the kernel's parent-death signal
    on Linux; elsewhere a thread that notices the parent is gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # it died before the signal was set
                os._exit(0)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="fame-parent-watch", daemon=True).start()
