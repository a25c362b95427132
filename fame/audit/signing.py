"""Ed25519 keys kept as PEM files under ``DATA_DIR/keys``, created on first use.

``signing_key("audit")`` signs the audit log's tree heads; other parts of FAME
ask for their own named key (the federation's process key, ``"federation"``)
the same way. A public module of the audit app that imports nothing else of
FAME, so any app may use it without depending on the log.
"""

from __future__ import annotations

import hashlib
import json
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
    "RetiredKey",
    "SigningKey",
    "clear_key_cache",
    "existing_public_key",
    "key_id_for",
    "key_path",
    "make_next_key",
    "next_key_path",
    "retire_public_key",
    "retired_keys",
    "signing_key",
    "switch_to_next_key",
    "verify_signature",
]

_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int], SigningKey]] = {}


class MissingKeyError(FileNotFoundError):
    """A key that should already exist (to check signatures) is not on disk."""


def key_path(name: str) -> Path:
    """Where the key called ``name`` lives: ``DATA_DIR/keys/<name>-ed25519.pem``."""
    return Path(settings.DATA_DIR) / "keys" / f"{name}-ed25519.pem"


def next_key_path(name: str) -> Path:
    """Where the key that will replace ``name``'s waits (``<name>-next-ed25519.pem``)."""
    return Path(settings.DATA_DIR) / "keys" / f"{name}-next-ed25519.pem"


def _retired_dir() -> Path:
    return Path(settings.DATA_DIR) / "keys" / "retired"


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


def _stamp(path: Path) -> tuple[int, int]:
    """The file's identity and change time: a key switched on disk is read again."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (found.st_ino, found.st_mtime_ns)


def signing_key(name: str = "audit") -> SigningKey:
    """The named key, created (mode 0600) if missing; loaded once per process, and again
    when ``switch_to_next_key`` has put another in its place (every process follows)."""
    path = key_path(name)
    stamp = _stamp(path)
    with _lock:
        cached = _cache.get(path)
        if cached is None or cached[0] != stamp:
            key = SigningKey(_load_or_create(path), path)
            _cache[path] = (_stamp(path), key)
            return key
        return cached[1]


def existing_public_key(name: str = "audit") -> Ed25519PublicKey:
    """The named key's public half, without ever creating a key (for verification)."""
    path = key_path(name)
    stamp = _stamp(path)
    with _lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1].public_key
    if not path.exists():
        raise MissingKeyError(f"The {name} signing key is missing: expected it at {path}.")
    return _load(path).public_key()


@dataclass(frozen=True)
class RetiredKey:
    """The public half of a key that ``switch_to_next_key`` replaced, and when."""

    key_id: str
    public_key: Ed25519PublicKey
    public_pem: str
    replaced_by: str
    replaced_at: str
    """ISO 8601, UTC."""


def make_next_key(name: str) -> SigningKey:
    """The key that will replace ``name``'s, made (mode 0600) if there is none waiting.

    Nothing signs with it until ``switch_to_next_key``: its public half can be
    given to the peers that must accept it first.
    """
    path = next_key_path(name)
    return SigningKey(_load_or_create(path), path)


def switch_to_next_key(name: str, *, at: str) -> tuple[RetiredKey | None, SigningKey]:
    """Put the waiting next key in place of ``name``'s; keep only the public half of the old.

    The old public key is written to ``DATA_DIR/keys/retired/<name>-<key id>.json``
    (with ``at``, when it was replaced) so that what it signed stays verifiable;
    its private half is deleted (``None`` for the old if there was none). Raises
    ``MissingKeyError`` if no next key waits.
    """
    waiting = next_key_path(name)
    if not waiting.exists():
        raise MissingKeyError(
            f"No next {name} key waits at {waiting}: make one first (`fame keys --new`)."
        )
    current_path = key_path(name)
    new = SigningKey(_load(waiting), current_path)
    old = _load(current_path) if current_path.exists() else None
    retired = None
    if old is not None:
        retired = retire_public_key(name, old.public_key(), replaced_by=new.key_id, at=at)
    os.replace(waiting, current_path)  # atomic: a reader sees the old key or the new
    with _lock:
        _cache.pop(current_path, None)
    return retired, new


def retire_public_key(
    name: str, public_key: Ed25519PublicKey, *, replaced_by: str, at: str
) -> RetiredKey:
    """Keep ``public_key`` as a replaced key of ``name``'s, so that what it signed stays
    verifiable: ``DATA_DIR/keys/retired/<name>-<key id>.json``."""
    retired = RetiredKey(
        key_id=key_id_for(public_key),
        public_key=public_key,
        public_pem=_public_pem(public_key),
        replaced_by=replaced_by,
        replaced_at=at,
    )
    folder = _retired_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    record = {
        "name": name,
        "key_id": retired.key_id,
        "public_key": retired.public_pem,
        "replaced_by": replaced_by,
        "replaced_at": at,
    }
    (folder / f"{name}-{retired.key_id}.json").write_text(
        json.dumps(record, indent=2) + "\n", encoding="ascii"
    )
    return retired


def retired_keys(name: str) -> list[RetiredKey]:
    """The public halves of ``name``'s replaced keys, oldest first."""
    found = []
    for path in sorted(_retired_dir().glob(f"{name}-*.json")):
        record = json.loads(path.read_text(encoding="ascii"))
        if record.get("name") != name:
            continue
        public = serialization.load_pem_public_key(record["public_key"].encode("ascii"))
        if not isinstance(public, Ed25519PublicKey):
            continue
        found.append(
            RetiredKey(
                key_id=key_id_for(public),
                public_key=public,
                public_pem=record["public_key"],
                replaced_by=str(record.get("replaced_by", "")),
                replaced_at=str(record.get("replaced_at", "")),
            )
        )
    return sorted(found, key=lambda retired: retired.replaced_at)


def _public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


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
