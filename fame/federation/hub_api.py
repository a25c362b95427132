"""The hub's /federation/v1/hub/ endpoints: index updates and heartbeats from nodes.

Thin: the door (``SignedRequest``) checks the signature and the schemas the
body; these check the node may speak for the agencies named, call one action
and answer JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view

from ._door import ERRORS, ApiError, Refusal, RequestBody, SignedRequest, error_response
from ._turns import NotYourTurn, delivery_turn, writing_turn
from .guard import Caller, remember_nonces
from .ingest import (
    BatchRefused,
    Delivery,
    apply_batch,
    prepare_updates,
    received,
    updates_of,
)
from .models import FederationNode
from .queries import node_key

router = Router(tags=["hub"])

BUSY_AFTER = 10.0
"""Seconds a delivery waits for its turn; then 503 and the node backs off."""
BUSY = "the hub is busy; try again"


def _one_delivery_at_a_time(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let one delivery at a time through the door and into ``run`` in this process
    (``_turns``)."""

    @wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with delivery_turn(timeout=BUSY_AFTER):
                return run(request, *args, **kwargs)
        except NotYourTurn:
            return error_response(503, BUSY)

    return wrapped


class UpdateResult(Schema):
    idempotency_key: str
    status: str = Field(pattern="^(applied|duplicate|rejected|deferred)$")
    outcome: str | None = None
    reason: str | None = None


class Results(Schema):
    results: list[UpdateResult]
    """One per update, in order: deferred ones the node sends again at once."""


@router.post(
    "/index-updates",
    auth=SignedRequest(node_key, remember=False),
    response={200: Results, **ERRORS},
    exclude_none=True,
)
@decorate_view(_one_delivery_at_a_time)
def index_updates(request: HttpRequest, delivery: Delivery) -> dict[str, Any]:
    """Read, check and prepare a delivery; then, in the hub's turn to write, apply it."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    node = FederationNode.objects.get(name=caller.key_id)
    try:
        updates = updates_of(delivery, node=node)
    except BatchRefused as refused:
        raise Refusal(refused.reason, key_id=caller.key_id, status=403) from None
    prepared = prepare_updates(updates, skip=received(updates))
    try:
        with writing_turn(timeout=BUSY_AFTER), transaction.atomic():
            remember_nonces(caller)
            results = apply_batch(updates, node=node, backlog=delivery.backlog, prepared=prepared)
    except NotYourTurn:
        raise ApiError(503, BUSY) from None
    return {"results": results}


class Heartbeat(RequestBody):
    backlog: int | None = Field(None, ge=0)
    """Index updates waiting in the node's outbox."""


class HeartbeatAnswer(Schema):
    status: str = Field(pattern="^ok$")


@router.post("/heartbeat", auth=SignedRequest(node_key), response={200: HeartbeatAnswer, **ERRORS})
def heartbeat(request: HttpRequest, beat: Heartbeat) -> dict[str, str]:
    """A node is alive; how many of its updates wait."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    FederationNode.objects.filter(name=caller.key_id).update(
        last_contact=timezone.now(), outbox_backlog=beat.backlog
    )
    return {"status": "ok"}
