"""`fame backup` and `fame restore` on a SQLite data folder, as real processes; what they refuse.

The whole drill (a hub and a node, PostgreSQL when DATABASE_URL is set) is in
test_restore_drill.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from fame.deploy import backup as backup_module
from fame.deploy.backup import BackupError

from ..test_cli import fame

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder set up once: database migrated, audit and federation keys, a document."""
    data = tmp_path_factory.mktemp("prepared") / "data"
    data.mkdir()
    for args in (("migrate", "-v0"), ("keys",), ("audit", "key")):
        done = fame(data, *args)
        assert done.returncode == 0, done.stderr
    evidence = data / "readiness-evidence" / "round-1"
    evidence.mkdir(parents=True)
    (evidence / "policy.pdf").write_bytes(b"%PDF-1.4 evidence")
    return data


@pytest.fixture
def hub(prepared: Path, tmp_path: Path) -> Path:
    """A copy of the prepared folder, for one test to change."""
    data = tmp_path / "hub"
    shutil.copytree(prepared, data)
    return data


@pytest.fixture
def archive(hub: Path, tmp_path: Path) -> Path:
    out = tmp_path / "hub-backup.tar"
    done = fame(hub, "backup", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    return out


def test_backup_holds_the_database_and_every_key_readable_by_its_owner_only(
    hub: Path, archive: Path
) -> None:
    with tarfile.open(archive) as tar:
        names = sorted(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]

    assert names == [
        "data/keys/audit-ed25519.pem",
        "data/keys/federation-ed25519.pem",
        "data/readiness-evidence/round-1/policy.pdf",
        "database.sqlite3",
        "manifest.json",
    ]
    assert manifest["database"] == "sqlite"
    assert manifest["members"]["data/keys/audit-ed25519.pem"] == digest(
        hub / "keys" / "audit-ed25519.pem"
    )
    assert archive.stat().st_mode & 0o777 == 0o600


def test_backup_says_what_it_kept_and_that_the_file_holds_private_keys(
    hub: Path, tmp_path: Path
) -> None:
    done = fame(hub, "backup", "--out", str(tmp_path / "b.tar"))

    assert done.returncode == 0, done.stderr
    assert "keys/audit-ed25519.pem" in done.stdout
    assert "keys/federation-ed25519.pem" in done.stdout
    assert "holds this process's private keys" in done.stdout


def test_restore_into_a_new_folder_gives_back_the_database_and_the_same_keys(
    hub: Path, archive: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "restored"

    done = fame(fresh, "restore", str(archive))

    assert done.returncode == 0, done.stderr
    for key in ("audit-ed25519.pem", "federation-ed25519.pem"):
        assert digest(fresh / "keys" / key) == digest(hub / "keys" / key)
        assert (fresh / "keys" / key).stat().st_mode & 0o777 == 0o600
    assert (fresh / "readiness-evidence/round-1/policy.pdf").read_bytes() == b"%PDF-1.4 evidence"
    checked = fame(fresh, "audit", "verify", "--json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["intact"] is True


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(
    hub: Path, archive: Path
) -> None:
    before = digest(hub / "fame.sqlite3")

    done = fame(hub, "restore", str(archive))

    assert done.returncode == 1
    assert "Nothing was restored: the SQLite database" in done.stderr
    assert "is not empty (" in done.stderr
    assert digest(hub / "fame.sqlite3") == before


def test_restore_refuses_to_replace_a_different_key_and_changes_nothing(
    archive: Path, tmp_path: Path
) -> None:
    fresh = tmp_path / "other"
    (fresh / "keys").mkdir(parents=True)
    other_key = fresh / "keys" / "audit-ed25519.pem"
    other_key.write_bytes(b"another process's key")

    done = fame(fresh, "restore", str(archive))

    assert done.returncode == 1
    assert "already holds different files" in done.stderr
    assert str(other_key) in done.stderr
    assert other_key.read_bytes() == b"another process's key"
    assert not (fresh / "fame.sqlite3").exists()
    assert not (fresh / "keys" / "federation-ed25519.pem").exists()


def test_restore_refuses_a_damaged_backup(archive: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.tar"
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        member = tar.getmember("data/keys/audit-ed25519.pem")
        data[member.offset_data + 40] ^= 0x01
    damaged.write_bytes(bytes(data))
    fresh = tmp_path / "fresh"

    done = fame(fresh, "restore", str(damaged))

    assert done.returncode == 1
    assert "data/keys/audit-ed25519.pem does not match its checksum" in done.stderr
    assert not (fresh / "fame.sqlite3").exists()
    assert not (fresh / "keys").exists()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a backup", encoding="utf-8")

    done = fame(tmp_path / "fresh", "restore", str(other))

    assert done.returncode == 1
    assert f"{other} is not a FAME backup" in done.stderr


def test_backup_never_overwrites_a_file(hub: Path, archive: Path) -> None:
    before = digest(archive)

    done = fame(hub, "backup", "--out", str(archive))

    assert done.returncode == 1
    assert "already exists" in done.stderr
    assert digest(archive) == before


def test_backup_of_a_database_never_set_up_says_what_to_run(tmp_path: Path) -> None:
    done = fame(tmp_path / "empty", "backup", "--out", str(tmp_path / "b.tar"))

    assert done.returncode == 1
    assert "run `fame migrate` to set it up" in done.stderr
    assert not (tmp_path / "b.tar").exists()


# PostgreSQL's tools, called as they are --------------------------------------------


def test_a_missing_pg_dump_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")

    with pytest.raises(BackupError, match="pg_dump is not installed"):
        backup_module._run_tool("pg_dump", ["--format=custom"], {"NAME": "fame_backup_x"})


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL's client tools")
def test_a_server_that_refuses_the_connection_is_named(tmp_path: Path) -> None:
    settings_dict = {"HOST": "127.0.0.1", "PORT": 9499, "USER": "postgres", "NAME": "fame_backup"}

    with pytest.raises(BackupError, match=r"pg_dump failed: .*Connection refused"):
        backup_module._run_tool(
            "pg_dump", ["--format=custom", "--file", str(tmp_path / "x.dump")], settings_dict
        )


@pytest.mark.django_db
def test_restore_refuses_a_postgresql_database_that_is_not_empty(tmp_path: Path) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("this test's database is PostgreSQL only when DATABASE_URL is set")
    dump = b"PGDMP not restored: refused before pg_restore runs"
    manifest = {
        "format": "fame-backup-v1",
        "created": "2026-12-05T16:00:00+00:00",
        "role": "hub",
        "name": "hub",
        "database": "postgresql",
        "database_name": "fame_hub",
        "audit": {"tree_size": 0, "root_hash": ""},
        "members": {"database.dump": hashlib.sha256(dump).hexdigest()},
    }
    archive = tmp_path / "hub.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in (
            ("manifest.json", json.dumps(manifest).encode()),
            ("database.dump", dump),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    with pytest.raises(BackupError, match=r"the PostgreSQL database \S+ is not empty \(\d+ tables"):
        backup_module.restore_backup(archive)
