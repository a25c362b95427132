"""Recording an audit event: one row stored and queued, in the caller's transaction
(on PostgreSQL in one statement, elsewhere in two).

No lock is taken and nothing is signed here: the sequencer (``fame.audit.sequencer``)
adds queued events to the Merkle tree in batches and signs one tree head per batch
(ADR 0041).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Field
from django.http import HttpRequest
from django.utils import timezone

from fame.audit._canonical import normalise_details
from fame.audit.models import AuditEvent, Outcome, PendingEvent

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from fame.accounts.models import Organisation

ACTION_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")

_STORED = ("time", "actor_id", "actor_username", "organisation", "action", "target", "outcome")


def record_event(
    action: str,
    *,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    organisation: Organisation | str | None = None,
    target: str = "",
    outcome: str = Outcome.SUCCESS,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Store one audit event and queue it for the sequencer; the stored event.

    Runs inside the caller's transaction (or its own): if the caller rolls back,
    the event and its place in the queue roll back with it; once it commits,
    the sequencer will add it to the log. ``actor`` may be None (the system) or an
    anonymous user; ``organisation`` defaults to the actor's own.
    """
    if not ACTION_PATTERN.fullmatch(action):
        raise ValueError(f"audit action {action!r} should be dotted, like 'auth.login'")
    if outcome not in Outcome.values:
        raise ValueError(f"audit outcome {outcome!r} should be one of {', '.join(Outcome.values)}")
    recorded_details = normalise_details(details)
    if request is not None:
        recorded_details["ip"] = request.META.get("REMOTE_ADDR", "")
        acting_for = _facilitated_for(request)
        if acting_for and "on_behalf_of" not in recorded_details:
            # Facilitated access: an ISA officer acting for a practitioner without an account.
            recorded_details["on_behalf_of"] = acting_for
    actor_id, actor_username = _describe_actor(actor)
    agency_id = _agency_id(organisation if organisation is not None else _actor_org(actor))
    event = AuditEvent(
        time=timezone.now(),
        actor_id=actor_id,
        actor_username=actor_username,
        organisation=agency_id,
        action=action,
        target=str(target),
        outcome=str(outcome),
        details=recorded_details,
    )
    statement, values = _insert_sql(event)
    if connection.vendor == "postgresql":
        # One statement stores and queues the event: atomic by itself, one round trip,
        # in the caller's transaction or, outside one, committed as it returns.
        with connection.cursor() as cursor:
            cursor.execute(statement, values)
            event.seq = cursor.fetchone()[0]
    else:
        # No savepoint inside the caller's transaction, as on PostgreSQL: a failed INSERT
        # fails the caller's transaction, which must not go on without its event.
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(statement, values)
            event.seq = cursor.fetchone()[0]
            cursor.execute(_QUEUE_SQL, [event.seq])
    event._state.adding = False
    event._state.db = connection.alias
    return event


_QUEUE_SQL = f"INSERT INTO {PendingEvent._meta.db_table} (seq) VALUES (%s)"  # noqa: S608


def _insert_sql(event: AuditEvent) -> tuple[str, list[Any]]:
    """The event's INSERT, with the database's own spelling of each value (one statement,
    without the model layer's per-save work: this runs for every audited action)."""
    fields = _stored_fields()
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    return _insert_statement(connection.vendor), values


@cache
def _stored_fields() -> list[Field[Any, Any]]:
    by_name = {f.name: f for f in AuditEvent._meta.concrete_fields}
    return [by_name[name] for name in (*_STORED, "details")]


@cache
def _insert_statement(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _stored_fields())
    marks = ", ".join(["%s"] * len(_stored_fields()))
    table, seq = quote(AuditEvent._meta.db_table), quote(AuditEvent._meta.pk.column)
    insert = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {seq}"  # noqa: S608
    if vendor != "postgresql":
        return insert
    queue = quote(PendingEvent._meta.db_table)
    return (
        f"WITH stored AS ({insert}) "  # noqa: S608
        f"INSERT INTO {queue} ({seq}) SELECT {seq} FROM stored RETURNING {seq}"
    )


def _describe_actor(actor: AbstractBaseUser | AnonymousUser | None) -> tuple[int | None, str]:
    if actor is None or not actor.is_authenticated:
        return None, ""
    return int(actor.pk), actor.get_username()


def _actor_org(actor: AbstractBaseUser | AnonymousUser | None) -> Organisation | None:
    if actor is None or not actor.is_authenticated:
        return None
    organisation: Organisation | None = getattr(actor, "organisation", None)
    return organisation


def _agency_id(organisation: Organisation | str | None) -> str:
    if organisation is None:
        return ""
    if isinstance(organisation, str):
        return organisation
    return organisation.agency_id


def _facilitated_for(request: HttpRequest) -> dict[str, str]:
    from fame.accounts.facilitated import facilitated_for

    return facilitated_for(request)
