"""The hub sends its latest signed tree head to every node, which keeps it as a witness.

``publish_tree_head`` does one round (``fame audit publish``); ``TreeHeadPublisher``
repeats it in a thread of the hub's `fame serve`, sending a node only a head it
has not accepted yet. Each call is a signed federation request (key id ``hub``).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from fame.audit._rounds import Rounds
from fame.audit.actions import record_event
from fame.audit.models import Outcome
from fame.audit.queries import latest_tree_head
from fame.audit.rotation import handovers
from fame.audit.witness import SignedTreeHead
from fame.federation import FederationClient, NoResponse, federation_client
from fame.federation.models import FederationNode

logger = logging.getLogger(__name__)

HUB_KEY_ID = "hub"
"""The hub's key id in every federation request (ADR 8)."""
TREE_HEADS_PATH = "/federation/v1/node/audit/tree-heads"
PUBLISH_TIMEOUT = 15.0
"""The node asks the hub for a consistency proof before it answers."""
PUBLISH_EVERY = 60.0


@dataclass(frozen=True)
class Publication:
    """What one node said to the head: accepted, already witnessed, refused, inconsistent,
    unchecked (it could not get a proof) or no answer."""

    node: str
    status: str
    tree_size: int
    reason: str = ""

    @property
    def kept(self) -> bool:
        return self.status in {"accepted", "already witnessed"}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_STATUS_BY_CODE = {403: "refused", 409: "inconsistent", 424: "unchecked"}


def current_head() -> SignedTreeHead | None:
    head = latest_tree_head()
    if head is None:
        return None
    return SignedTreeHead(
        head.tree_size, head.root_hash, head.timestamp, head.signature, head.key_id
    )


def publish_tree_head(
    *,
    client: FederationClient | None = None,
    skip: dict[str, int] | None = None,
) -> list[Publication]:
    """Send the latest signed tree head to every registered node; what each answered.

    ``skip`` maps node names to the size each already accepted: they are not sent it again.
    A node that refuses the head as inconsistent is audited here too.
    """
    head = current_head()
    if head is None:
        return []
    client = client or federation_client()
    payload = head.as_json()
    statements = handovers()
    if statements:  # the audit key was rotated: nodes learn the new key from the old
        payload["handovers"] = statements  # (a node of the previous version ignores them)
    results = []
    for node in FederationNode.objects.all():
        if skip is not None and skip.get(node.name) == head.tree_size:
            continue
        results.append(_send(client, node.name, node.base_url, payload, head.tree_size))
    for result in results:
        if result.status == "inconsistent":
            record_event(
                "audit.witness_refused_head",
                target=f"node:{result.node}",
                outcome=Outcome.FAILURE,
                details={"tree_size": result.tree_size, "reason": result.reason},
            )
    return results


def _send(
    client: FederationClient, name: str, url: str, payload: dict[str, Any], size: int
) -> Publication:
    try:
        response = client.post(
            url, TREE_HEADS_PATH, payload, key_id=HUB_KEY_ID, peer=name, timeout=PUBLISH_TIMEOUT
        )
    except NoResponse as silent:
        return Publication(name, "no answer", size, silent.reason)
    reason = str(response.data.get("reason", ""))
    if response.ok:
        return Publication(name, str(response.data.get("status", "accepted")), size)
    status = _STATUS_BY_CODE.get(response.status, "refused")
    return Publication(name, status, size, reason or f"answered {response.status}")


class TreeHeadPublisher(Rounds):
    """Publish the latest tree head every ``every`` seconds until stopped (the hub's serve)."""

    failure = "publishing the audit tree head failed"

    def __init__(self, *, every: float = PUBLISH_EVERY) -> None:
        super().__init__(name="fame-tree-heads", every=every)
        self.accepted: dict[str, int] = {}

    def round(self) -> None:
        for result in publish_tree_head(skip=self.accepted):
            if result.kept:
                self.accepted[result.node] = result.tree_size
            else:
                logger.warning(
                    "tree head %s not kept by %s: %s %s",
                    result.tree_size,
                    result.node,
                    result.status,
                    result.reason,
                )
