"""Deliveries take turns to write, across the hub's processes; a delivery kept waiting gets 503."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from fame.federation import _turns, hub_api
from fame.federation._turns import NotYourTurn, delivery_turn, writing_turn
from fame.federation.models import HubReceipt, SeenNonce
from fame.index.models import SourceRecord

from .conftest import NODE, signed_post
from .test_guard import UPDATES, batch

HOLD = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


@contextmanager
def turn_held_by_another_process(data_dir: Path) -> Iterator[None]:
    """Another process holds the hub's writing turn until the block ends."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data_dir / _turns.LOCK_FILE)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        try:
            yield
        finally:
            holder.communicate(timeout=10)  # (closes its input: it lets go and ends)


def test_writing_turn_waits_for_another_process_then_gives_up(settings):
    with (
        turn_held_by_another_process(settings.DATA_DIR),
        pytest.raises(NotYourTurn),
        writing_turn(timeout=0.2),
    ):
        pass  # pragma: no cover - the turn never comes


def test_writing_turn_comes_once_the_other_process_is_done(settings):
    with turn_held_by_another_process(settings.DATA_DIR):
        pass
    # Now it is ours: another try (any other process's) waits.
    with writing_turn(timeout=0.2), pytest.raises(NotYourTurn), writing_turn(timeout=0.05):
        pass  # pragma: no cover


def test_delivery_turn_lets_one_thread_of_a_process_in():
    inside, leave = threading.Event(), threading.Event()

    def first() -> None:
        with delivery_turn(timeout=1):
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(5)
        with pytest.raises(NotYourTurn), delivery_turn(timeout=0.05):
            pass  # pragma: no cover
    finally:
        leave.set()
        thread.join()
    with delivery_turn(timeout=0.05):
        pass


@pytest.mark.django_db
def test_delivery_kept_waiting_is_answered_busy_and_changes_nothing(
    settings, embedded_node, monkeypatch
):
    monkeypatch.setattr(hub_api, "BUSY_AFTER", 0.2)
    with turn_held_by_another_process(settings.DATA_DIR):
        response = signed_post(UPDATES, batch(), key_id=NODE, nonce="kept-waiting")
    assert response.status_code == 503
    assert response.json()["error"] == "busy"
    assert not SourceRecord.objects.exists()
    assert not HubReceipt.objects.exists()
    assert not SeenNonce.objects.exists()  # remembered only with the delivery's effect

    again = signed_post(UPDATES, batch(), key_id=NODE)
    assert again.status_code == 200
    assert SourceRecord.objects.count() == 1
