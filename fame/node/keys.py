"""The keys a node trusts: its agencies' systems' and the hub's (``fame node trust``).

The key id of a request to a node is the sender's name; ``trusted_key`` finds its
public key, ``hub_key`` only the hub's, since only the hub makes user assertions.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fame.federation.keys import key_from_register

from .models import TrustedKey

HUB = "hub"
"""The name under which a node trusts the hub's key."""


def trusted_key(name: str) -> Ed25519PublicKey | None:
    """The public key this node trusts under ``name``, or None."""
    entry = TrustedKey.objects.filter(name=name).first()
    return key_from_register(entry.public_key if entry else None)


def hub_key(name: str) -> Ed25519PublicKey | None:
    """The hub's key, for the hub's key id only: only the hub makes user assertions."""
    return trusted_key(name) if name == HUB else None
