"""The hub's /federation/v1/hub/ endpoints: index updates and heartbeats from nodes.

Thin: the guard checks the signature, these parse, check the node may speak
for the agencies named, call one action and answer JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from ._signatures import SignatureRefused
from ._turns import NotYourTurn, delivery_turn, writing_turn
from .guard import Caller, refuse, remember_nonces, signed_endpoint
from .ingest import BatchRefused, apply_batch, parse_batch, prepare_updates, received
from .keys import PublicKeyError, load_public_pem
from .models import FederationNode

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


def node_key(name: str) -> Ed25519PublicKey | None:
    """A registered node's public key (the key id of a node's request is its name)."""
    node = FederationNode.objects.filter(name=name).first()
    if node is None:
        return None
    try:
        return load_public_pem(node.public_key)
    except PublicKeyError:
        return None


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


@signed_endpoint(node_key)
def heartbeat(request: HttpRequest, caller: Caller) -> HttpResponse:
    data = _json(request)
    FederationNode.objects.filter(name=caller.key_id).update(
        last_contact=timezone.now(), outbox_backlog=_backlog(data)
    )
    return JsonResponse({"status": "ok"})
