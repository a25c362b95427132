"""Audit tests sign with a fresh key in a private DATA_DIR: tests/conftest.py's ``data_dir``.

Witness tests use ``witnessing_node``: this process as hub and as one node
that witnesses the hub's audit log, the hub reaching the node (and the node
the hub, for consistency proofs) through the federation client over an
in-process transport, as tests/federation does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from typing import Any

import httpx
import pytest
from django.core.management import call_command
from django.db import connection

import fame.urls  # noqa: F401 - built now, with the embedded role
from fame.audit import record_event
from fame.audit._canonical import tree_head_message
from fame.audit._merkle import CompactTree
from fame.audit.models import AuditEvent, AuditLeaf, LogState, PendingEvent, TreeHead
from fame.audit.sequencer import integrate
from fame.audit.signing import signing_key
from fame.audit.witness import trust_log_key
from fame.federation import client as federation_client_module
from fame.federation._breaker import breakers
from fame.federation.actions import register_node
from fame.federation.keys import public_pem
from fame.federation.models import FederationNode
from fame.federation.transports import DjangoClientTransport
from fame.node.actions import trust_key

ORIGIN = "http://testserver"
NODE = "northmoor-node"


class DownHosts(httpx.BaseTransport):
    """The in-process transport, except that ``down`` hosts refuse connections."""

    def __init__(self, *down: str) -> None:
        self.down = set(down)
        self.inner = DjangoClientTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return self.inner.handle_request(request)


@pytest.fixture(autouse=True)
def events_numbered_from_one(request: pytest.FixtureRequest) -> None:
    """Each test's events are numbered from 1, as in a new database. (PostgreSQL does not
    give numbers back when a test's transaction rolls back; SQLite does.)"""
    if "django_db" not in {m.name for m in request.node.iter_markers()}:
        return
    request.getfixturevalue("db")  # (transaction=True tests get theirs from the marker)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'seq'), 1, false)",
                [AuditEvent._meta.db_table],
            )


@pytest.fixture
def in_process(settings, data_dir) -> Iterator[None]:
    """Federation calls answered by this process, as hub and as node ``NODE``."""
    settings.FAME_PUBLIC_URL = ORIGIN
    settings.FAME_HUB_URL = ORIGIN
    settings.FAME_NODE_NAME = NODE
    breakers.reset()
    federation_client_module.use_transport(DownHosts("down.example"))
    yield
    federation_client_module.use_transport(None)
    breakers.reset()


@pytest.fixture
def witnessing_node(in_process, db) -> FederationNode:
    """The hub knows the node; the node trusts the hub's federation key and audit key."""
    node = register_node(name=NODE, base_url=ORIGIN, agencies=[], public_key=public_pem())
    trust_key(name="hub", public_key=public_pem(), base_url=ORIGIN)
    trust_log_key(public_key=public_pem(signing_key("audit").public_key))
    return node


def sql(statement: str, params: list[Any] | None = None) -> None:
    """Run SQL as an attacker with database access would; {events}, {leaves}, {pending},
    {heads}, {state}."""
    query = statement.format(
        events=AuditEvent._meta.db_table,
        leaves=AuditLeaf._meta.db_table,
        pending=PendingEvent._meta.db_table,
        heads=TreeHead._meta.db_table,
        state=LogState._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])


def rewrite_log(seq: int, **changes: Any) -> None:
    """Alter event ``seq`` and recompute everything after it: leaf hashes, every tree head's
    root and signature (with the real audit key) and the running state. The log then
    passes its own check; only a witness can tell."""
    event = AuditEvent.objects.get(seq=seq)
    for name, value in changes.items():
        setattr(event, name, value)
    assignments = ", ".join(f"{name} = %s" for name in changes)
    sql(
        "UPDATE {events} SET " + assignments + " WHERE seq = %s",  # noqa: S608
        [*changes.values(), seq],
    )
    key = signing_key("audit")
    tree = CompactTree()
    heads = {h.tree_size: h for h in TreeHead.objects.all()}
    for position, event_seq in AuditLeaf.objects.order_by("position").values_list(
        "position", "seq"
    ):
        leaf = AuditEvent.objects.get(seq=event_seq).computed_leaf_hash()
        sql("UPDATE {leaves} SET leaf_hash = %s WHERE position = %s", [leaf, position])
        tree.append(bytes.fromhex(leaf))
        head = heads.get(tree.size)
        if head is not None:
            root = tree.root().hex()
            message = tree_head_message(
                tree_size=tree.size, timestamp=head.timestamp, root_hash=root
            )
            sql(
                "UPDATE {heads} SET root_hash = %s, signature = %s WHERE tree_size = %s",
                [root, key.sign(message).hex(), tree.size],
            )
    sql(
        "UPDATE {state} SET tree_size = %s, frontier = %s, root_hash = %s",
        [tree.size, json.dumps(tree.frontier_hex()), tree.root().hex()],
    )


def truncate_log(size: int) -> None:
    """Cut the log back to ``size`` events, with their leaves and heads, and rewind the
    running state."""
    sql("DELETE FROM {events} WHERE seq IN (SELECT seq FROM {leaves} WHERE position > %s)", [size])
    sql("DELETE FROM {leaves} WHERE position > %s", [size])
    sql("DELETE FROM {heads} WHERE tree_size > %s", [size])
    tree = CompactTree()
    for leaf in AuditLeaf.objects.order_by("position").values_list("leaf_hash", flat=True):
        tree.append(bytes.fromhex(leaf))
    sql(
        "UPDATE {state} SET tree_size = %s, frontier = %s, root_hash = %s",
        [tree.size, json.dumps(tree.frontier_hex()), tree.root().hex()],
    )


def add_events(n: int) -> None:
    """``n`` events, far enough apart for the sequencer to sign a head for each."""
    for i in range(n):
        record_event("index.search", target=f"search:{i}", details={"i": i})
        integrate()


def run_audit(*args: str) -> tuple[int, str, str]:
    """`fame audit ARGS` in this process: exit code, stdout, stderr."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()
