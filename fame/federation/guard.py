"""The signature check of every /federation/v1/ endpoint: signed, or 401 and an audit event.

Every endpoint reaches it through the API door (``_door.SignedRequest``).

A refused request changes nothing but the audit log: its nonce is not even
remembered. An accepted request's nonce (and its assertion's id) are
remembered until they could no longer be valid, so a replay is refused. An
endpoint that writes in a transaction of its own may remember them there
instead (``SignedRequest(..., remember=False)`` and ``remember_nonces``), so
that checking a signature needs no write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from fame.audit import record_event

from ._assertions import AssertionRefused, UserAssertion, read_assertion
from ._signatures import ASSERTION_HEADER, KeyAnswer, SignatureRefused, as_ring, verify_request
from .models import SeenNonce

KeyLookup = Callable[[str], KeyAnswer]
REMEMBER_FOR = timedelta(minutes=5)
"""Longer than any signature or assertion lives, plus clock skew."""


@dataclass(frozen=True)
class Caller:
    """Who sent an accepted request (their key id) and the person behind it, if any."""

    key_id: str
    assertion: UserAssertion | None = None
    nonces: tuple[str, ...] = ()
    """The request's nonce and assertion id, for ``remember_nonces`` when the endpoint
    remembers them itself."""


def refuse(
    request: HttpRequest, reason: str, *, key_id: str = "", status: int = 401
) -> JsonResponse:
    """Answer 401 (or 403) with the reason, and audit it; nothing else changes."""
    record_event(
        "federation.refused",
        target=request.path,
        outcome="refused",
        details={
            "reason": reason,
            "key_id": key_id,
            "method": request.method or "",
            "status": status,
        },
        request=request,
    )
    return JsonResponse({"error": "refused", "reason": reason}, status=status)


def _remember_once(values: list[str], *, until: Any) -> bool:
    """Remember every value, or none if any was already seen (a replay)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            SeenNonce.objects.filter(expires_at__lt=now).delete()
            SeenNonce.objects.bulk_create(SeenNonce(value=v, expires_at=until) for v in values)
    except IntegrityError:
        return False
    return True


def _already_seen(values: list[str]) -> bool:
    return SeenNonce.objects.filter(value__in=values).exists()


def _received_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}{request.get_full_path()}"


def remember_nonces(caller: Caller) -> None:
    """Remember a caller's nonces, or raise ``SignatureRefused`` if one was used before.

    For an endpoint made with ``remember=False``: call it inside the transaction
    that holds the request's effect, before anything else is written, so that a
    replay is refused and a request whose effect is undone can be sent again.
    """
    if not _remember_once(list(caller.nonces), until=timezone.now() + REMEMBER_FOR):
        raise SignatureRefused(
            "replayed: this nonce or assertion was used before", key_id=caller.key_id
        )


def _read_with_any(
    token: str, keys: tuple[Ed25519PublicKey, ...], *, first: Ed25519PublicKey | None
) -> UserAssertion:
    """The assertion read with the key that signed the request, else another key the issuer
    holds (during a key rotation the two may differ); the first key's refusal otherwise."""
    ordered = [first] if first in keys else []
    ordered += [key for key in keys if key is not first]
    refusal: AssertionRefused | None = None
    for key in ordered:
        try:
            return read_assertion(token, public_key=key, audience=settings.FAME_NODE_NAME)
        except AssertionRefused as refused:
            refusal = refusal or refused
    raise refusal or AssertionRefused("the issuer holds no key")


def check_request(
    request: HttpRequest,
    *,
    keys: KeyLookup,
    assertion_key: KeyLookup | None = None,
    remember: bool = True,
) -> Caller:
    """The caller of a signed request, or raise ``SignatureRefused``/``AssertionRefused``.

    The nonces are remembered unless ``remember`` is false (the caller then calls
    ``remember_nonces``); one seen before is refused either way.
    """
    signature = verify_request(
        method=request.method or "",
        url=_received_url(request),
        headers=request.headers.items(),
        body=request.body,
        public_key_for=keys,
        origin=settings.FAME_PUBLIC_URL,
    )
    remembered = [f"nonce:{signature.key_id}:{signature.nonce}"]
    assertion = None
    if assertion_key is not None:
        token = request.headers.get(ASSERTION_HEADER, "")
        if not token or not signature.covers_assertion:
            raise AssertionRefused("a signed user assertion is required")
        issuer = as_ring(assertion_key(signature.key_id)).accepted
        if not issuer:
            raise AssertionRefused(f"{signature.key_id} may not make user assertions")
        assertion = _read_with_any(token, issuer, first=signature.public_key)
        remembered.append(f"jti:{assertion.assertion_id}")
    caller = Caller(key_id=signature.key_id, assertion=assertion, nonces=tuple(remembered))
    if _already_seen(remembered):
        raise SignatureRefused(
            "replayed: this nonce or assertion was used before", key_id=signature.key_id
        )
    if remember:
        remember_nonces(caller)
    return caller
