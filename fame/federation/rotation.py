"""Peers' keys across a rotation: the key a register row holds, the keys it replaced while
their overlap lasts, and revoked keys (ADR 0046).

The hub's register of nodes (``FederationNode.public_key``) and a node's trusted keys
(``TrustedKey.public_key``) hold a peer's current key; ``PeerKey`` rows hold the others.
``key_ring`` gives the keys a peer's name stands for now, for ``verify_request``;
``replace_key`` keeps the old key accepted for an overlap when a register row gets a new
one; ``revoke_key`` stops a key at once. Each change is audited by its caller or here.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from fame.audit import record_event
from fame.audit.signing import key_id_for

from ._signatures import KeyRing
from .keys import PublicKeyError, key_from_register, load_public_pem
from .models import PeerKey

KEY_OVERLAP = timedelta(hours=24)
"""How long a replaced key stays accepted, unless the rotation says otherwise."""


class KeyChangeRefused(ValueError):
    """The key change asked for is not allowed; the message says why. Nothing changed."""


def key_id_of(pem: str) -> str:
    return key_id_for(load_public_pem(pem))


def key_ring(peer: str, current_pem: str | None, *, now: datetime | None = None) -> KeyRing | None:
    """The keys ``peer`` may sign with now, and those it may no longer (with why);
    None if the peer is not known at all."""
    if current_pem is None:
        return None
    now = now or timezone.now()
    accepted, refused = [], []
    current = key_from_register(current_pem)
    others = list(PeerKey.objects.filter(peer=peer))
    revoked = {row.key_id: row for row in others if row.revoked_at is not None}
    if current is not None:
        current_id = key_id_for(current)
        if current_id in revoked:
            refused.append((current, _revoked_reason(peer, revoked[current_id])))
        else:
            accepted.append(current)
    for row in others:
        key = key_from_register(row.public_key)
        if key is None or (current is not None and row.key_id == key_id_for(current)):
            continue
        if row.revoked_at is not None:
            refused.append((key, _revoked_reason(peer, row)))
        elif row.accepted_until is not None and row.accepted_until > now:
            accepted.append(key)
        else:
            refused.append((key, _retired_reason(peer, row)))
    return KeyRing(tuple(accepted), tuple(refused))


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "an unknown time"


def _retired_reason(peer: str, row: PeerKey) -> str:
    return (
        f"retired key: {peer}'s key {row.key_id} was replaced at {_when(row.replaced_at)} and "
        f"accepted until {_when(row.accepted_until)}; sign with its current key"
    )


def _revoked_reason(peer: str, row: PeerKey) -> str:
    why = f" ({row.revoked_reason})" if row.revoked_reason else ""
    return f"revoked key: {peer}'s key {row.key_id} was revoked at {_when(row.revoked_at)}{why}"


@dataclass(frozen=True)
class Replaced:
    old_key_id: str
    new_key_id: str
    accepted_until: datetime

    def as_details(self, by: str) -> dict[str, str]:
        """What the audit event of the rotation records."""
        return {
            "old_key_id": self.old_key_id,
            "new_key_id": self.new_key_id,
            "old_accepted_until": self.accepted_until.isoformat(),
            "by": by,
        }


def replace_key(
    *, peer: str, old_pem: str, new_pem: str, overlap: timedelta = KEY_OVERLAP
) -> Replaced:
    """Keep ``old_pem`` accepted for ``overlap`` as ``peer``'s register row takes ``new_pem``.

    Call inside the transaction that changes the row, and audit the change there.
    Refuses (``KeyChangeRefused``) a new key that was revoked for this peer.
    """
    new_id = key_id_of(new_pem)
    old_id = key_id_of(old_pem)
    earlier = PeerKey.objects.filter(peer=peer, key_id=new_id).first()
    if earlier is not None and earlier.revoked_at is not None:
        raise KeyChangeRefused(
            f"Key {new_id} was revoked for {peer} at {_when(earlier.revoked_at)}; "
            "a revoked key is never accepted again. Make a new key."
        )
    if earlier is not None:
        earlier.delete()  # a key given back its place is the current key again
    now = timezone.now()
    until = now + overlap
    row, created = PeerKey.objects.get_or_create(
        peer=peer,
        key_id=old_id,
        defaults={"public_key": old_pem, "replaced_at": now, "accepted_until": until},
    )
    if not created and row.revoked_at is None:
        row.replaced_at, row.accepted_until = now, until
        row.save(update_fields=["replaced_at", "accepted_until"])
    return Replaced(old_id, new_id, until)


def revoke_key(*, peer: str, key_id: str, current_pem: str | None, reason: str, by: str) -> PeerKey:
    """Stop accepting ``peer``'s key ``key_id`` at once (a lost or compromised key). Audited.

    The peer's current key may be revoked: the peer is then refused until it is
    given a new one. Raises ``KeyChangeRefused`` for a key this process never held
    for the peer.
    """
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise KeyChangeRefused("Say why the key is revoked, in up to 300 characters (--reason).")
    with transaction.atomic():
        row = PeerKey.objects.select_for_update().filter(peer=peer, key_id=key_id).first()
        is_current = False
        if current_pem is not None:
            try:
                is_current = key_id_of(current_pem) == key_id
            except PublicKeyError:
                is_current = False
        if row is None and not is_current:
            known = ", ".join(key_ids(peer, current_pem)) or "none"
            raise KeyChangeRefused(
                f"{peer} has no key {key_id} here (its keys: {known}). Nothing was changed."
            )
        if row is None:
            row = PeerKey(peer=peer, key_id=key_id, public_key=current_pem or "")
        if row.revoked_at is not None:
            return row
        row.revoked_at = timezone.now()
        row.revoked_reason = reason
        row.save()
        record_event(
            "federation.key_revoked",
            target=f"key:{peer}",
            details={"key_id": key_id, "current": is_current, "reason": reason, "by": by},
        )
    return row


def key_ids(peer: str, current_pem: str | None) -> list[str]:
    found = [row.key_id for row in PeerKey.objects.filter(peer=peer)]
    if current_pem is not None:
        with suppress(PublicKeyError):
            found.insert(0, key_id_of(current_pem))
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class KeyLine:
    """One of a peer's keys as `fame node keys` lists it."""

    peer: str
    key_id: str
    status: str
    """``current``, ``accepted until …``, ``retired …`` or ``revoked …``."""


def key_lines(peer: str, current_pem: str | None) -> list[KeyLine]:
    now = timezone.now()
    lines = []
    current_id = ""
    if current_pem is not None:
        try:
            current_id = key_id_of(current_pem)
        except PublicKeyError:
            current_id = ""
    rows = {row.key_id: row for row in PeerKey.objects.filter(peer=peer)}
    if current_id and current_id not in rows:
        lines.append(KeyLine(peer, current_id, "current"))
    for row in rows.values():
        if row.revoked_at is not None:
            status = f"revoked {_when(row.revoked_at)}: {row.revoked_reason}"
        elif row.key_id == current_id:
            status = "current"
        elif row.accepted_until is not None and row.accepted_until > now:
            status = f"replaced, accepted until {_when(row.accepted_until)}"
        else:
            status = f"retired {_when(row.accepted_until)}"
        lines.append(KeyLine(peer, row.key_id, status))
    return lines
