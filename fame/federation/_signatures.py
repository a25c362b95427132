"""RFC 9421 HTTP Message Signatures (Ed25519) over FAME's hub-node requests.

Every request covers its method, target URI, authority and Content-Digest
(RFC 9530, sha-256), and the user assertion header when there is one, with
``created``, ``expires``, ``nonce`` and ``keyid`` (the sender's name). The
library ``http-message-signatures`` builds and checks the signature base; this
module adds FAME's policy: what must be covered, how long a signature lives,
and where it was addressed. Remembering nonces is the caller's job.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    MappingKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

ASSERTION_HEADER = "FAME-User-Assertion"
COVERED = ("@method", "@target-uri", "@authority")
REQUIRED = (*COVERED, "content-digest")
LIFETIME = timedelta(seconds=60)
"""How long a signature stays valid after it is made (``expires - created``)."""
LABEL = "fame"


class SignatureRefused(Exception):
    """The request's signature is missing or not acceptable; ``reason`` says which check failed."""

    def __init__(self, reason: str, *, key_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.key_id = key_id


@dataclass
class _Message:
    """The parts of an HTTP request a signature covers."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


class _Headers(dict[str, str]):
    """Received header fields, read-only as far as the verifier is concerned."""


@dataclass(frozen=True)
class KeyRing:
    """The keys a sender's name stands for: those accepted now (its current key, and one it
    replaced while the overlap lasts) and those no longer accepted, each with why (ADR 0046)."""

    accepted: tuple[Ed25519PublicKey, ...]
    refused: tuple[tuple[Ed25519PublicKey, str], ...] = ()


KeyAnswer = Ed25519PublicKey | KeyRing | None
"""What a key lookup gives for a sender's name: one key, a ring of them, or none."""


def as_ring(found: KeyAnswer) -> KeyRing:
    if found is None:
        return KeyRing(())
    if isinstance(found, KeyRing):
        return found
    return KeyRing((found,))


@dataclass(frozen=True)
class VerifiedSignature:
    key_id: str
    nonce: str
    created: datetime
    expires: datetime
    covers_assertion: bool
    public_key: Ed25519PublicKey | None = None
    """The key the signature verified with."""


def sign_request(
    *,
    method: str,
    url: str,
    body: bytes,
    key_id: str,
    private_key: Ed25519PrivateKey,
    assertion: str | None = None,
    created: datetime | None = None,
    lifetime: timedelta = LIFETIME,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers that sign a request: Content-Type, Content-Digest, Signature-Input, Signature."""
    created = created or datetime.now(UTC)
    headers = {"Content-Type": "application/json"}
    covered: tuple[str, ...] = COVERED
    if assertion is not None:
        headers[ASSERTION_HEADER] = assertion
        covered = (*COVERED, ASSERTION_HEADER.lower())
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: private_key}),
    )
    signer.sign(
        _Message(method.upper(), url, headers),
        key_id=key_id,
        created=created,
        expires=created + lifetime,
        nonce=nonce or secrets.token_urlsafe(18),
        label=LABEL,
        covered_component_ids=covered,
        body=body,
    )
    return headers


class _Keys(HTTPSignatureKeyResolver):
    """Gives the verifier one key of the sender's ring: the ``index``-th accepted one, or,
    with ``refused``, the ``index``-th no longer accepted (to say why a request fails)."""

    def __init__(
        self, ring: Callable[[str], KeyRing], index: int = 0, *, refused: bool = False
    ) -> None:
        self.ring = ring
        self.index = index
        self.refused = refused
        self.unknown = ""
        self.asked = ""
        self.used: Ed25519PublicKey | None = None

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey | None:
        self.asked = key_id
        ring = self.ring(key_id)
        keys = [key for key, _ in ring.refused] if self.refused else list(ring.accepted)
        key = keys[self.index] if self.index < len(keys) else None
        if key is None and not ring.accepted and not ring.refused:
            self.unknown = key_id
        self.used = key
        return key

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        raise InvalidSignature("verification only")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def verify_request(
    *,
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    public_key_for: Callable[[str], KeyAnswer],
    origin: str,
    max_lifetime: timedelta = LIFETIME,
) -> VerifiedSignature:
    """Check a received request's signature, or raise ``SignatureRefused`` saying why.

    ``url`` is the request as received (scheme, Host header, path and query);
    ``origin`` is this process's own (``http://127.0.0.1:8101``): a request
    signed for another authority is wrongly addressed even if its signature holds.
    ``public_key_for`` may give several keys for a name (a ``KeyRing``): each accepted
    one is tried; a signature that only a retired or revoked key verifies is refused
    saying so.
    """
    received = _Headers(headers)
    names = {name.lower() for name in received}
    if "signature-input" not in names or "signature" not in names:
        raise SignatureRefused("unsigned: no Signature-Input and Signature headers")
    if _origin(url) != _origin(origin):
        raise SignatureRefused(f"wrongly addressed: this is {_origin(origin)}, not {_origin(url)}")
    rings: dict[str, KeyRing] = {}

    def ring(key_id: str) -> KeyRing:
        if key_id not in rings:
            rings[key_id] = as_ring(public_key_for(key_id))
        return rings[key_id]

    required: tuple[str, ...] = REQUIRED
    if ASSERTION_HEADER.lower() in names:
        required = (*REQUIRED, ASSERTION_HEADER.lower())

    def attempt(keys: _Keys) -> Any:
        verifier = HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=keys)
        return verifier.verify(
            _Message(method.upper(), url, received),
            max_age=max_lifetime,
            require_components=required,
            body=body,
        )

    keys = _Keys(ring)
    try:
        results = attempt(keys)
    except (InvalidSignature, HTTPMessageSignaturesException) as error:
        results = _other_keys(attempt, ring, keys, error)
    used = keys.used
    if isinstance(results, tuple):
        results, used = results
    result = results[0]
    parameters = result.parameters
    key_id = str(parameters.get("keyid", ""))
    if "expires" not in parameters or "nonce" not in parameters:
        raise SignatureRefused("the signature has no expires or no nonce", key_id=key_id)
    created = datetime.fromtimestamp(int(parameters["created"]), UTC)
    expires = datetime.fromtimestamp(int(parameters["expires"]), UTC)
    if expires - created > max_lifetime:
        raise SignatureRefused("the signature lives longer than the allowed window", key_id=key_id)
    return VerifiedSignature(
        key_id=key_id,
        nonce=str(parameters["nonce"]),
        created=created,
        expires=expires,
        covers_assertion=ASSERTION_HEADER.lower() in required,
        public_key=used,
    )


def _other_keys(
    attempt: Callable[[_Keys], Any],
    ring: Callable[[str], KeyRing],
    first: _Keys,
    error: Exception,
) -> tuple[Any, Ed25519PublicKey | None]:
    """The first key failed: try the sender's other accepted keys, then tell a signature made
    with a retired or revoked key from a bad one; raise ``SignatureRefused`` if none holds."""
    if first.asked and first.used is not None:
        senders = ring(first.asked)
        for index in range(1, len(senders.accepted)):
            keys = _Keys(ring, index)
            try:
                return attempt(keys), keys.used
            except (InvalidSignature, HTTPMessageSignaturesException):
                continue
    if first.asked:
        for index, (_, why) in enumerate(ring(first.asked).refused):
            try:
                attempt(_Keys(ring, index, refused=True))
            except (InvalidSignature, HTTPMessageSignaturesException):
                continue
            raise SignatureRefused(why, key_id=first.asked) from None
    raise SignatureRefused(_classify(str(error), first.unknown), key_id=first.unknown) from None


def _classify(message: str, unknown_key: str) -> str:
    if unknown_key:
        return f"unknown key: {unknown_key}"
    lowered = message.lower()
    if "expires" in lowered or "maximum allowable age" in lowered or "future" in lowered:
        return f"expired: {message}"
    if "content-digest" in lowered:
        return f"tampered: {message}"
    if "not covered" in lowered:
        return f"incomplete signature: {message}"
    return f"bad signature: {message or 'it does not match this request'}"
