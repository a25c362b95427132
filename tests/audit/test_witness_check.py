"""`fame audit verify --witnesses`: the hub's log against the heads its nodes witnessed.

A rewrite that recomputes every hash and signature, or a truncation that
rewinds the running state, passes the log's own check (tests/audit/test_verify.py);
the witnesses name the node and the size where the log no longer agrees.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from fame.audit import verify_audit_log
from fame.audit.models import WitnessedTreeHead
from fame.audit.publish import publish_tree_head
from fame.audit.queries import latest_tree_head
from fame.audit.witness_check import check_witnesses
from fame.federation.actions import register_node
from fame.federation.keys import public_pem

from .conftest import NODE, add_events, rewrite_log, run_audit, truncate_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def witnessed_size(witnessing_node) -> int:
    """Events the node has witnessed, and a few more since."""
    add_events(5)
    publish_tree_head()
    head = latest_tree_head()
    assert head is not None
    add_events(3)
    return head.tree_size


def test_verify_witnesses_on_an_untouched_log_agrees_and_exits_0(witnessed_size: int) -> None:
    code, out, err = run_audit("verify", "--witnesses")

    assert code == 0, err
    assert out.splitlines()[0].startswith("Audit log intact: ")
    assert out.splitlines()[1] == f"Witness {NODE} agrees: 1 head, up to size {witnessed_size}"
    assert err == ""


def test_verify_witnesses_json_reports_each_node(witnessed_size: int) -> None:
    code, out, _ = run_audit("verify", "--witnesses", "--json")

    report = json.loads(out)
    assert code == 0
    assert report["intact"] is True
    assert report["witnesses"] == {
        "agree": True,
        "complete": True,
        "nodes": [
            {
                "node": NODE,
                "status": "agrees",
                "heads": 1,
                "latest_size": witnessed_size,
                "problem": "",
            }
        ],
        "disagreements": [],
        "acknowledged": [],
    }


def test_verify_witnesses_names_the_node_and_size_of_a_rewritten_log(
    witnessed_size: int,
) -> None:
    rewrite_log(3, target="search:rewritten")
    assert verify_audit_log().intact  # the log alone cannot tell

    code, out, err = run_audit("verify", "--witnesses")

    assert code == 1
    assert out.splitlines()[0].startswith("Audit log intact: ")
    assert f"Witness {NODE} DISAGREES with the log" in out
    assert f"Witness check failed: node {NODE} witnessed root " in err
    assert f"for size {witnessed_size} (signed " in err
    assert f"events up to {witnessed_size} were altered since." in err


def test_verify_witnesses_json_gives_both_roots_of_a_disagreement(witnessed_size: int) -> None:
    witnessed_root = WitnessedTreeHead.objects.get().root_hash
    assert check_witnesses().agree
    rewrite_log(1, outcome="refused")

    code, out, _ = run_audit("verify", "--witnesses", "--json")

    report = json.loads(out)["witnesses"]
    assert code == 1
    assert report["agree"] is False
    assert report["nodes"][0]["status"] == "disagrees"
    [disagreement] = report["disagreements"]
    assert disagreement["node"] == NODE
    assert disagreement["tree_size"] == witnessed_size
    assert disagreement["witnessed_root"] == witnessed_root
    assert disagreement["hub_root"] not in {None, witnessed_root}


def test_verify_witnesses_sees_a_truncation_that_the_log_alone_cannot(
    witnessed_size: int,
) -> None:
    truncate_log(witnessed_size - 1)
    assert verify_audit_log().intact  # the known limit of a log checked against itself

    code, _, err = run_audit("verify", "--witnesses")

    assert code == 1
    assert (
        f"node {NODE} witnessed a head for size {witnessed_size}" in err
        and f"but the log now ends at event {witnessed_size - 1}: events were removed" in err
    )


def test_verify_witnesses_reports_a_node_that_does_not_answer_and_exits_3(
    witnessed_size: int,
) -> None:
    register_node(
        name="police", base_url="http://down.example", agencies=[], public_key=public_pem()
    )

    code, out, err = run_audit("verify", "--witnesses")

    assert code == 3
    assert "Witness police did not answer" in out
    assert f"Witness {NODE} agrees" in out
    assert "Witness check incomplete: police it did not respond (could not connect" in err


def test_verify_witnesses_json_marks_a_silent_node_and_the_check_incomplete(
    witnessed_size: int,
) -> None:
    register_node(
        name="police", base_url="http://down.example", agencies=[], public_key=public_pem()
    )

    code, out, _ = run_audit("verify", "--witnesses", "--json")

    witnesses = json.loads(out)["witnesses"]
    assert code == 3
    assert witnesses["agree"] is True and witnesses["complete"] is False
    police = next(n for n in witnesses["nodes"] if n["node"] == "police")
    assert police["status"] == "no answer"
    assert police["problem"].startswith("it did not respond")


def test_verify_witnesses_disagreement_wins_over_a_silent_node(witnessed_size: int) -> None:
    register_node(
        name="police", base_url="http://down.example", agencies=[], public_key=public_pem()
    )
    rewrite_log(2, outcome="failure")

    code, _, err = run_audit("verify", "--witnesses")

    assert code == 1
    assert "Witness check failed" in err and "Witness check incomplete: police" in err


def test_verify_witnesses_reports_heads_the_node_refused(witnessing_node) -> None:
    add_events(4)
    publish_tree_head()
    add_events(1)
    rewrite_log(2, outcome="failure")
    publish_tree_head()  # refused by the node, kept there as evidence

    report = check_witnesses()

    assert not report.agree
    assert any(
        f"node {NODE} refused the hub's signed head" in d.problem for d in report.disagreements
    )


def test_verify_witnesses_without_nodes_is_incomplete(db, in_process) -> None:
    add_events(2)

    code, _, err = run_audit("verify", "--witnesses")

    assert code == 3
    assert "this hub has no registered nodes" in err


def test_verify_witnesses_is_refused_on_a_node(settings, db) -> None:
    settings.FAME_ROLE = "node"

    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", "--witnesses")

    assert raised.value.returncode == 2
    assert "--witnesses runs on the hub" in str(raised.value)


def test_witnesses_flag_without_verify_is_a_usage_error(db) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("audit", "publish", "--witnesses")

    assert raised.value.returncode == 2
    assert "--witnesses goes with verify" in str(raised.value)
