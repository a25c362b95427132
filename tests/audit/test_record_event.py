"""Appending to the audit log."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory

from fame.accounts.models import Organisation, User
from fame.audit import AppendOnlyError, AuditEvent, TreeHead, record_event
from fame.audit._canonical import tree_head_message
from fame.audit._merkle import leaf_hash, merkle_root
from fame.audit.models import LogState
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


def test_record_event_numbers_events_without_gaps_and_signs_a_head_for_each() -> None:
    for number in range(5):
        record_event("auth.login", target=f"user:{number}")

    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert list(TreeHead.objects.values_list("tree_size", flat=True)) == [1, 2, 3, 4, 5]
    assert LogState.objects.get().tree_size == 5


def test_record_event_tree_heads_are_signed_rfc6962_roots_of_the_leaves() -> None:
    events = [record_event("auth.login", target=f"user:{n}") for n in range(6)]
    key = signing_key()

    leaves = [leaf_hash(event.canonical_bytes()) for event in events]
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

    stored = AuditEvent.objects.get(seq=event.seq)

    assert stored.computed_leaf_hash() == stored.leaf_hash == event.leaf_hash
    assert stored.time.astimezone(UTC) == event.time


def test_record_event_in_rolled_back_transaction_leaves_nothing() -> None:
    record_event("auth.login")

    with pytest.raises(RuntimeError), transaction.atomic():
        record_event("auth.locked_out", outcome="failure")
        raise RuntimeError("the caller's work failed")

    assert AuditEvent.objects.count() == 1
    assert TreeHead.objects.count() == 1
    assert LogState.objects.get().tree_size == 1
    assert record_event("auth.login").seq == 2


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

    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        model.objects.update(**{field: "x"})
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_create([])

    assert model.objects.count() == 1


def test_tree_head_save_of_existing_row_is_refused() -> None:
    record_event("auth.login")
    head = TreeHead.objects.get()
    head.root_hash = "0" * 64

    with pytest.raises(AppendOnlyError):
        head.save()
