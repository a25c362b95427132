"""The pure verifier, on rows built in memory: cost, and orderings the database cannot hold."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fame.audit import _merkle
from fame.audit._canonical import event_bytes, tree_head_message
from fame.audit._merkle import CompactTree, leaf_hash
from fame.audit.signing import key_id_for
from fame.audit.verify import check_log

KEY = Ed25519PrivateKey.generate()
KEYS = {key_id_for(KEY.public_key()): KEY.public_key()}
START = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


def build_log(n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """n events and one signed tree head per event, as record_event would store them."""
    events, heads, tree = [], [], CompactTree()
    for seq in range(1, n + 1):
        event: dict[str, Any] = {
            "seq": seq,
            "time": START + timedelta(seconds=seq),
            "actor_id": seq % 7,
            "actor_username": f"user{seq % 7}",
            "organisation": "sch-001",
            "action": "auth.login",
            "target": f"user:{seq % 7}",
            "outcome": "success",
            "details": {},
        }
        leaf = leaf_hash(event_bytes(**event))
        events.append({**event, "leaf_hash": leaf.hex()})
        tree.append(leaf)
        root = tree.root().hex()
        message = tree_head_message(tree_size=seq, timestamp=event["time"], root_hash=root)
        heads.append(
            {
                "tree_size": seq,
                "root_hash": root,
                "timestamp": event["time"],
                "signature": KEY.sign(message).hex(),
                "key_id": key_id_for(KEY.public_key()),
            }
        )
    return events, heads


def test_check_log_does_o_n_log_n_node_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    n = 4096
    events, heads = build_log(n)
    calls = 0
    real_node_hash = _merkle.node_hash

    def counting_node_hash(left: bytes, right: bytes) -> bytes:
        nonlocal calls
        calls += 1
        return real_node_hash(left, right)

    monkeypatch.setattr(_merkle, "node_hash", counting_node_hash)

    problem, tree = check_log(events, heads, KEYS)

    assert problem is None
    assert tree.size == n
    # Recomputing each root from scratch would take about n * n / 2 = 8 million.
    assert calls <= 2 * n * math.log2(n)


def test_check_log_duplicated_event_names_it() -> None:
    events, heads = build_log(5)

    problem, _ = check_log([*events[:3], events[2], *events[3:]], heads, KEYS)

    assert problem is not None
    assert problem.message == "event 3 is out of order or duplicated (expected event 4 next)"
    assert problem.first_bad_event == 3


def test_check_log_duplicated_tree_head_names_it() -> None:
    events, heads = build_log(5)

    problem, _ = check_log(events, [*heads[:3], heads[2], *heads[3:]], KEYS)

    assert problem is not None
    assert problem.message == "tree head for size 3 is out of order or duplicated"


def test_check_log_signed_head_with_wrong_root_names_its_event() -> None:
    events, heads = build_log(6)
    forged_root = leaf_hash(b"something else").hex()
    message = tree_head_message(tree_size=4, timestamp=heads[3]["timestamp"], root_hash=forged_root)
    heads[3] = {**heads[3], "root_hash": forged_root, "signature": KEY.sign(message).hex()}

    problem, _ = check_log(events, heads, KEYS)

    assert problem is not None
    assert problem.first_bad_event == 4
    assert problem.message.startswith("event 4 was altered, replaced or reordered")


def test_check_log_state_with_wrong_frontier_is_reported() -> None:
    events, heads = build_log(3)

    problem, _ = check_log(
        events, heads, KEYS, state={"tree_size": 3, "frontier": ["00" * 32, "11" * 32]}
    )

    assert problem is not None
    assert problem.first_bad_event is None
    assert problem.message.startswith("the log's running state (size 3) does not match")
