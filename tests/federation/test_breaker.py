"""The circuit breaker: opens after repeated failures, one trial after the cool-down."""

from __future__ import annotations

from fame.federation._breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker(threshold=3, cool_down=10.0, clock=clock)


def test_breaker_opens_after_consecutive_failures():
    circuit = breaker(Clock())
    for _ in range(2):
        circuit.failed("police")
    assert circuit.allow("police")
    circuit.failed("police")
    assert circuit.state("police") == "open"
    assert not circuit.allow("police")
    assert circuit.allow("health"), "one node's failures do not stop calls to another"


def test_breaker_success_resets_the_count():
    circuit = breaker(Clock())
    circuit.failed("police")
    circuit.failed("police")
    circuit.succeeded("police")
    circuit.failed("police")
    assert circuit.state("police") == "closed"


def test_breaker_lets_one_trial_through_after_the_cool_down():
    clock = Clock()
    circuit = breaker(clock)
    for _ in range(3):
        circuit.failed("police")
    clock.now = 10.0
    assert circuit.state("police") == "half-open"
    assert circuit.allow("police")
    assert not circuit.allow("police"), "only one trial at a time"
    circuit.succeeded("police")
    assert circuit.state("police") == "closed"


def test_breaker_failed_trial_opens_again():
    clock = Clock()
    circuit = breaker(clock)
    for _ in range(3):
        circuit.failed("police")
    clock.now = 10.0
    assert circuit.allow("police")
    circuit.failed("police")
    assert circuit.state("police") == "open"
    clock.now = 15.0
    assert not circuit.allow("police")


def test_hearing_from_a_peer_lets_a_trial_through_at_once():
    clock = Clock()
    circuit = breaker(clock)
    for _ in range(3):
        circuit.failed("hub")
    clock.now = 2.0
    assert not circuit.allow("hub")
    circuit.heard_from("hub")
    assert circuit.state("hub") == "half-open"
    assert circuit.allow("hub")
    assert not circuit.allow("hub"), "still one trial at a time"
    circuit.failed("hub")
    assert circuit.state("hub") == "open", "a failed trial opens it for a whole cool-down"


def test_hearing_from_a_peer_leaves_a_closed_circuit_alone():
    circuit = breaker(Clock())
    circuit.failed("hub")
    circuit.heard_from("hub")
    circuit.failed("hub")
    circuit.failed("hub")
    assert circuit.state("hub") == "open", "failures still count"
