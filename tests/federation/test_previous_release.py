"""Version skew, run (ADR 0047): a node of the previous release joined to a hub of this code.

The previous release's code is taken from git at the commit named in ``api_v1/RELEASE``
(``git archive``) and run as a real node process (``PYTHONPATH`` the old tree, the same
Python), its database migrated by the old code: SQLite, or with DATABASE_URL a new
PostgreSQL database beside the one it names (the hub keeps SQLite). Through the real HTTP
APIs it delivers its records to this hub's Child Index, answers a practitioner's detail
request sent by the hub, and witnesses the hub's audit log; then this code's migrations
run on its database while it serves, and it still delivers and answers.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
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

from ..databases import databases_beside
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

    def __init__(
        self, root: Path, ports: tuple[int, int], old_tree: Path, node_database: str | None
    ) -> None:
        """``node_database``: the old node's PostgreSQL database (None: SQLite)."""
        self.old_tree = old_tree
        self.node_database = node_database
        hub_port, node_port = ports
        super().__init__(root, hub_port, node_port, hub_processes=1, env_for=self.env)
        region = json.loads((self.region_dir / "region.json").read_text())
        self.agencies = tuple(org["agency_id"] for org in region["organisations"])

    def own(self, spec: processes.ProcessSpec, *, old: bool | None = None) -> dict[str, str]:
        """What ``spec``'s environment adds to `fame demo`'s: for the old node its database,
        and the previous release's code unless ``old`` says: its tree first on the path,
        and not this checkout, which `python -m` would put first as the working folder."""
        extra = {}
        if spec is self.node and self.node_database:
            extra["DATABASE_URL"] = self.node_database
        if spec is self.node if old is None else old:
            extra.update(PYTHONPATH=str(self.old_tree), PYTHONSAFEPATH="1")
        return extra

    def env(self, spec: processes.ProcessSpec, *, old: bool | None = None) -> dict[str, str]:
        env = processes.environment(spec, hub_url=self.hub.url, max_backoff=0.5)
        return {**env, **self.own(spec, old=old)}

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

    def node_query(self, sql: str) -> list[tuple[object, ...]]:
        """Rows from the old node's database, SQLite or PostgreSQL."""
        if self.node_database is None:
            return query(self.node_db, sql)
        with psycopg.connect(self.node_database) as connection:
            return list(connection.execute(sql))

    def node_count(self, sql: str) -> int:
        return int(str(self.node_query(sql)[0][0]))

    def migrations(self) -> set[tuple[str, str]]:
        """The FAME migrations applied to the old node's database."""
        rows = self.node_query("select app, name from django_migrations")
        ours = {app for app, _ in migrations_of(CHECKOUT) | migrations_of(self.old_tree)}
        return {(str(app), str(name)) for app, name in rows if app in ours}

    def delivered(self) -> bool:
        held = self.node_count("select count(*) from node_noderecord")
        return held > 0 and count(self.hub_db, "select count(*) from index_sourcerecord") == held


@pytest.fixture
def region(tmp_path: Path, free_tcp_port_factory, old_tree: Path) -> Iterator[SkewRegion]:
    """With DATABASE_URL, the old node's database is a new PostgreSQL one beside it."""
    ports = free_tcp_port_factory(), free_tcp_port_factory()
    with databases_beside("old_node") as urls:
        made = SkewRegion(tmp_path, ports, old_tree, urls[0] if urls else None)
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
        return hub, region.node_count("select count(*) from sharing_disclosure")

    asked, kept = answers()
    results = person.search(child)
    assert results, f"the search for {child.family_name} found nobody"
    person.ask(person.open_record(results[0]), agency)
    assert answers() == (asked + 1, kept + 1), f"{agency}'s node did not answer"


def test_a_node_of_the_previous_release_delivers_and_answers(region: SkewRegion):
    region.start(region.hub, FAME_AUDIT_PUBLISH_SECONDS="1")
    region.start(region.node, **region.own(region.node))
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
    wait_for(lambda: region.node_count(witnessed) > 0, timeout=30, what="a witnessed head")

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
        before = region.node_count(witnessed)
        ask(region, person, child, child.others[-1])
        wait_for(lambda: region.node_count(witnessed) > before, timeout=30, what="a head")
    finally:
        person.client.close()
