"""Ed25519 keys kept as PEM files under ``DATA_DIR/keys``, created on first use.

``signing_key("audit")`` signs the audit log's tree heads; other parts of FAME
ask for their own named key (the federation's process key, ``"federation"``)
the same way. A public module of the audit app that imports nothing else of
FAME, so any app may use it without depending on the log.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

__all__ = [
    "MissingKeyError",
    "SigningKey",
    "clear_key_cache",
    "existing_public_key",
    "key_id_for",
    "key_path",
    "signing_key",
    "verify_signature",
]

_lock = threading.Lock()
_cache: dict[Path, SigningKey] = {}


class MissingKeyError(FileNotFoundError):
    """A key that should already exist (to check signatures) is not on disk."""


def key_path(name: str) -> Path:
    """Where the key called ``name`` lives: ``DATA_DIR/keys/<name>-ed25519.pem``."""
    return Path(settings.DATA_DIR) / "keys" / f"{name}-ed25519.pem"


def key_id_for(public_key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def verify_signature(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey
    path: Path

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        return key_id_for(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)


def signing_key(name: str = "audit") -> SigningKey:
    """The named key, loaded once per process and created (mode 0600) if missing."""
    path = key_path(name)
    with _lock:
        if path not in _cache:
            _cache[path] = SigningKey(_load_or_create(path), path)
        return _cache[path]


def existing_public_key(name: str = "audit") -> Ed25519PublicKey:
    """The named key's public half, without ever creating a key (for verification)."""
    path = key_path(name)
    with _lock:
        if path in _cache:
            return _cache[path].public_key
    if not path.exists():
        raise MissingKeyError(f"The {name} signing key is missing: expected it at {path}.")
    return _load(path).public_key()


def clear_key_cache() -> None:
    """Forget loaded keys (tests that point DATA_DIR somewhere new call this)."""
    with _lock:
        _cache.clear()


def _load(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds a {type(key).__name__}, not an Ed25519 private key.")
    return key


def _load_or_create(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        return _load(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Write a private temporary file, then link it into place: another process
    # creating the key at the same moment either wins (we read its key) or loses.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return _load(path)
    finally:
        temporary.unlink(missing_ok=True)
    return key
