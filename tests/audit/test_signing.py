"""The audit signing key: created once, private, reused."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from fame.audit.signing import (
    MissingKeyError,
    clear_key_cache,
    existing_public_key,
    key_path,
    signing_key,
)


def test_signing_key_is_created_on_first_use_readable_only_by_owner(data_dir: Path) -> None:
    key = signing_key()

    path = data_dir / "keys" / "audit-ed25519.pem"
    assert key.path == path == key_path("audit")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_signing_key_is_reused_after_cache_is_cleared() -> None:
    first = signing_key()
    clear_key_cache()

    second = signing_key()

    assert second is not first
    assert second.key_id == first.key_id


def test_signing_key_id_is_first_16_hex_of_sha256_of_raw_public_key() -> None:
    key = signing_key()
    raw = key.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    assert key.key_id == hashlib.sha256(raw).hexdigest()[:16]


def test_signing_key_names_give_separate_keys() -> None:
    assert signing_key("audit").key_id != signing_key("node").key_id


def test_existing_public_key_when_missing_does_not_create_one(data_dir: Path) -> None:
    with pytest.raises(MissingKeyError, match=r"audit-ed25519\.pem"):
        existing_public_key("audit")

    assert not (data_dir / "keys" / "audit-ed25519.pem").exists()
