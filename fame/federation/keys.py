"""This process's federation key, and public keys as PEM text for registries and files.

Each process makes its own Ed25519 key on first use (``DATA_DIR/keys/federation-ed25519.pem``);
the hub holds each node's public key and each node holds the hub's.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fame.audit.signing import SigningKey, signing_key

KEY_NAME = "federation"


class PublicKeyError(ValueError):
    """The text is not an Ed25519 public key in PEM form."""


def process_key() -> SigningKey:
    """This process's federation signing key, created (mode 0600) on first use."""
    return signing_key(KEY_NAME)


def private_key() -> Ed25519PrivateKey:
    return process_key().private_key


def public_pem(key: Ed25519PublicKey | None = None) -> str:
    """A public key (this process's by default) as SubjectPublicKeyInfo PEM text."""
    key = key or process_key().public_key
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_pem(text: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise PublicKeyError(f"not a PEM public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise PublicKeyError(f"a {type(key).__name__}, not an Ed25519 public key")
    return key


def key_from_register(pem: str | None) -> Ed25519PublicKey | None:
    """The key a register row holds (``None`` for no row), or None if its text is not a key."""
    if pem is None:
        return None
    try:
        return load_public_pem(pem)
    except PublicKeyError:
        return None
