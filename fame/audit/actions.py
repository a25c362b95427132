"""Appending to the audit log: one event, one leaf, one signed tree head, one transaction."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from fame.audit._canonical import event_bytes, normalise_details, tree_head_message
from fame.audit._merkle import CompactTree, leaf_hash
from fame.audit.models import AuditEvent, LogState, Outcome, TreeHead
from fame.audit.signing import signing_key

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from fame.accounts.models import Organisation

ACTION_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


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
    """Append one event to the audit log and sign the new tree head.

    Runs inside the caller's transaction (or its own): if the caller rolls back,
    the event, its tree head and the log state roll back with it.
    ``actor`` may be None (the system) or an anonymous user; ``organisation``
    defaults to the actor's own.
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
    key = signing_key()

    with transaction.atomic():
        state, _ = LogState.objects.select_for_update().get_or_create(pk=LogState.SINGLETON)
        tree = CompactTree.from_hex(state.tree_size, state.frontier)
        now = timezone.now()
        fields: dict[str, Any] = {
            "seq": tree.size + 1,
            "time": now,
            "actor_id": actor_id,
            "actor_username": actor_username,
            "organisation": agency_id,
            "action": action,
            "target": str(target),
            "outcome": str(outcome),
            "details": recorded_details,
        }
        leaf = leaf_hash(event_bytes(**fields))
        event = AuditEvent(**fields, leaf_hash=leaf.hex())
        event.save()

        tree.append(leaf)
        root = tree.root().hex()
        state.tree_size, state.frontier, state.root_hash = tree.size, tree.frontier_hex(), root
        state.save()

        message = tree_head_message(tree_size=tree.size, timestamp=now, root_hash=root)
        TreeHead(
            tree_size=tree.size,
            root_hash=root,
            timestamp=now,
            signature=key.sign(message).hex(),
            key_id=key.key_id,
        ).save()
    return event


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
