"""Witness endpoints: nodes keep the hub's signed tree heads; the hub proves consistency.

On a node (signed by the hub only), ``node_router``:
    POST /federation/v1/node/audit/tree-heads        a head to witness
    POST /federation/v1/node/audit/witnessed-heads   the heads kept, for `verify --witnesses`
    POST /federation/v1/node/audit/restores          the hub's signed restore statement (ADR 0045)
On the hub (signed by a registered node), ``hub_router``:
    POST /federation/v1/hub/audit/consistency        an RFC 6962 consistency proof

Thin: the door checks the request's signature and body; these call one function, answer JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema

from fame.audit._canonical import utc_timestamp
from fame.audit.queries import ProofRefused, consistency_proof_between
from fame.audit.rotation import accept_handovers
from fame.audit.witness import (
    CONSISTENCY_PATH,
    PROOF_TIMEOUT,
    ProofSource,
    ProofUnavailable,
    RestoreStatement,
    SignedTreeHead,
    WitnessRefused,
    current_epoch,
    epoch_base_size,
    witness_restore,
    witness_tree_head,
    witnessed_heads,
)
from fame.federation import (
    ERRORS,
    ApiError,
    ErrorOut,
    FederationClient,
    NoResponse,
    RequestBody,
    SignedRequest,
    federation_client,
    node_key,
)
from fame.node import hub_key

node_router = Router(tags=["audit"])
hub_router = Router(tags=["audit"])

MAX_LIST = 1000
"""Heads per answer of the witnessed-heads listing; the hub asks again with ``after``."""


def proofs_from_hub(client: FederationClient | None = None) -> ProofSource:
    """A ``ProofSource`` that asks the hub, signed with this node's key. Used while the hub
    is calling this node (a head, a restore statement): a circuit to the hub left open by
    calls that failed while it was down is tried again at once."""

    def fetch(first: int, second: int) -> list[bytes]:
        asking = client or federation_client()
        asking.breaker.heard_from("hub")
        try:
            response = asking.post(
                settings.FAME_HUB_URL,
                CONSISTENCY_PATH,
                {"first": first, "second": second},
                key_id=settings.FAME_NODE_NAME,
                peer="hub",
                timeout=PROOF_TIMEOUT,
            )
        except NoResponse as silent:
            reason = f"the hub did not respond ({silent.reason})"
            raise ProofUnavailable(reason, evidence=False) from None
        reason = str(response.data.get("reason", ""))
        if response.status == 409:
            raise ProofUnavailable(reason or "the hub cannot prove it", evidence=True)
        proof = response.data.get("proof")
        if not response.ok or not isinstance(proof, list):
            raise ProofUnavailable(
                f"the hub answered {response.status} {reason}".rstrip(), evidence=False
            )
        try:
            return [bytes.fromhex(node) for node in proof]
        except (TypeError, ValueError):
            reason = "the hub's proof is not a list of hex hashes"
            raise ProofUnavailable(reason, evidence=False) from None

    return fetch


def _hex(digits: int) -> Any:
    return Field(pattern=f"^[0-9a-f]{{{digits}}}$")


class Handover(RequestBody):
    """The old audit key's signature over the new one's public key."""

    old_key_id: str = _hex(16)
    new_key_id: str = _hex(16)
    public_key: str = Field(max_length=200)
    """PEM."""
    signature: str = _hex(128)


class TreeHeadIn(RequestBody):
    """A signed tree head of the hub's audit log."""

    tree_size: int = Field(ge=1)
    root_hash: str = _hex(64)
    timestamp: str = Field(max_length=64)
    """ISO 8601 with a time zone."""
    signature: str = _hex(128)
    key_id: str = _hex(16)
    handovers: list[Handover] = Field(default_factory=list, max_length=100)
    """The audit key's hand-overs, oldest first, when it was rotated (ADR 0046)."""


class Witnessed(Schema):
    status: str
    tree_size: int
    checked_against: int | None


@node_router.post(
    "/tree-heads",
    auth=SignedRequest(hub_key),
    response={200: Witnessed, 424: ErrorOut, **ERRORS},
)
def tree_heads(request: HttpRequest, head: TreeHeadIn) -> dict[str, Any]:
    """Keep the hub's signed tree head if it is consistent with those kept before."""

    def witness() -> Any:
        signed = SignedTreeHead.from_json(head.model_dump(exclude={"handovers"}))
        if head.handovers:  # the audit key was rotated: trust what a trusted key handed over
            accept_handovers([handover.model_dump() for handover in head.handovers])
        return witness_tree_head(signed, proofs=proofs_from_hub())

    return _answer(witness)


def _answer(witness: Callable[[], Any]) -> dict[str, Any]:
    """What the node did with a head or a restore statement, or the refusal as an API error."""
    try:
        witnessed = witness()
    except WitnessRefused as refused:
        error = "bad request" if refused.status == 400 else "refused"
        raise ApiError(refused.status, refused.reason, error=error) from None
    return {
        "status": witnessed.status,
        "tree_size": witnessed.tree_size,
        "checked_against": witnessed.checked_against,
    }


class RestoreIn(RequestBody):
    """The hub's signed statement that history this node witnessed was lost in a restore."""

    epoch: int = Field(ge=1)
    kept_size: int = Field(ge=0)
    lost_size: int = Field(ge=1)
    lost_root: str = _hex(64)
    restored_size: int = Field(ge=0)
    restored_root: str = _hex(64)
    timestamp: str = Field(max_length=64)
    """ISO 8601 with a time zone."""
    signature: str = _hex(128)
    key_id: str = _hex(16)


@node_router.post(
    "/restores",
    auth=SignedRequest(hub_key),
    response={200: Witnessed, 424: ErrorOut, **ERRORS},
)
def restores(request: HttpRequest, statement: RestoreIn) -> dict[str, Any]:
    """Record the hub's restore statement once checked; later heads chain from the restored head."""
    return _answer(
        lambda: witness_restore(
            RestoreStatement.from_json(statement.model_dump()), proofs=proofs_from_hub()
        )
    )


class Page(RequestBody):
    after: int = Field(0, ge=0)
    """0 for the first page, then the last id received."""


class KeptHead(Schema):
    id: int
    tree_size: int
    root_hash: str
    timestamp: str
    signature: str
    key_id: str
    status: str
    reason: str
    received_at: str
    epoch: int
    """Restores this node had recorded when the head came (ADR 0045)."""


class KeptHeads(Schema):
    node: str
    heads: list[KeptHead]
    more: bool
    epoch: int
    """Restores this node has recorded: heads now chain from the latest one's restored head."""
    epoch_base: int
    """The size of that restored head (0 before any restore)."""


@node_router.post(
    "/witnessed-heads", auth=SignedRequest(hub_key), response={200: KeptHeads, **ERRORS}
)
def witnessed(request: HttpRequest, page: Page) -> dict[str, Any]:
    """The heads this node kept, accepted and refused, oldest first, after id ``after``."""
    heads = witnessed_heads(after=page.after, limit=MAX_LIST + 1)
    epoch = current_epoch()
    return {
        "node": settings.FAME_NODE_NAME,
        "heads": [
            {
                "id": head.pk,
                "tree_size": head.tree_size,
                "root_hash": head.root_hash,
                "timestamp": utc_timestamp(head.timestamp),
                "signature": head.signature,
                "key_id": head.key_id,
                "status": head.status,
                "reason": head.reason,
                "received_at": utc_timestamp(head.received_at),
                "epoch": head.epoch,
            }
            for head in heads[:MAX_LIST]
        ],
        "more": len(heads) > MAX_LIST,
        "epoch": epoch,
        "epoch_base": epoch_base_size(epoch),
    }


class Sizes(RequestBody):
    first: int
    second: int
    """Two tree sizes, 1 <= first <= second."""


class Proof(Schema):
    first: int
    second: int
    proof: list[str]
    """The proof's hashes, hex."""


@hub_router.post("/consistency", auth=SignedRequest(node_key), response={200: Proof, **ERRORS})
def consistency(request: HttpRequest, sizes: Sizes) -> dict[str, Any]:
    """An RFC 6962 consistency proof between two sizes of this hub's audit log."""
    try:
        proof = consistency_proof_between(sizes.first, sizes.second)
    except ProofRefused as refused:
        raise ApiError(409, str(refused), error="cannot prove") from None
    except ValueError as wrong:
        raise ApiError(400, str(wrong)) from None
    return {"first": sizes.first, "second": sizes.second, "proof": [n.hex() for n in proof]}
