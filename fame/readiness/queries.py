"""Reads of a round: who may see it, and its results (``scoring`` does the arithmetic)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from fame.accounts.models import User
from fame.accounts.permissions import can

from .models import Agreement, Answer, Partner, Round
from .scoring import StatementResult, statement_results

Someone = User | AnonymousUser
"""``request.user``: the sign-in middleware lets no anonymous person reach these pages, but
the type says what Django gives."""


def may_run(user: Someone) -> bool:
    """Whether ``user`` may open rounds, invite, moderate and plan (``run_readiness``)."""
    return isinstance(user, User) and can(user, "run_readiness")


def may_see(user: Someone, round_: Round) -> bool:
    """Those who run readiness rounds see every round; a respondent sees the round they
    were invited to."""
    return may_run(user) or (
        isinstance(user, User) and round_.respondents.filter(user=user).exists()
    )


def rounds_for(user: Someone) -> QuerySet[Round]:
    rounds = Round.objects.select_related("bank_version")
    if may_run(user):
        return rounds
    if not isinstance(user, User):
        return rounds.none()
    return rounds.filter(respondents__user=user).distinct()


def agreed_scores(round_: Round) -> dict[str, int]:
    return dict(Agreement.objects.filter(round=round_).values_list("statement_id", "score"))


def round_results(round_: Round, partner: Partner | None = None) -> list[StatementResult]:
    """Every statement's result in ``round_``: all respondents', or one partner's. A
    partner's own results stand on its respondents' median (the workshop agrees the
    partnership's scores, not a partner's)."""
    answers = Answer.objects.filter(respondent__round=round_).filter(
        dont_know=True
    ) | Answer.objects.filter(respondent__round=round_, score__isnull=False)
    if partner is not None:
        answers = answers.filter(respondent__partner=partner)
    pairs = [(a.statement_id, a.score) for a in answers.only("statement_id", "score")]
    agreed = {} if partner is not None else agreed_scores(round_)
    return statement_results(round_.bank, pairs, agreed)


def seen_round(user: Someone, round_id: int) -> Round:
    """The round, for someone who may see it; for anyone else it does not exist (404)."""
    round_ = get_object_or_404(Round.objects.select_related("bank_version"), pk=round_id)
    if not may_see(user, round_):
        raise Http404("There is no such round.")
    return round_
