"""`fame audit verify`, as an operator runs it."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from fame.audit import AuditEvent, TreeHead, record_event
from fame.audit.management.commands.audit import Command, summary
from fame.audit.sequencer import integrate
from fame.audit.verify import VerificationResult
from fame.cli import main

from .conftest import run_audit


@pytest.fixture
def three_events() -> None:
    """Three events recorded far enough apart for the sequencer to sign a head for each."""
    for action in ("auth.login", "auth.otp_failed", "auth.locked_out"):
        record_event(action, target="user:alice")
        integrate()


@pytest.mark.django_db
def test_audit_verify_intact_log_prints_summary_and_exits_0(three_events: None) -> None:
    root = TreeHead.objects.get(tree_size=3).root_hash

    code, out, err = run_audit("verify")

    assert code == 0
    assert out.strip() == f"Audit log intact: 3 events, 3 signed tree heads, root {root[:16]}…"
    assert err == ""


@pytest.mark.django_db
def test_audit_verify_first_integrates_the_events_waiting_under_one_head(
    three_events: None,
) -> None:
    record_event("auth.login", target="user:bob")
    record_event("auth.logout", target="user:bob")

    code, out, _ = run_audit("verify")

    root = TreeHead.objects.get(tree_size=5).root_hash
    assert code == 0
    assert out.strip() == f"Audit log intact: 5 events, 4 signed tree heads, root {root[:16]}…"


@pytest.mark.django_db
def test_audit_verify_json_on_intact_log_reports_counts_and_root(three_events: None) -> None:
    code, out, _ = run_audit("verify", "--json")

    assert code == 0
    assert json.loads(out) == {
        "intact": True,
        "events": 3,
        "tree_heads": 3,
        "root": TreeHead.objects.get(tree_size=3).root_hash,
        "problem": None,
        "first_bad_event": None,
    }


@pytest.mark.django_db
def test_audit_verify_tampered_log_names_event_and_exits_1(three_events: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET outcome = 'failure' WHERE seq = 2"  # noqa: S608
        )

    code, out, err = run_audit("verify")

    assert code == 1
    assert out == ""
    assert err.strip() == (
        "Audit log check failed: event 2 was altered: its contents do not match its leaf hash."
    )


@pytest.mark.django_db
def test_audit_verify_json_on_tampered_log_exits_1_with_first_bad_event(
    three_events: None,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = 2")  # noqa: S608

    code, out, _ = run_audit("verify", "--json")

    report = json.loads(out)
    assert code == 1
    assert report["intact"] is False
    assert report["first_bad_event"] == 2
    assert report["problem"] == (
        "event 2 is missing: the log holds its leaf but the event was deleted"
    )


@pytest.mark.parametrize(
    ("args", "complaint"),
    [((), "Say what to do with the audit log."), (("check",), "Unknown audit command 'check'.")],
)
def test_audit_without_known_subcommand_shows_usage_with_code_2(
    args: tuple[str, ...], complaint: str
) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("audit", *args)

    assert raised.value.returncode == 2
    assert complaint in str(raised.value)
    assert "Usage: fame audit verify [--json]" in str(raised.value)


def test_fame_cli_unknown_audit_subcommand_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["audit", "shred"])

    assert raised.value.code == 2
    assert "Unknown audit command 'shred'" in capsys.readouterr().err


def test_summary_groups_thousands_and_uses_singulars() -> None:
    many = VerificationResult(True, 1234, 1234, "3f2a" * 16, None, None)
    one = VerificationResult(True, 1, 1, "ab" * 32, None, None)

    assert summary(many) == (
        "Audit log intact: 1,234 events, 1,234 signed tree heads, root 3f2a3f2a3f2a3f2a…"
    )
    assert summary(one).startswith("Audit log intact: 1 event, 1 signed tree head, ")


class FakeTerminal(StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "total", "shown"),
    [(FakeTerminal(), 20_000, True), (FakeTerminal(), 500, False), (StringIO(), 20_000, False)],
)
def test_progress_bar_shows_only_for_large_logs_on_a_terminal(
    stream: StringIO, total: int, shown: bool
) -> None:
    command = Command(stderr=stream)

    rows = list(command._progress_bar(iter(range(total)), total))

    assert len(rows) == total
    assert ("Checking audit events" in stream.getvalue()) is shown
