"""Rotating the hub's audit key (ADR 0046): the old key signs a hand-over to the new.

``rotate_audit_key`` makes the next key, records the hand-over statement in the
log (``audit.key_rotated``: the new public key, signed by the old), has the old key
sign the tree head that covers it, then puts the new key in place; the old public
half is kept under ``keys/retired`` so ``fame audit verify`` still checks every head
it signed. A node that trusts the old key trusts the new one on reading a hand-over
that the old key signed (``accept_handovers``), so no file has to be carried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from fame.audit.actions import record_event
from fame.audit.models import AuditEvent, TrustedLogKey
from fame.audit.signing import (
    existing_public_key,
    key_id_for,
    key_path,
    make_next_key,
    retire_public_key,
    retired_keys,
    signing_key,
    switch_to_next_key,
    verify_signature,
)

HANDOVER_CONTEXT = "FAME audit key hand-over v1"
ACTION = "audit.key_rotated"
REPLACED = "audit.key_replaced"


def handover_message(old_key_id: str, new_public: Ed25519PublicKey) -> bytes:
    """What the old key signs: the context, the old key's id, the new key's raw bytes."""
    raw = new_public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "\n".join([HANDOVER_CONTEXT, old_key_id, raw.hex(), ""]).encode("ascii")


def audit_public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key the hub's audit log was signed with: the current one and those retired."""
    keys = {retired.key_id: retired.public_key for retired in retired_keys("audit")}
    try:
        current = existing_public_key("audit")
    except FileNotFoundError:
        return keys
    keys[key_id_for(current)] = current
    return keys


@dataclass(frozen=True)
class Rotated:
    old_key_id: str
    new_key_id: str
    handover_seq: int


def rotate_audit_key(*, by: str = "cli") -> Rotated:
    """Replace the hub's audit key; the hand-over is in the log, signed by the old key."""
    from fame.audit.sequencer import integrate
    from fame.federation.keys import public_pem

    old = signing_key("audit")
    new = make_next_key("audit")
    statement = old.sign(handover_message(old.key_id, new.public_key)).hex()
    event = record_event(
        ACTION,
        target="key:audit",
        details={
            "old_key_id": old.key_id,
            "new_key_id": new.key_id,
            "new_public_key": public_pem(new.public_key),
            "handover_signature": statement,
            "by": by,
        },
    )
    integrate()  # the head covering the hand-over is signed by the old key
    switch_to_next_key("audit", at=timezone.now().isoformat())
    return Rotated(old.key_id, new.key_id, event.seq)


def replace_audit_key(
    *, reason: str, old_public_key: Ed25519PublicKey | None = None, by: str = "cli"
) -> Rotated:
    """Replace a hub audit key that is lost or may be stolen: no hand-over, since one
    signed by a stolen key proves nothing (and a lost key cannot sign one).

    The replacement is recorded in the log (``audit.key_replaced``, with the reason and
    the new public key) and the head covering it is the new key's. The old public half
    is kept under ``keys/retired`` (from the key still on disk, or, for a key lost,
    ``old_public_key``: the file the nodes were given to trust it), so the heads it
    signed still verify. Each node then revokes the old key and trusts the new one by hand
    (``fame audit revoke-key``, ``fame audit trust``).
    """
    from fame.audit.sequencer import integrate
    from fame.federation.keys import public_pem

    if not reason.strip():
        raise ValueError("Say why the key is replaced (--reason): it goes in the audit log.")
    if key_path("audit").exists():
        integrate()  # what waits is vouched for by the old key, as it would have been
    new = make_next_key("audit")
    at = timezone.now().isoformat()
    retired, _ = switch_to_next_key("audit", at=at)
    if retired is None and old_public_key is not None:
        retired = retire_public_key("audit", old_public_key, replaced_by=new.key_id, at=at)
    old_key_id = retired.key_id if retired is not None else ""
    event = record_event(
        REPLACED,
        target="key:audit",
        details={
            "old_key_id": old_key_id,
            "new_key_id": new.key_id,
            "new_public_key": public_pem(new.public_key),
            "reason": reason,
            "by": by,
        },
    )
    integrate()  # the head covering the replacement is signed by the new key
    return Rotated(old_key_id, new.key_id, event.seq)


def handovers() -> list[dict[str, Any]]:
    """The hand-over statements in the log, oldest first, as the hub sends them to nodes."""
    return [
        {
            "old_key_id": event.details.get("old_key_id", ""),
            "new_key_id": event.details.get("new_key_id", ""),
            "public_key": event.details.get("new_public_key", ""),
            "signature": event.details.get("handover_signature", ""),
        }
        for event in AuditEvent.objects.filter(action=ACTION).order_by("seq")
    ]


def accept_handovers(statements: list[dict[str, Any]]) -> list[str]:
    """On a node: trust each new audit key a trusted key handed over to; the ids trusted.

    A statement whose old key this node does not trust (or revoked), or whose signature
    does not verify, is ignored: it grants nothing.
    """
    from fame.audit.witness import trust_log_key
    from fame.federation.keys import PublicKeyError, load_public_pem

    trusted = []
    for statement in statements:
        old = TrustedLogKey.objects.filter(
            key_id=str(statement.get("old_key_id", "")), revoked_at__isnull=True
        ).first()
        if old is None:
            continue
        try:
            new_public = load_public_pem(str(statement.get("public_key", "")))
            signature = bytes.fromhex(str(statement.get("signature", "")))
        except (PublicKeyError, ValueError):
            continue
        new_id = key_id_for(new_public)
        if new_id != statement.get("new_key_id"):
            continue
        if TrustedLogKey.objects.filter(key_id=new_id).exists():
            continue
        old_public = load_public_pem(old.public_key)
        if not verify_signature(old_public, signature, handover_message(old.key_id, new_public)):
            continue
        trust_log_key(
            public_key=str(statement["public_key"]),
            name=old.name,
            by=f"hand-over from {old.key_id}",
        )
        trusted.append(new_id)
    return trusted
