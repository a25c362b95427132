"""The real `fame` command against a data folder whose database is not set up.

Each verb either makes the database ready (where it creates data) or refuses in
one line saying what to run, and a refusal leaves no database file behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fame.federation.keys import public_pem
from fame.records import write_records

from .index.conftest import record

pytestmark = pytest.mark.slow


def fame(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``fame ARGS`` in its own process, on SQLite in the data folder ``data``."""
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    env |= {"FAME_ENV": "test", "FAME_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "fame.cli", *args],
        capture_output=True,
        text=True,
        cwd=data.parent,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """An empty data folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """Inputs the verbs are given: an agency CSV and a public key."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_records(folder / "sch-001.csv", [record()])
    key = Ed25519PrivateKey.generate().public_key()
    (folder / "hub.pem").write_text(public_pem(key), encoding="ascii")
    return folder


def databases_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.glob("*.sqlite3*"))


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["index", "load", "{in}/sch-001.csv"],
            "`fame serve --role hub --region DIR --prepare-only`",
        ),
        (["index", "retention"], "there are no records to keep or purge; run `fame migrate`"),
        (["node", "import", "{in}/sch-001.csv"], "host the agencies first: `fame node host"),
        (["audit", "verify"], "there is no audit log to check yet; run `fame migrate`"),
        (["audit", "--json", "verify"], "there is no audit log to check yet"),
        (["audit", "publish"], "there is no audit log to publish yet"),
        (["worker", "--once"], "there is no outbox to deliver yet"),
        (["totp", "alice"], "there are no demo accounts yet; make a demo region with `fame run`"),
        (["runserver", "127.0.0.1:8999"], "use `fame run`, which prepares one"),
        (["changepassword", "alice"], "there are no accounts yet"),
        (["dumpdata"], "there is nothing to dump"),
        (["flush", "--noinput"], "there is nothing to empty"),
        (["clearsessions"], "there are no sessions to clear"),
        (["remove_stale_contenttypes", "--noinput"], "run `fame migrate` to set it up"),
        (["axes_list_attempts"], "there are no sign-in attempts yet"),
        (["axes_reset"], "there are no lockouts to reset"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_fame_verb_on_a_database_never_set_up_refuses_in_one_line(
    data: Path, files: Path, args: list[str], says: str
) -> None:
    args = [arg.replace("{in}", str(files)) for arg in args]

    result = fame(data, *args)

    assert result.returncode == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith(f"CommandError: `fame {args[0]}")
    assert f"` needs a database that is set up, and the database in {data} (FAME_DATA_DIR)" in line
    assert says in line
    assert databases_in(data) == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["node", "host", "--agencies", "sch-001"], "This node hosts 1 agencies (1 new)."),
        (["node", "trust", "--public-key-file", "{in}/hub.pem"], "now accepts requests signed by"),
        (
            [
                "node",
                "register",
                "--name",
                "school-node",
                "--url",
                "http://127.0.0.1:8101",
                "--agencies",
                "sch-001",
                "--public-key-file",
                "{in}/hub.pem",
            ],
            "The hub knows node school-node",
        ),
        (["audit", "trust", "--public-key-file", "{in}/hub.pem"], "now witnesses the audit log"),
        (["bench", "search", "--people", "5", "--queries", "3", "--json"], '"people": '),
        (
            ["createsuperuser", "--noinput", "--username", "dana", "--email", "dana@example.org"],
            "Superuser created successfully.",
        ),
    ],
    ids=lambda value: " ".join(value[:2]) if isinstance(value, list) else None,
)
def test_fame_verb_that_creates_data_sets_up_the_database_and_runs(
    data: Path, files: Path, args: list[str], says: str
) -> None:
    result = fame(data, *[arg.replace("{in}", str(files)) for arg in args])

    assert result.returncode == 0, result.stderr
    assert says in result.stdout
    assert "Traceback" not in result.stderr
    assert databases_in(data) != []


@pytest.mark.parametrize(
    "args",
    [
        ["keys"],
        ["audit", "key"],
        ["sharing", "explain", "--scenario", "{in}/sch-001.csv"],
        ["link", "train", "--records", "{in}/nowhere"],
        ["synth", "--children", "3", "--out", "{in}/region"],
        ["help"],
        ["index", "--help"],
    ],
    ids=" ".join,
)
def test_fame_verb_that_needs_no_database_makes_none(
    data: Path, files: Path, args: list[str]
) -> None:
    result = fame(data, *[arg.replace("{in}", str(files)) for arg in args])

    assert "Traceback" not in result.stderr
    assert databases_in(data) == []


def test_fame_verb_on_a_database_set_up_then_works(data: Path) -> None:
    hosted = fame(data, "node", "host", "--agencies", "sch-001")

    verified = fame(data, "audit", "verify")
    delivered = fame(data, "worker", "--once")

    assert hosted.returncode == 0, hosted.stderr
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("Audit log intact: ")
    assert delivered.stdout.startswith('{"delivered": 0')


def test_fame_verb_on_a_database_behind_reads_nothing_and_changes_after_migrating(
    data: Path,
) -> None:
    assert fame(data, "node", "host", "--agencies", "sch-001").returncode == 0
    assert fame(data, "migrate", "sessions", "zero", "--verbosity", "0").returncode == 0

    checked = fame(data, "audit", "verify")
    kept = fame(data, "index", "retention")
    checked_again = fame(data, "audit", "verify")

    assert checked.returncode == 1
    assert one_line(checked.stderr) == (
        f"CommandError: The database in {data} (FAME_DATA_DIR) is not up to date "
        "(1 migration to apply): run `fame migrate`, then `fame audit verify` again."
    )
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout == "Archived 0 records and purged 0.\n"
    assert checked_again.returncode == 0, checked_again.stderr


def test_fame_verb_whose_database_cannot_be_reached_says_so_in_one_line(data: Path) -> None:
    env_url = "postgres://postgres@127.0.0.1:9/fame_nowhere"  # nothing listens on port 9
    result = subprocess.run(
        [sys.executable, "-m", "fame.cli", "totp", "alice"],
        capture_output=True,
        text=True,
        env={**os.environ, "FAME_ENV": "test", "FAME_DATA_DIR": str(data), "DATABASE_URL": env_url},
        timeout=300,
        check=False,
    )

    assert result.returncode == 1
    assert one_line(result.stderr).startswith(
        "CommandError: `fame totp` cannot reach the database fame_nowhere (connection failed"
    )
