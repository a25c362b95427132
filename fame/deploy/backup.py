"""One archive holding a process's database and the files of its data folder that cannot be
made again; and putting it back into an empty database and data folder.

The database is copied by the database's own tools: ``pg_dump --format=custom`` on
PostgreSQL (restored with ``pg_restore``), SQLite's online backup API
(``sqlite3.Connection.backup``) on SQLite, so a running process's database is copied
consistently while it writes. Beside it go the data folder's keys (the federation key,
the audit log's signing key: lose them and the nodes no longer know the process, and no
new tree head can extend the witnessed log), the readiness evidence documents and a
trained linkage model. The archive is a tar file with a ``manifest.json`` naming each
member and its SHA-256; it holds private keys, so it is written readable by its owner
only (ADR 0045).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

FORMAT = "fame-backup-v1"
MANIFEST = "manifest.json"
KEPT = ("keys", "readiness-evidence", "linkage")
"""Folders of FAME_DATA_DIR that hold what cannot be made again; the rest (the SQLite file,
static files, logs, locks, a demo region) is the database itself or made again at start."""
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
TOOL_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """The backup or restore could not be made; nothing was changed. The message says why."""


@dataclass
class BackupReport:
    """What a backup holds (``make_backup``) or what was restored (``restore_backup``)."""

    path: Path
    created: str
    role: str
    name: str
    database: str
    database_name: str
    files: list[str] = field(default_factory=list)
    audit_tree_size: int = 0
    audit_root: str = ""
    size_bytes: int = 0

    @property
    def who(self) -> str:
        """The process as people say it: the hub, node NAME, or a single-process FAME."""
        if self.role == "hub":
            return "the hub"
        if self.role == "node":
            return f"node {self.name}"
        return "this single-process FAME"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "created": self.created,
            "role": self.role,
            "name": self.name,
            "database": self.database,
            "database_name": self.database_name,
            "files": self.files,
            "audit_tree_size": self.audit_tree_size,
            "audit_root": self.audit_root,
            "size_bytes": self.size_bytes,
        }


def _database() -> tuple[str, dict[str, Any]]:
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor not in DUMP:
        raise BackupError(f"FAME backs up PostgreSQL and SQLite databases, not {db.vendor}.")
    return db.vendor, db.settings_dict


def _libpq_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The connection as libpq's environment variables: no password on a command line."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = settings_dict.get(key)
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run_tool(tool: str, arguments: list[str], settings_dict: dict[str, Any]) -> None:
    """Run PostgreSQL's ``tool`` against this process's database, or say why it failed."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(
            f"{tool} is not installed (or not on PATH): install PostgreSQL's client tools, "
            "of the server's major version or newer"
        )
    try:
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own tool, our arguments
            [program, *arguments],
            env=_libpq_environment(settings_dict),
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{tool} did not finish in {TOOL_TIMEOUT // 3600} hours") from None
    if done.returncode != 0:
        said = " ".join(done.stderr.split()) or f"exit code {done.returncode}"
        raise BackupError(f"{tool} failed: {said}")


def _sqlite_path(settings_dict: dict[str, Any]) -> Path:
    name = str(settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"the SQLite database {name!r} is not a file that can be backed up")
    return Path(name)


def _dump_database(vendor: str, settings_dict: dict[str, Any], target: Path) -> None:
    if vendor == "postgresql":
        _run_tool("pg_dump", ["--format=custom", "--file", str(target)], settings_dict)
        return
    source_path = _sqlite_path(settings_dict)
    if not source_path.exists():
        raise BackupError(f"there is no database at {source_path} to back up")
    source = sqlite3.connect(source_path, timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # SQLite's online backup: one consistent copy while others write
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {source_path}: {error}") from None
    finally:
        copy.close()
        source.close()


def _kept_files() -> Iterator[tuple[str, Path]]:
    """(name in the archive, file) for every file of the data folder that is kept."""
    data_dir = Path(settings.DATA_DIR)
    for folder in KEPT:
        top = data_dir / folder
        if not top.is_dir():
            continue
        for path in sorted(top.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield f"data/{path.relative_to(data_dir).as_posix()}", path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _audit_head() -> tuple[int, str]:
    from fame.audit import latest_tree_head

    head = latest_tree_head()
    return (head.tree_size, head.root_hash) if head is not None else (0, "")


def make_backup(out: Path) -> BackupReport:
    """Write this process's database and kept data files to the new archive ``out``."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists: a backup never overwrites a file; name a new one")
    if not out.parent.is_dir():
        raise BackupError(f"there is no folder {out.parent} to write {out.name} in")
    vendor, settings_dict = _database()
    size, root = _audit_head()  # integrates waiting events first: the copy holds at least this
    created = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".fame-backup-") as work:
        dump = Path(work) / DUMP[vendor]
        _dump_database(vendor, settings_dict, dump)
        members = [(DUMP[vendor], dump), *_kept_files()]
        manifest = {
            "format": FORMAT,
            "created": created,
            "role": settings.FAME_ROLE,
            "name": settings.FAME_NODE_NAME,
            "database": vendor,
            "database_name": str(settings_dict["NAME"]),
            "audit": {"tree_size": size, "root_hash": root},
            "members": {name: _sha256(path) for name, path in members},
        }
        partial = Path(work) / "backup.tar"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            text = json.dumps(manifest, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(text), 0o600
            tar.addfile(info, io.BytesIO(text))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False, filter=_private)
        try:
            os.link(partial, out)  # fails rather than replace a file made meanwhile
        except FileExistsError:
            raise BackupError(
                f"{out} appeared while the backup was made; nothing written"
            ) from None
    return _report(out, manifest)


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def _report(path: Path, manifest: dict[str, Any]) -> BackupReport:
    audit = manifest.get("audit") or {}
    return BackupReport(
        path=path,
        created=str(manifest["created"]),
        role=str(manifest["role"]),
        name=str(manifest["name"]),
        database=str(manifest["database"]),
        database_name=str(manifest["database_name"]),
        files=[
            name.removeprefix("data/") for name in manifest["members"] if name.startswith("data/")
        ],
        audit_tree_size=int(audit.get("tree_size") or 0),
        audit_root=str(audit.get("root_hash") or ""),
        size_bytes=path.stat().st_size if path.exists() else 0,
    )


# Restoring --------------------------------------------------------------------------


def _read_manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    not_ours = f"{archive} is not a FAME backup (made by `fame backup`)"
    try:
        handle = tar.extractfile(MANIFEST)
        manifest = json.loads(handle.read()) if handle is not None else None
    except (KeyError, ValueError):
        raise BackupError(not_ours) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(not_ours)
    members = manifest.get("members")
    if manifest.get("database") not in DUMP or not isinstance(members, dict):
        raise BackupError(f"{not_ours}: its manifest is incomplete")
    if DUMP[manifest["database"]] not in members:
        raise BackupError(f"{archive} holds no database copy")
    for name in members:
        parts = PurePosixPath(name).parts
        if name != DUMP[manifest["database"]] and (
            len(parts) < 3 or parts[0] != "data" or parts[1] not in KEPT or ".." in parts
        ):
            raise BackupError(f"{archive} names a file FAME does not restore: {name}")
    return manifest


def _unpack(tar: tarfile.TarFile, manifest: dict[str, Any], work: Path) -> dict[str, Path]:
    """Every member into ``work``, each checked against the manifest's SHA-256."""
    found: dict[str, Path] = {}
    for name, expected in manifest["members"].items():
        try:
            info = tar.getmember(name)
        except KeyError:
            raise BackupError(f"the backup is incomplete: {name} is missing") from None
        source = tar.extractfile(info) if info.isfile() else None
        if source is None:
            raise BackupError(f"the backup is damaged: {name} is not a file")
        target = work / f"{len(found):05d}"
        with target.open("wb") as handle:
            shutil.copyfileobj(source, handle)
        if _sha256(target) != expected:
            raise BackupError(f"the backup is damaged: {name} does not match its checksum")
        found[name] = target
    return found


def _tables(vendor: str, settings_dict: dict[str, Any]) -> list[str]:
    """The tables already in this process's database (a SQLite file is never created here)."""
    if vendor == "sqlite":
        path = _sqlite_path(settings_dict)
        if not path.exists():
            return []
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            ).fetchall()
        return [str(name) for (name,) in rows]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        )
        return [str(name) for (name,) in cursor.fetchall()]


def _database_label(vendor: str, settings_dict: dict[str, Any]) -> str:
    if vendor == "sqlite":
        return f"the SQLite database {settings_dict['NAME']}"
    return f"the PostgreSQL database {settings_dict['NAME']}"


def restore_backup(archive: Path) -> BackupReport:
    """Put ``archive`` back into this process's empty database and data folder.

    Refuses, changing nothing, a database that already has tables, a data folder that
    holds a different file where the backup has one, or an archive that is not whole.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"there is no backup file {archive}")
    vendor, settings_dict = _database()
    data_dir = Path(settings.DATA_DIR)
    try:
        tar = tarfile.open(archive, mode="r")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError):
        raise BackupError(f"{archive} is not a FAME backup (made by `fame backup`)") from None
    with tar, tempfile.TemporaryDirectory(prefix=".fame-restore-", dir=data_dir) as work:
        manifest = _read_manifest(tar, archive)
        if manifest["database"] != vendor:
            raise BackupError(
                f"{archive} holds a {manifest['database']} database and this process uses "
                f"{vendor}: restore it into a {manifest['database']} database"
            )
        tables = _tables(vendor, settings_dict)
        if tables:
            shown = ", ".join(tables[:3]) + (", ..." if len(tables) > 3 else "")
            raise BackupError(
                f"{_database_label(vendor, settings_dict)} is not empty ({len(tables)} tables: "
                f"{shown}): a backup is restored only into an empty database; create a new one "
                "(or, on SQLite, point FAME_DATA_DIR at a new folder) and restore there"
            )
        files = _unpack(tar, manifest, Path(work))
        clashes = []
        for name, unpacked in files.items():
            if name.startswith("data/"):
                existing = data_dir / name.removeprefix("data/")
                if existing.exists() and _sha256(existing) != _sha256(unpacked):
                    clashes.append(str(existing))
        if clashes:
            raise BackupError(
                "the data folder already holds different files where the backup has its own: "
                f"{', '.join(clashes)}; restore into a new FAME_DATA_DIR, so that no key is "
                "replaced and lost"
            )
        _load_database(vendor, settings_dict, files[DUMP[vendor]])
        for name, unpacked in files.items():
            if not name.startswith("data/"):
                continue
            target = data_dir / name.removeprefix("data/")
            if target.exists():
                continue  # the very same file is there already
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.copyfile(unpacked, target)
            target.chmod(0o600)
    from fame.audit.signing import clear_key_cache

    clear_key_cache()
    return _report(archive, manifest)


def _load_database(vendor: str, settings_dict: dict[str, Any], dump: Path) -> None:
    if vendor == "postgresql":
        # One transaction: a restore that fails part-way leaves the database empty.
        arguments = ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"]
        _run_tool(
            "pg_restore",
            [*arguments, "--dbname", str(settings_dict["NAME"]), str(dump)],
            settings_dict,
        )
        return
    connections[DEFAULT_DB_ALIAS].close()
    target = _sqlite_path(settings_dict)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
