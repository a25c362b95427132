"""The hub's /federation/v1/hub/ endpoints: index updates and heartbeats from nodes.

Thin: the door (``SignedRequest``) checks the signature and the schemas the
body; these check the node may speak for the agencies named, call one action
and answer JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Field, Router, Schema

from ._door import ERRORS, RequestBody, SignedRequest
from ._signatures import SignatureRefused
from ._turns import NotYourTurn, delivery_turn, writing_turn
from .guard import Caller, refuse, remember_nonces, signed_endpoint
from .ingest import BatchRefused, apply_batch, parse_batch, prepare_updates, received
from .models import FederationNode
from .queries import node_key

router = Router(tags=["hub"])

BUSY_AFTER = 10.0
"""Seconds a delivery waits for its turn; then 503 and the node backs off."""


def _one_delivery_at_a_time(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let one delivery at a time into ``view`` in this process (``_turns``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with delivery_turn(timeout=BUSY_AFTER):
                return view(request, *args, **kwargs)
        except NotYourTurn:
            return _busy()

    return wrapped


def _busy() -> JsonResponse:
    return JsonResponse({"error": "busy", "reason": "the hub is busy; try again"}, status=503)


def _json(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


def _backlog(data: Any) -> int | None:
    value = data.get("backlog") if isinstance(data, dict) else None
    return value if isinstance(value, int) and value >= 0 else None


@_one_delivery_at_a_time
@signed_endpoint(node_key, remember=False)
def index_updates(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Read, check and prepare a delivery; then, in the hub's turn to write, apply it."""
    node = FederationNode.objects.get(name=caller.key_id)
    data = _json(request)
    try:
        updates = parse_batch(data, node=node)
    except BatchRefused as refused:
        if refused.status == 403:
            return refuse(request, refused.reason, key_id=caller.key_id, status=403)
        return JsonResponse({"error": "bad request", "reason": refused.reason}, status=400)
    prepared = prepare_updates(updates, skip=received(updates))
    try:
        with writing_turn(timeout=BUSY_AFTER), transaction.atomic():
            remember_nonces(caller)
            results = apply_batch(updates, node=node, backlog=_backlog(data), prepared=prepared)
    except NotYourTurn:
        return _busy()
    except SignatureRefused as refused:
        return refuse(request, refused.reason, key_id=refused.key_id)
    return JsonResponse({"results": results})


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
