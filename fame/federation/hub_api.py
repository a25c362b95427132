"""The hub's /federation/v1/hub/ endpoints: index updates and heartbeats from nodes.

Thin: the guard checks the signature, these parse, check the node may speak
for the agencies named, call one action and answer JSON.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from .guard import Caller, refuse, signed_endpoint
from .ingest import BatchRefused, apply_batch, parse_batch
from .keys import PublicKeyError, load_public_pem
from .models import FederationNode

_applying = threading.Lock()
BUSY_AFTER = 10.0
"""Seconds a delivery waits for the batch before it; then 503 and the node backs off."""


def _one_batch_at_a_time(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let one delivery at a time into ``view``, its signature check included.

    Waiting here is cheaper than the database's busy loop: the check writes the
    request's nonce, and on SQLite a write waiting behind a batch's transaction
    sleeps between tries (up to 100 ms a time), so the hub sat idle after each
    batch until the next delivery's nonce was in.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _applying.acquire(timeout=BUSY_AFTER):
            return JsonResponse(
                {"error": "busy", "reason": "the hub is busy; try again"}, status=503
            )
        try:
            return view(request, *args, **kwargs)
        finally:
            _applying.release()

    return wrapped


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


@_one_batch_at_a_time
@signed_endpoint(node_key)
def index_updates(request: HttpRequest, caller: Caller) -> HttpResponse:
    node = FederationNode.objects.get(name=caller.key_id)
    data = _json(request)
    try:
        updates = parse_batch(data, node=node)
    except BatchRefused as refused:
        if refused.status == 403:
            return refuse(request, refused.reason, key_id=caller.key_id, status=403)
        return JsonResponse({"error": "bad request", "reason": refused.reason}, status=400)
    results = apply_batch(updates, node=node, backlog=_backlog(data))
    return JsonResponse({"results": results})


@signed_endpoint(node_key)
def heartbeat(request: HttpRequest, caller: Caller) -> HttpResponse:
    data = _json(request)
    FederationNode.objects.filter(name=caller.key_id).update(
        last_contact=timezone.now(), outbox_backlog=_backlog(data)
    )
    return JsonResponse({"status": "ok"})
