"""The keys a node trusts: its agencies' systems' and the hub's (``fame node trust``).

The key id of a request to a node is the sender's name; ``trusted_key`` finds its
public key, ``hub_key`` only the hub's, since only the hub makes user assertions.
"""

from __future__ import annotations

from fame.federation import KeyRing, key_ring

from .models import TrustedKey

HUB = "hub"
"""The name under which a node trusts the hub's key."""


def trusted_key(name: str) -> KeyRing | None:
    """The public keys this node trusts under ``name`` (its current one, and one it replaced
    while the overlap lasts), or None."""
    entry = TrustedKey.objects.filter(name=name).first()
    return key_ring(name, entry.public_key if entry else None)


def hub_key(name: str) -> KeyRing | None:
    """The hub's key, for the hub's key id only: only the hub makes user assertions."""
    return trusted_key(name) if name == HUB else None
