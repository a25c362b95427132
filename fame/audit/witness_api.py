"""Witness endpoints: nodes keep the hub's signed tree heads; the hub proves consistency.

On a node (signed by the hub only):
    POST /federation/v1/node/audit/tree-heads        a head to witness
    POST /federation/v1/node/audit/witnessed-heads   the heads kept, for `verify --witnesses`
On the hub (signed by a registered node):
    POST /federation/v1/hub/audit/consistency        an RFC 6962 consistency proof

Thin: the guard checks the request's signature; these parse, call one function, answer JSON.
"""

from __future__ import annotations

import json
from typing import Any, TypeGuard

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from fame.audit._canonical import utc_timestamp
from fame.audit.queries import ProofRefused, consistency_proof_between
from fame.audit.witness import (
    CONSISTENCY_PATH,
    PROOF_TIMEOUT,
    ProofSource,
    ProofUnavailable,
    SignedTreeHead,
    WitnessRefused,
    witness_tree_head,
    witnessed_heads,
)
from fame.federation import (
    Caller,
    FederationClient,
    NoResponse,
    federation_client,
    node_key,
    signed_endpoint,
)
from fame.node import hub_key

MAX_LIST = 1000
"""Heads per answer of the witnessed-heads listing; the hub asks again with ``after``."""


def _json(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _bad(reason: str) -> JsonResponse:
    return JsonResponse({"error": "bad request", "reason": reason}, status=400)


def proofs_from_hub(client: FederationClient | None = None) -> ProofSource:
    """A ``ProofSource`` that asks the hub, signed with this node's key."""

    def fetch(first: int, second: int) -> list[bytes]:
        try:
            response = (client or federation_client()).post(
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


@signed_endpoint(hub_key)
def tree_heads(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Keep the hub's signed tree head if it is consistent with those kept before."""
    try:
        head = SignedTreeHead.from_json(_json(request))
        witnessed = witness_tree_head(head, proofs=proofs_from_hub())
    except WitnessRefused as refused:
        error = "bad request" if refused.status == 400 else "refused"
        return JsonResponse({"error": error, "reason": refused.reason}, status=refused.status)
    return JsonResponse(
        {
            "status": witnessed.status,
            "tree_size": witnessed.tree_size,
            "checked_against": witnessed.checked_against,
        }
    )


@signed_endpoint(hub_key)
def witnessed(request: HttpRequest, caller: Caller) -> HttpResponse:
    """The heads this node kept, accepted and refused, oldest first, after id ``after``."""
    data = _json(request)
    after = data.get("after", 0) if isinstance(data, dict) else None
    if not _whole(after) or after < 0:
        return _bad('send {"after": N}: 0 for the first page, then the last id received')
    heads = witnessed_heads(after=after, limit=MAX_LIST + 1)
    return JsonResponse(
        {
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
                }
                for head in heads[:MAX_LIST]
            ],
            "more": len(heads) > MAX_LIST,
        }
    )


@signed_endpoint(node_key)
def consistency(request: HttpRequest, caller: Caller) -> HttpResponse:
    """An RFC 6962 consistency proof between two sizes of this hub's audit log."""
    data = _json(request)
    first, second = (data.get("first"), data.get("second")) if isinstance(data, dict) else (0, 0)
    if not (_whole(first) and _whole(second)):
        return _bad('send {"first": M, "second": N}: two tree sizes, 1 <= M <= N')
    try:
        proof = consistency_proof_between(first, second)
    except ProofRefused as refused:
        return JsonResponse({"error": "cannot prove", "reason": str(refused)}, status=409)
    except ValueError as wrong:
        return _bad(str(wrong))
    return JsonResponse({"first": first, "second": second, "proof": [node.hex() for node in proof]})
