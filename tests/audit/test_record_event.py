"""Appending to the audit log."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from fame.accounts.models import Organisation, User
from fame.audit import AppendOnlyError, AuditEvent, TreeHead, record_event, verify_audit_log
from fame.audit._canonical import tree_head_message
from fame.audit._merkle import leaf_hash, merkle_root
from fame.audit.models import AuditLeaf, LogState, PendingEvent
from fame.audit.sequencer import integrate
from fame.audit.signing import signing_key

pytestmark = pytest.mark.django_db


def test_record_event_stores_who_what_and_for_which_organisation(school_teacher: User) -> None:
    event = record_event(
        "access.refused",
        actor=school_teacher,
        target="child:123",
        outcome="refused",
        details={"reason": "no involvement"},
    )

    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.actor_id == school_teacher.pk
    assert stored.actor_username == "alice"
    assert stored.organisation == "sch-001"
    assert (stored.action, stored.target, stored.outcome) == (
        "access.refused",
        "child:123",
        "refused",
    )
    assert stored.details == {"reason": "no involvement"}
    assert stored.time.tzinfo is not None


def test_record_event_without_actor_is_a_system_event() -> None:
    event = record_event("admin.user_changed", target="user:9")

    assert (event.actor_id, event.actor_username, event.organisation) == (None, "", "")


def test_record_event_with_anonymous_actor_records_no_actor() -> None:
    event = record_event("auth.login_failed", actor=AnonymousUser(), outcome="failure")

    assert (event.actor_id, event.actor_username) == (None, "")


def test_record_event_with_explicit_organisation_overrides_actors(
    administrator: User, school: Organisation
) -> None:
    event = record_event("admin.organisation_changed", actor=administrator, organisation=school)

    assert event.organisation == "sch-001"
    assert administrator.organisation is not None
    assert administrator.organisation.agency_id != "sch-001"


def test_record_event_for_deleted_actor_keeps_who_it_was(health_visitor: User) -> None:
    event = record_event("auth.login", actor=health_visitor)
    actor_id = health_visitor.pk

    health_visitor.delete()

    stored = AuditEvent.objects.get(seq=event.seq)
    assert (stored.actor_id, stored.actor_username) == (actor_id, "bob")


def test_record_event_with_request_stores_client_ip() -> None:
    request = RequestFactory().post("/sign-in", REMOTE_ADDR="192.0.2.7")

    event = record_event(
        "auth.login_failed", outcome="failure", details={"username": "bob"}, request=request
    )

    assert AuditEvent.objects.get(seq=event.seq).details == {"username": "bob", "ip": "192.0.2.7"}


def test_record_event_stores_and_queues_the_event_and_signs_nothing() -> None:
    for number in range(5):
        record_event("auth.login", target=f"user:{number}")

    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert list(PendingEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert not AuditLeaf.objects.exists()
    assert not TreeHead.objects.exists()
    assert not LogState.objects.exists()


def test_record_event_costs_one_statement_on_postgresql_two_elsewhere() -> None:
    with CaptureQueriesContext(connection) as statements:
        event = record_event("auth.login")

    inserts = [q["sql"] for q in statements.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 2)
    assert list(PendingEvent.objects.values_list("seq", flat=True)) == [event.seq]
    assert AuditEvent.objects.get().seq == event.seq


def test_integrate_adds_the_waiting_events_under_one_signed_head() -> None:
    for number in range(5):
        record_event("auth.login", target=f"user:{number}")

    heads = integrate()

    assert [(h.tree_size, h.previous_size) for h in heads] == [(5, 0)]
    assert list(AuditLeaf.objects.values_list("position", "seq")) == [(n, n) for n in range(1, 6)]
    assert not PendingEvent.objects.exists()
    assert LogState.objects.get().tree_size == 5
    assert integrate() == []


def test_integrate_signs_one_head_a_batch_each_chained_to_the_one_before() -> None:
    for number in range(5):
        record_event("auth.login", target=f"user:{number}")

    integrate(batch=2)
    record_event("auth.logout")
    integrate()

    heads = TreeHead.objects.values_list("tree_size", "previous_size")
    assert list(heads) == [(2, 0), (4, 2), (5, 4), (6, 5)]


def test_record_event_tree_heads_are_signed_rfc6962_roots_of_the_leaves() -> None:
    events = [record_event("auth.login", target=f"user:{n}") for n in range(3)]
    integrate()
    events += [record_event("auth.login", target=f"user:{n}") for n in range(3, 6)]
    integrate(batch=2)
    key = signing_key()

    leaves = [leaf_hash(event.canonical_bytes()) for event in events]
    assert list(TreeHead.objects.values_list("tree_size", flat=True)) == [3, 5, 6]
    for head in TreeHead.objects.all():
        assert head.root_hash == merkle_root(leaves[: head.tree_size]).hex()
        assert head.key_id == key.key_id
        message = tree_head_message(
            tree_size=head.tree_size, timestamp=head.timestamp, root_hash=head.root_hash
        )
        key.public_key.verify(bytes.fromhex(head.signature), message)  # raises if forged


def test_record_event_leaf_hash_survives_the_database_round_trip() -> None:
    event = record_event(
        "auth.otp_enrolled",
        target=42,  # type: ignore[arg-type]
        details={"device": "Phone", "n": [1, -(2**70), None, True], "nested": {"é": "ü"}},
    )
    integrate()

    stored = AuditEvent.objects.get(seq=event.seq)

    assert stored.computed_leaf_hash() == event.computed_leaf_hash()
    assert AuditLeaf.objects.get(seq=event.seq).leaf_hash == stored.computed_leaf_hash()
    assert stored.time.astimezone(UTC) == event.time
    assert verify_audit_log().intact


def test_record_event_in_rolled_back_transaction_leaves_nothing() -> None:
    record_event("auth.login")

    with pytest.raises(RuntimeError), transaction.atomic():
        record_event("auth.locked_out", outcome="failure")
        raise RuntimeError("the caller's work failed")

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["auth.login"]
    assert PendingEvent.objects.count() == 1
    integrate()
    assert TreeHead.objects.count() == 1
    assert LogState.objects.get().tree_size == 1
    later = record_event("auth.login")
    integrate()
    # PostgreSQL does not give a number back when a transaction rolls back; the log's
    # places have no gap either way.
    assert list(AuditLeaf.objects.values_list("position", "seq")) == [(1, 1), (2, later.seq)]
    assert verify_audit_log().intact


@pytest.mark.parametrize(
    "action", ["login", "Auth.Login", "auth.", "auth login", "", "auth.login\n"]
)
def test_record_event_with_undotted_action_is_refused(action: str) -> None:
    with pytest.raises(ValueError, match="should be dotted"):
        record_event(action)

    assert not AuditEvent.objects.exists()


def test_record_event_with_unknown_outcome_is_refused() -> None:
    with pytest.raises(ValueError, match="should be one of success, failure, refused"):
        record_event("auth.login", outcome="maybe")


@pytest.mark.parametrize(
    "details", [{"when": object()}, {"score": 0.5}, {"scores": [1, {"x": 2.0}]}, ["not a dict"]]
)
def test_record_event_with_unsafe_details_is_refused(details: object) -> None:
    with pytest.raises(TypeError):
        record_event("auth.login", details=details)  # type: ignore[arg-type]

    assert not AuditEvent.objects.exists()


def test_audit_event_save_of_existing_row_is_refused() -> None:
    event = record_event("auth.login", target="user:1")
    event.target = "user:2"

    with pytest.raises(AppendOnlyError):
        event.save()

    assert AuditEvent.objects.get().target == "user:1"


def test_audit_event_delete_is_refused() -> None:
    event = record_event("auth.login")

    with pytest.raises(AppendOnlyError):
        event.delete()

    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(("model", "field"), [(AuditEvent, "target"), (TreeHead, "root_hash")])
def test_queryset_bulk_changes_are_refused(model: type[AuditEvent | TreeHead], field: str) -> None:
    record_event("auth.login")
    integrate()

    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        model.objects.update(**{field: "x"})
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_create([])

    assert model.objects.count() == 1


def test_tree_head_save_of_existing_row_is_refused() -> None:
    record_event("auth.login")
    integrate()
    head = TreeHead.objects.get()
    head.root_hash = "0" * 64

    with pytest.raises(AppendOnlyError):
        head.save()


def test_leaves_are_never_changed_or_removed() -> None:
    record_event("auth.login")
    integrate()
    leaf = AuditLeaf.objects.get()

    with pytest.raises(AppendOnlyError):
        AuditLeaf.objects.update(leaf_hash="0" * 64)
    with pytest.raises(AppendOnlyError):
        AuditLeaf.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        leaf.delete()

    assert AuditLeaf.objects.get().leaf_hash == leaf.leaf_hash
