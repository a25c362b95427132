"""Reads of plans: a round's actions as roadmap cards, and the newest round of each
partnership in each context for the regional roadmaps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, QuerySet

from ..framework import framework
from ..models import PlanAction, Round
from ..queries import Someone, rounds_for
from .roadmap import Card, Roadmap, lay_out

CHILDRENS_SERVICES = "childrens-services"


def plan_actions(round_: Round) -> QuerySet[PlanAction]:
    """The round's actions, soonest due first, undated last."""
    return PlanAction.objects.filter(round=round_).order_by(F("due_on").asc(nulls_last=True), "id")


def card(action: PlanAction) -> Card:
    return Card(
        id=action.pk,
        block=action.block,
        dimension=action.dimension,
        text=action.text,
        term=action.term,
        status=action.status,
        owner=action.owner,
        due_on=action.due_on,
        statement_id=action.statement_id,
    )


def round_roadmap(round_: Round) -> Roadmap:
    return lay_out(framework(), (card(a) for a in plan_actions(round_)))


@dataclass(frozen=True)
class Context:
    """A context (a bank's key, such as children's services) and its partnerships'
    newest rounds, each with its roadmap; ``regional`` lays out all their actions."""

    key: str
    title: str
    rounds: tuple[tuple[Round, Roadmap], ...]
    regional: Roadmap


def _newest_each(rounds: Iterable[Round]) -> list[Round]:
    newest: dict[str, Round] = {}
    for round_ in rounds:  # newest first
        newest.setdefault(round_.partnership, round_)
    return sorted(newest.values(), key=lambda r: r.partnership)


def contexts(user: Someone) -> list[Context]:
    """Every context ``user`` can see a round of, children's services first, then the
    others by key; in each, the newest round of each partnership."""
    by_key: dict[str, list[Round]] = {}
    for round_ in rounds_for(user).order_by("-opened_at", "-id"):
        by_key.setdefault(round_.bank_version.key, []).append(round_)
    found = []
    for key in sorted(by_key, key=lambda k: (k != CHILDRENS_SERVICES, k)):
        newest = _newest_each(by_key[key])
        actions = PlanAction.objects.filter(round__in=newest)
        found.append(
            Context(
                key=key,
                title=by_key[key][0].bank_version.title,
                rounds=tuple((r, round_roadmap(r)) for r in newest),
                regional=lay_out(framework(), (card(a) for a in actions)),
            )
        )
    return found
