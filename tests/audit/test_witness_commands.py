"""`fame audit key`, `fame audit trust` and `fame audit publish`, and the hub's publisher thread."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.audit import record_event
from fame.audit.models import AuditEvent, TrustedLogKey, WitnessedTreeHead
from fame.audit.publish import Publication, TreeHeadPublisher
from fame.audit.queries import latest_tree_head
from fame.audit.signing import signing_key
from fame.federation.actions import register_node
from fame.federation.keys import public_pem

from .conftest import NODE, run_audit

pytestmark = pytest.mark.django_db


def test_audit_key_prints_and_writes_the_audit_public_key(tmp_path: Path) -> None:
    file = tmp_path / "audit.pub"

    code, out, _ = run_audit("key", "--json", "--public-key-file", str(file))

    key = signing_key("audit")
    assert code == 0
    assert json.loads(out) == {"key_id": key.key_id, "public_key": public_pem(key.public_key)}
    assert file.read_text(encoding="ascii") == public_pem(key.public_key)


def test_audit_trust_makes_the_node_witness_that_key_once(tmp_path: Path) -> None:
    file = tmp_path / "hub-audit.pub"
    run_audit("key", "--public-key-file", str(file))

    code, out, _ = run_audit("trust", "--public-key-file", str(file))
    run_audit("trust", "--public-key-file", str(file))

    key_id = signing_key("audit").key_id
    assert code == 0
    assert out.strip() == f"This node now witnesses the audit log of hub (key {key_id})."
    assert TrustedLogKey.objects.get().key_id == key_id
    assert AuditEvent.objects.filter(action="audit.log_key_trusted").count() == 1


def test_audit_trust_without_a_key_file_says_how(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("audit", "trust")

    assert raised.value.returncode == 2
    assert "fame audit trust --public-key-file FILE" in str(raised.value)


@pytest.mark.parametrize("content", [None, "not a key"])
def test_audit_trust_refuses_a_missing_or_bad_key_file(tmp_path: Path, content: str | None) -> None:
    file = tmp_path / "hub-audit.pub"
    if content is not None:
        file.write_text(content, encoding="ascii")

    with pytest.raises(CommandError, match="not an Ed25519 public key file"):
        call_command("audit", "trust", "--public-key-file", str(file))
    assert not TrustedLogKey.objects.exists()


def test_audit_publish_says_what_each_node_did(witnessing_node) -> None:
    record_event("index.search", target="search:1")
    size = latest_tree_head().tree_size  # type: ignore[union-attr]

    code, out, _ = run_audit("publish")

    assert code == 0
    assert out.strip() == f"{NODE}: accepted (tree head {size})"


def test_audit_publish_json_and_exit_1_when_a_node_does_not_keep_it(witnessing_node) -> None:
    register_node(
        name="police", base_url="http://down.example", agencies=[], public_key=public_pem()
    )

    code, out, _ = run_audit("publish", "--json")

    answer = json.loads(out)
    assert code == 1
    statuses = {n["node"]: n["status"] for n in answer["nodes"]}
    assert statuses == {NODE: "accepted", "police": "no answer"}
    assert answer["tree_size"] == WitnessedTreeHead.objects.get().tree_size


def test_audit_publish_with_an_empty_log_has_nothing_to_send(in_process) -> None:
    code, out, _ = run_audit("publish")

    assert code == 0
    assert out.strip() == "The audit log is empty: there is no tree head to publish yet."


def test_audit_publish_is_refused_on_a_node(settings) -> None:
    settings.FAME_ROLE = "node"

    with pytest.raises(CommandError, match="publish runs on the hub"):
        call_command("audit", "publish")


@pytest.mark.django_db(transaction=True)
def test_publisher_thread_sends_new_heads_until_stopped(monkeypatch) -> None:
    """The loop, without the database: sending itself is `fame audit publish`'s test, and the
    whole path runs over HTTP in test_witness_processes. (A thread writing to the test's
    in-memory SQLite database while the test reads it locks the table now and then.)"""
    sizes = iter([3, 3, 4, 4, 4])
    sent: list[dict[str, int]] = []
    rounds = threading.Event()

    def publish(*, skip: dict[str, int]) -> list[Publication]:
        sent.append(dict(skip))
        size = next(sizes, 4)
        if len(sent) >= 5:
            rounds.set()
        if skip.get(NODE) == size:
            return []
        if len(sent) == 3:
            raise RuntimeError("one bad round")  # logged; the thread carries on
        return [Publication(node=NODE, status="accepted", tree_size=size)]

    monkeypatch.setattr("fame.audit.publish.publish_tree_head", publish)
    monkeypatch.setattr("fame.audit._rounds.close_old_connections", lambda: None)
    publisher = TreeHeadPublisher(every=0.01)
    publisher.start()
    assert rounds.wait(10)
    publisher.stop()

    assert not publisher.is_alive()
    assert publisher.accepted == {NODE: 4}
    assert sent[0] == {} and sent[1] == {NODE: 3}  # what a node kept is not sent again
    assert sent[3] == {NODE: 3}  # the round that failed kept nothing; the next sends again
