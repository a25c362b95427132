"""Writes to a round's plan: keyword-only, ``by=`` the actor, audited in one transaction.

Whether ``by`` may plan is for the view to ask (``queries.may_run``); these functions
record, and refuse with a ``PlanError`` what would lose or invent something.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from fame.accounts.models import User
from fame.audit import record_event

from ..models import PlanAction, Round
from ..queries import round_results
from .suggest import find, suggest


class PlanError(ValueError):
    """A change to the plan that cannot be made; the message says why, in plain words."""


@dataclass(frozen=True)
class ActionDetails:
    """What a person writes about an action (its own, or one accepted from the bank)."""

    text: str
    term: str
    owner: str = ""
    due_on: date | None = None


def accepted_kinds(round_: Round) -> set[tuple[str, str]]:
    """(statement id, kind) of every suggestion already accepted into ``round_``'s plan."""
    return set(
        PlanAction.objects.filter(round=round_)
        .exclude(suggestion="")
        .values_list("statement_id", "suggestion")
    )


def _audit(action: str, plan_action: PlanAction, by: User, **details: object) -> None:
    record_event(
        f"readiness.{action}",
        actor=by,
        target=f"round {plan_action.round_id} action {plan_action.pk}",
        details={"statement": plan_action.statement_id, **details},
    )


def accept_suggestion(*, round_: Round, statement_id: str, kind: str, by: User) -> PlanAction:
    """Accept the action the round's results suggest for ``statement_id`` (of ``kind``)
    into its plan, with the bank's block, dimension, text and term."""
    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=round_.pk).first()
        suggestions = suggest(round_results(round_), accepted_kinds(round_))
        suggestion = find(suggestions, statement_id, kind)
        if suggestion is None:
            raise PlanError(
                f"{statement_id} has no such suggestion now: it may already be in the plan, "
                "or its score may have changed."
            )
        made = PlanAction.objects.create(
            round=round_,
            statement_id=statement_id,
            suggestion=kind,
            block=suggestion.statement.block,
            dimension=suggestion.statement.dimension,
            text=suggestion.text,
            term=suggestion.term,
            accepted_by=by,
        )
        _audit("plan_accepted", made, by, kind=kind, term=made.term)
    return made


def add_action(
    *, round_: Round, block: str, dimension: str, details: ActionDetails, by: User
) -> PlanAction:
    """Add the partnership's own action to ``round_``'s plan."""
    if details.due_on is not None and details.due_on < timezone.localdate():
        raise PlanError("The due date must be today or in the future")
    with transaction.atomic():
        made = PlanAction.objects.create(
            round=round_,
            block=block,
            dimension=dimension,
            text=details.text,
            term=details.term,
            owner=details.owner,
            due_on=details.due_on,
            accepted_by=by,
        )
        _audit("plan_added", made, by, term=made.term)
    return made


def edit_action(
    *, action: PlanAction, details: ActionDetails, status: str, seen: datetime | None, by: User
) -> PlanAction:
    """Change an action's words, owner, date, term and progress. ``seen`` is when the
    action was last changed as the editor saw it: a change made since is never
    overwritten silently (``PlanError``). Marking it done records today as done on;
    moving it back from done clears that."""
    with transaction.atomic():
        current = PlanAction.objects.select_for_update().get(pk=action.pk)
        if current.updated_at != seen:
            raise PlanError(
                "Someone else changed this action after you opened it. Check what it says "
                "now, then save your changes again."
            )
        if status == PlanAction.Status.DONE and current.status != PlanAction.Status.DONE:
            current.done_on = timezone.localdate()
        elif status != PlanAction.Status.DONE:
            current.done_on = None
        before = current.status
        current.text = details.text
        current.term = details.term
        current.owner = details.owner
        current.due_on = details.due_on
        current.status = status
        current.save()
        _audit("plan_changed", current, by, status=status, was=before, term=current.term)
    return current
