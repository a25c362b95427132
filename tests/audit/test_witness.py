"""Nodes witness the hub's audit log: signed tree heads go to the node, which keeps them.

A head is kept only when the hub's audit key signed it and the hub proves it
consistent with the latest head kept; anything else is refused and audited,
and an inconsistent head is kept as evidence.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fame.audit import record_event
from fame.audit._canonical import tree_head_message, utc_timestamp
from fame.audit.models import AuditEvent, TreeHead, WitnessedTreeHead, WitnessStatus
from fame.audit.publish import TREE_HEADS_PATH, publish_tree_head
from fame.audit.queries import latest_tree_head
from fame.audit.sequencer import integrate
from fame.audit.signing import key_id_for, signing_key
from fame.audit.witness import CONSISTENCY_PATH
from fame.federation import federation_client

from .conftest import NODE, ORIGIN, rewrite_log, truncate_log

pytestmark = pytest.mark.django_db

WITNESSED_PATH = "/federation/v1/node/audit/witnessed-heads"


def add_events(n: int) -> None:
    """``n`` events, far enough apart for the sequencer to sign a head for each."""
    for i in range(n):
        record_event("index.record_opened", target=f"child:{i}", details={"i": i})
        integrate()


def head_json(head: TreeHead | None = None, **changes: Any) -> dict[str, Any]:
    head = head or latest_tree_head()
    assert head is not None
    data = {
        "tree_size": head.tree_size,
        "root_hash": head.root_hash,
        "timestamp": utc_timestamp(head.timestamp),
        "signature": head.signature,
        "key_id": head.key_id,
    }
    return {**data, **changes}


def signed_head(size: int, root: str, key: Any = None) -> dict[str, Any]:
    """A tree head the hub's audit key (or ``key``) really signed, for any size and root."""
    key = key or signing_key("audit").private_key
    stamp = latest_tree_head().timestamp + timedelta(seconds=1)  # type: ignore[union-attr]
    message = tree_head_message(tree_size=size, timestamp=stamp, root_hash=root)
    return {
        "tree_size": size,
        "root_hash": root,
        "timestamp": utc_timestamp(stamp),
        "signature": key.sign(message).hex(),
        "key_id": key_id_for(key.public_key()),
    }


def send_to_node(payload: Any, *, key_id: str = "hub", path: str = TREE_HEADS_PATH):
    return federation_client().post(ORIGIN, path, payload, key_id=key_id, peer=NODE)


def kept(status: str = WitnessStatus.ACCEPTED) -> list[tuple[int, str]]:
    rows = WitnessedTreeHead.objects.filter(status=status).order_by("id")
    return [(h.tree_size, h.root_hash) for h in rows]


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_published_head_goes_to_the_node_and_is_kept(witnessing_node) -> None:
    add_events(3)
    head = latest_tree_head()
    assert head is not None

    results = publish_tree_head()

    assert [(r.node, r.status, r.tree_size) for r in results] == [
        (NODE, "accepted", head.tree_size)
    ]
    stored = WitnessedTreeHead.objects.get()
    assert (stored.tree_size, stored.root_hash, stored.signature, stored.key_id) == (
        head.tree_size,
        head.root_hash,
        head.signature,
        head.key_id,
    )
    assert stored.timestamp == head.timestamp
    assert stored.checked_against is None


def test_later_head_is_kept_once_the_hub_proves_it_consistent(witnessing_node) -> None:
    add_events(3)
    publish_tree_head()
    first = WitnessedTreeHead.objects.get().tree_size
    add_events(5)

    results = publish_tree_head()

    later = WitnessedTreeHead.objects.order_by("-id").first()
    assert results[0].status == "accepted"
    assert later is not None and later.checked_against == first
    assert later.proof  # the proof the node checked, kept with the head
    assert [size for size, _ in kept()] == [first, later.tree_size]


def test_same_head_published_twice_is_kept_once(witnessing_node) -> None:
    add_events(2)
    publish_tree_head()

    results = publish_tree_head()

    assert results[0].status == "already witnessed"
    assert WitnessedTreeHead.objects.count() == 1


def test_older_head_sent_late_is_checked_and_kept(witnessing_node) -> None:
    add_events(4)
    older = latest_tree_head()
    add_events(4)
    publish_tree_head()

    response = send_to_node(head_json(older))

    assert response.status == 200, response.data
    assert response.data["status"] == "accepted"
    assert older is not None and older.tree_size in [size for size, _ in kept()]


def test_forged_head_with_bad_signature_is_refused_and_audited(witnessing_node) -> None:
    add_events(3)
    forged = head_json(root_hash="ab" * 32)  # the hub's signature over another root

    response = send_to_node(forged)

    assert response.status == 403
    assert response.data["reason"] == (
        "refused: its signature does not verify with the hub's audit key"
    )
    assert not WitnessedTreeHead.objects.exists()
    refusal = audited("audit.witness_refused")[-1]
    assert refusal.outcome == "refused"
    assert refusal.details["root_hash"] == "ab" * 32


def test_head_signed_by_an_untrusted_key_is_refused(witnessing_node) -> None:
    add_events(2)
    stranger = Ed25519PrivateKey.generate()

    response = send_to_node(signed_head(9, "cd" * 32, key=stranger))

    assert response.status == 403
    assert "which this node does not trust" in response.data["reason"]
    assert "fame audit trust" in response.data["reason"]
    assert not WitnessedTreeHead.objects.exists()
    assert audited("audit.witness_refused")


def test_head_contradicting_a_witnessed_one_at_the_same_size_is_refused_and_kept(
    witnessing_node,
) -> None:
    add_events(3)
    publish_tree_head()
    size, root = kept()[0]

    response = send_to_node(signed_head(size, "ef" * 32))

    assert response.status == 409
    assert f"witnessed a different root for size {size}" in response.data["reason"]
    assert kept() == [(size, root)]
    assert kept(WitnessStatus.INCONSISTENT) == [(size, "ef" * 32)]
    assert audited("audit.witness_inconsistent")[-1].details["tree_size"] == size


def test_head_of_a_rewritten_log_is_refused_as_inconsistent(witnessing_node) -> None:
    add_events(4)
    publish_tree_head()
    witnessed_size = kept()[0][0]
    add_events(2)
    rewrite_log(2, outcome="failure")  # the log passes its own check after this

    results = publish_tree_head()

    assert results[0].status == "inconsistent"
    assert "the log was rewritten" in results[0].reason
    evidence = WitnessedTreeHead.objects.get(status=WitnessStatus.INCONSISTENT)
    assert evidence.checked_against == witnessed_size
    assert evidence.proof  # the proof that failed, kept as evidence
    assert [size for size, _ in kept()] == [witnessed_size]
    assert audited("audit.witness_inconsistent")  # on the node
    assert audited("audit.witness_refused_head")[-1].target == f"node:{NODE}"  # on the hub


def test_head_of_a_truncated_log_is_refused_as_inconsistent(witnessing_node) -> None:
    add_events(6)
    publish_tree_head()
    witnessed_size = kept()[0][0]
    truncate_log(witnessed_size - 2)

    results = publish_tree_head()

    assert results[0].status == "inconsistent"
    assert f"cannot vouch for a tree of size {witnessed_size}" in results[0].reason
    assert WitnessedTreeHead.objects.filter(status=WitnessStatus.INCONSISTENT).count() == 1


def test_head_is_not_kept_when_the_hub_cannot_be_asked_for_a_proof(
    witnessing_node, settings
) -> None:
    add_events(2)
    publish_tree_head()
    add_events(2)
    settings.FAME_HUB_URL = "http://down.example"

    results = publish_tree_head()

    assert results[0].status == "unchecked"
    assert "the hub did not respond" in results[0].reason
    assert WitnessedTreeHead.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "complaint"),
    [
        (None, "(body): must be a JSON object"),
        ({"tree_size": 0}, "tree_size: Input should be greater than or equal to 1"),
        ({"root_hash": "XYZ"}, "root_hash: String should match pattern '^[0-9a-f]{64}$'"),
        ({"timestamp": "yesterday"}, "timestamp must be ISO 8601 with a time zone"),
        ({"timestamp": "2026-11-23T10:00:00"}, "timestamp must be ISO 8601 with a time zone"),
    ],
)
def test_malformed_head_is_refused_with_a_clear_reason(
    witnessing_node, payload: Any, complaint: str
) -> None:
    add_events(1)
    body = payload if payload is None else head_json(**payload)

    response = send_to_node(body)

    assert response.status == 400
    assert complaint in response.data["reason"]
    assert not WitnessedTreeHead.objects.exists()


@pytest.mark.parametrize("path", [TREE_HEADS_PATH, WITNESSED_PATH])
def test_node_witness_endpoints_refuse_anyone_but_the_hub(witnessing_node, path: str) -> None:
    add_events(1)

    response = send_to_node(head_json(), key_id=NODE, path=path)

    assert response.status == 401
    assert not WitnessedTreeHead.objects.exists()
    assert audited("federation.refused")[-1].target == path


def test_hub_consistency_endpoint_refuses_anyone_but_a_registered_node(witnessing_node) -> None:
    add_events(4)

    response = federation_client().post(
        ORIGIN, CONSISTENCY_PATH, {"first": 1, "second": 2}, key_id="hub", peer="hub"
    )

    assert response.status == 401


@pytest.mark.parametrize(
    ("sizes", "status", "complaint"),
    [
        ({"first": "1", "second": 2}, 400, "first: Input should be a valid integer"),
        ({"first": 3, "second": 2}, 400, "1 <= first <= second, not 3 and 2"),
        ({"first": 1, "second": 999}, 409, "cannot vouch for a tree of size 999"),
    ],
)
def test_hub_consistency_endpoint_explains_what_it_cannot_prove(
    witnessing_node, sizes: dict[str, Any], status: int, complaint: str
) -> None:
    add_events(4)

    response = federation_client().post(ORIGIN, CONSISTENCY_PATH, sizes, key_id=NODE, peer="hub")

    assert response.status == status
    assert complaint in response.data["reason"]


def test_witnessed_heads_listing_pages_through_every_head(witnessing_node, monkeypatch) -> None:
    from fame.audit import witness_api

    monkeypatch.setattr(witness_api, "MAX_LIST", 2)
    for _ in range(3):
        add_events(1)
        publish_tree_head()

    first = send_to_node({"after": 0}, path=WITNESSED_PATH)
    rest = send_to_node({"after": first.data["heads"][-1]["id"]}, path=WITNESSED_PATH)

    assert first.data["more"] is True and len(first.data["heads"]) == 2
    assert rest.data["more"] is False and len(rest.data["heads"]) == 1
    assert first.data["node"] == NODE


def test_a_head_is_checked_though_the_circuit_to_the_hub_was_left_open(witnessing_node) -> None:
    """Calls to the hub failed while it was down (a restart, a restore): when it calls again
    with a head, the node fetches its proof at once instead of refusing until the cool-down
    ends."""
    from fame.federation._breaker import breakers

    add_events(2)
    assert publish_tree_head()[0].status == "accepted"
    add_events(2)
    for _ in range(breakers.threshold):
        breakers.failed("hub")
    assert breakers.state("hub") == "open"

    [result] = publish_tree_head()

    assert result.status == "accepted", result.reason
    assert breakers.state("hub") == "closed"
