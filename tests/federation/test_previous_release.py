"""Version skew, run (ADR 0047): a node of the previous release joined to a hub of this code.

The previous release's code is taken from git at the commit named in ``api_v1/RELEASE``
(``git archive``) and run as a real node process (``PYTHONPATH`` the old tree, the same
Python), its SQLite database migrated by the old code. Through the real HTTP APIs it
delivers its records to this hub's Child Index, answers a practitioner's detail request sent
by the hub, and witnesses the hub's audit log; then this code's migrations run on its
database while it serves, and it still delivers and answers.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fame.accounts.seeding import DEMO_PASSWORD
from fame.web.management.commands import _processes as processes
from fame.web.management.commands._rehearsal import (
    PERSONA,
    Child,
    Practitioner,
    child_to_find,
    deliver_update,
)

from ..polling import wait_for
from .test_api_versions import previous
from .test_processes import Region, count

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("processes")]

CHECKOUT = Path(__file__).resolve().parents[2]
RELEASE = Path(__file__).parent / "api_v1" / "RELEASE"
ANSWERED = ("released", "partly", "refused")
"""A detail request's states once the node has answered."""


def query(database: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(database, timeout=30) as connection:
        return list(connection.execute(sql, args))


def declared(document: dict[str, Any]) -> tuple[object, ...]:
    """An OpenAPI document's version, operations and schemas (not its paths' spelling: the
    checked-in documents were made with a path prefix that joins a router's sub-prefix
    without its slash, ``/federation/v1/nodecafs/...``, where the node serves ``node/cafs``)."""
    operations = sorted(
        (method, operation["operationId"])
        for path in document["paths"].values()
        for method, operation in path.items()
    )
    return document["info"], operations, document["components"]


def migrations_of(tree: Path) -> set[tuple[str, str]]:
    """The FAME migrations in a tree's ``fame`` package: app label, migration name."""
    return {(p.parent.parent.name, p.stem) for p in tree.glob("fame/*/migrations/0*.py")}


def release_commit() -> str:
    for line in RELEASE.read_text(encoding="utf-8").splitlines():
        commit = line.split("#", 1)[0].strip()
        if commit:
            return commit
    raise AssertionError(f"{RELEASE} names no commit.")


def git(*args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(CHECKOUT), *args], check=False, **kwargs)  # type: ignore[call-overload,no-any-return]


@pytest.fixture(scope="module")
def old_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The previous release's ``fame`` package, extracted from git into a folder."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip(
            "Runs in the SQLite pass: its processes keep SQLite databases whatever "
            "DATABASE_URL says, so the PostgreSQL pass would only repeat it."
        )
    if shutil.which("git") is None:
        pytest.fail("git is needed to take the previous release's code from this checkout.")
    if git("rev-parse", "--is-inside-work-tree", capture_output=True).returncode != 0:
        pytest.skip(f"{CHECKOUT} is not a git checkout: the previous release cannot be taken.")
    commit = release_commit()
    if git("cat-file", "-e", f"{commit}^{{commit}}", capture_output=True).returncode != 0:
        pytest.fail(
            f"The previous release's commit {commit} ({RELEASE.name}) is not in this clone's "
            "history; fetch it (a full clone, not a shallow one)."
        )
    tree = tmp_path_factory.mktemp("previous-release")
    with subprocess.Popen(
        ["git", "-C", str(CHECKOUT), "archive", commit, "fame"], stdout=subprocess.PIPE
    ) as archive:
        extracted = subprocess.run(
            ["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=False
        )
    assert archive.returncode == 0 and extracted.returncode == 0, f"git archive {commit} failed"
    return tree


class SkewRegion(Region):
    """A hub of this code and one node of the previous release hosting every agency."""

    def __init__(self, root: Path, hub_port: int, node_port: int, old_tree: Path) -> None:
        self.old_tree = old_tree
        super().__init__(root, hub_port, node_port, hub_processes=1, env_for=self.env)
        region = json.loads((self.region_dir / "region.json").read_text())
        self.agencies = tuple(org["agency_id"] for org in region["organisations"])

    @property
    def old_code(self) -> dict[str, str]:
        """The environment that runs the previous release: its tree first on the path, and
        not this checkout, which `python -m` would put first as the working folder."""
        return {"PYTHONPATH": str(self.old_tree), "PYTHONSAFEPATH": "1"}

    def env(self, spec: processes.ProcessSpec, *, old: bool | None = None) -> dict[str, str]:
        """``spec``'s environment; the old code's for the old node unless ``old`` says."""
        env = processes.environment(spec, hub_url=self.hub.url, max_backoff=0.5)
        return {**env, **self.old_code} if (spec is self.node if old is None else old) else env

    def run(self, spec: processes.ProcessSpec, *args: str, old: bool) -> None:
        """A one-off `fame` verb in ``spec``'s data folder, by the old code or this code."""
        done = subprocess.run(
            [*processes.FAME, *args],
            env=self.env(spec, old=old),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"`fame {' '.join(args)}` failed:\n{done.stderr}"

    def migrations(self) -> set[tuple[str, str]]:
        """The FAME migrations applied to the old node's database."""
        rows = query(self.node_db, "select app, name from django_migrations")
        ours = {app for app, _ in migrations_of(CHECKOUT) | migrations_of(self.old_tree)}
        return {(str(app), str(name)) for app, name in rows if app in ours}

    def delivered(self) -> bool:
        held = count(self.node_db, "select count(*) from node_noderecord")
        return held > 0 and count(self.hub_db, "select count(*) from index_sourcerecord") == held


@pytest.fixture
def region(tmp_path: Path, free_tcp_port_factory, old_tree: Path) -> Iterator[SkewRegion]:
    made = SkewRegion(tmp_path, free_tcp_port_factory(), free_tcp_port_factory(), old_tree)
    try:
        yield made
    finally:
        processes.stop(list(made.running.values()), grace=5)


def ask(region: SkewRegion, person: Practitioner, child: Child, agency: str) -> None:
    """Search for ``child`` on the hub, open its record and ask ``agency`` for details: the
    hub sends the request to the old node, which decides, keeps its disclosure record and
    answers (shared or refused, either is an answer)."""
    answered = (
        "select count(*) from federation_detailrequest r join accounts_organisation o "
        "on o.id = r.agency_id where o.agency_id = ? and r.status in (?, ?, ?)"
    )

    def answers() -> tuple[int, int]:
        """The hub's answered requests to ``agency``, and the disclosure records the node keeps."""
        hub = int(str(query(region.hub_db, answered, agency, *ANSWERED)[0][0]))
        return hub, count(region.node_db, "select count(*) from sharing_disclosure")

    asked, kept = answers()
    results = person.search(child)
    assert results, f"the search for {child.family_name} found nobody"
    person.ask(person.open_record(results[0]), agency)
    assert answers() == (asked + 1, kept + 1), f"{agency}'s node did not answer"


def test_a_node_of_the_previous_release_delivers_and_answers(region: SkewRegion):
    region.start(region.hub, FAME_AUDIT_PUBLISH_SECONDS="1")
    region.start(region.node, **region.old_code)
    processes.wait_healthy([region.hub, region.node], region.running, timeout=120)
    # The node's database was migrated by the previous release, which runs it, and it
    # declares the API documents checked in as the previous release's.
    assert region.migrations() == migrations_of(region.old_tree)
    served = httpx.get(f"{region.node.url}/federation/v1/node/openapi.json", trust_env=False)
    assert declared(served.json()) == declared(previous("node")), (
        f"the commit in {RELEASE.name} does not declare api_v1/node.json"
    )

    # It delivers: every record it holds reaches this hub's Child Index through its outbox.
    wait_for(region.delivered, timeout=90, what="the old node's records in the hub's index")
    # It witnesses this hub's audit log (heads published with fields it does not know).
    witnessed = "select count(*) from audit_witnessedtreehead"
    wait_for(lambda: count(region.node_db, witnessed) > 0, timeout=30, what="a witnessed head")

    # It answers: a practitioner on the hub asks an agency of the old node for details.
    logins = json.loads((region.hub.data_dir / "demo-logins.json").read_text())
    login = next(x for x in logins if x["persona"] == PERSONA)
    agency = login["username"].rsplit(".", 1)[1]
    child = child_to_find(region.region_dir, agency, set(region.agencies) - {agency})
    person = Practitioner(region.hub.url)
    try:
        person.sign_in(login["username"], DEMO_PASSWORD, login["totp_secret"])
        ask(region, person, child, child.others[0])

        # This code's migrations run on its database while it serves...
        region.run(region.node, "migrate", old=False)
        assert region.migrations() >= migrations_of(CHECKOUT)
        # ...and it still delivers a new record of the child and answers.
        new_id = deliver_update(
            region.region_dir,
            region.root / "updates",
            agency,
            child,
            run_import=lambda update: region.run(
                region.node, "node", "import", str(update), old=True
            ),
        )
        indexed = "select count(*) from index_sourcerecord where local_id = ?"
        wait_for(
            lambda: query(region.hub_db, indexed, new_id) == [(1,)],
            timeout=60,
            what="the old node's new record in the hub's index",
        )
        before = count(region.node_db, witnessed)
        ask(region, person, child, child.others[-1])
        wait_for(lambda: count(region.node_db, witnessed) > before, timeout=30, what="a head")
    finally:
        person.client.close()
