"""Deliveries of index updates take turns: one applies at a time, across all the hub's processes.

A hub may run several processes (``fame serve --processes N``). Each reads,
checks and prepares a delivery on its own, then waits for its turn to write:
an exclusive ``flock`` on a file in the data folder. Waiting here, rather than
in the database, wakes the next delivery as soon as the last one is done
(SQLite's busy handler sleeps between tries, up to 100 ms at a time), and a
process that dies holding its turn gives it up with its file descriptor.
Within one process, a delivery also waits for the one before it (threads share
one interpreter: a second delivery's reading would only slow the first's writing).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

LOCK_FILE = "index-updates.lock"
POLL = 0.001
"""Seconds between tries for the turn (``flock`` cannot wait with a time limit)."""

_in_this_process = threading.Lock()


class NotYourTurn(Exception):
    """The turn did not come within the time allowed."""


@contextmanager
def delivery_turn(*, timeout: float) -> Iterator[None]:
    """Hold this process's turn for a whole delivery (reading it and applying it)."""
    if not _in_this_process.acquire(timeout=timeout):
        raise NotYourTurn
    try:
        yield
    finally:
        _in_this_process.release()


@contextmanager
def writing_turn(*, timeout: float) -> Iterator[None]:
    """Hold the hub's one turn to apply index updates, whichever process asks."""
    descriptor = os.open(settings.DATA_DIR / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise NotYourTurn from None
                time.sleep(POLL)
        yield
    finally:
        os.close(descriptor)  # (gives up the lock, if held)
