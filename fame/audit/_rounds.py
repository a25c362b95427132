"""A thread that does one round of background work every so many seconds until stopped."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


class Rounds(threading.Thread):
    """Call ``round()`` every ``every`` seconds until ``stop()``; a round that fails is logged
    (as ``failure``) and the next one runs as usual. The thread's database connection is
    refreshed before each round and closed at the end."""

    failure = "a background round failed"

    def __init__(self, *, name: str, every: float) -> None:
        super().__init__(name=name, daemon=True)
        self.every = every
        self.stopping = threading.Event()

    def round(self) -> None:
        raise NotImplementedError

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                close_old_connections()
                try:
                    self.round()
                except Exception:  # keep going whatever one round ran into
                    logger.exception(self.failure)
                self.stopping.wait(self.every)
        finally:
            connection.close()

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.join(timeout)
