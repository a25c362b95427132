"""A circuit breaker per peer: stop calling a peer that keeps failing, try again after a cool-down.

Closed: calls go through. After ``threshold`` consecutive failures the circuit
opens: calls fail at once, so a page that asks a dead node answers
immediately. After ``cool_down`` one trial call is let through (half-open): a
success closes the circuit, a failure opens it again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _State:
    failures: int = 0
    opened_at: float | None = None
    trial_in_flight: bool = False


class CircuitBreaker:
    def __init__(
        self,
        *,
        threshold: int = 3,
        cool_down: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.cool_down = cool_down
        self.clock = clock
        self._states: dict[str, _State] = {}
        self._lock = threading.Lock()

    def _state(self, peer: str) -> _State:
        return self._states.setdefault(peer, _State())

    def state(self, peer: str) -> str:
        """``closed``, ``open`` or ``half-open``."""
        with self._lock:
            state = self._state(peer)
            if state.opened_at is None:
                return "closed"
            if self.clock() - state.opened_at >= self.cool_down:
                return "half-open"
            return "open"

    def allow(self, peer: str) -> bool:
        """Whether a call to ``peer`` may go ahead now (in half-open, only one at a time)."""
        with self._lock:
            state = self._state(peer)
            if state.opened_at is None:
                return True
            if self.clock() - state.opened_at < self.cool_down or state.trial_in_flight:
                return False
            state.trial_in_flight = True
            return True

    def heard_from(self, peer: str) -> None:
        """``peer`` has just called this process, so it is up again: if its circuit is open,
        let the next call through now as the trial, rather than at the end of the cool-down
        (a node asked by a restarted hub to witness fetches the hub's proof at once)."""
        with self._lock:
            state = self._states.get(peer)
            if state is not None and state.opened_at is not None and not state.trial_in_flight:
                state.opened_at = self.clock() - self.cool_down

    def succeeded(self, peer: str) -> None:
        with self._lock:
            self._states[peer] = _State()

    def failed(self, peer: str) -> None:
        with self._lock:
            state = self._state(peer)
            state.failures += 1
            state.trial_in_flight = False
            if state.opened_at is not None or state.failures >= self.threshold:
                state.opened_at = self.clock()

    def reset(self) -> None:
        with self._lock:
            self._states.clear()


breakers = CircuitBreaker()
"""The process's breakers: the hub's view of its nodes, a node's view of the hub."""
