"""Closing a CAF from the hub: needs met, or stepped up to social care under the sharing rules.

A workflow over two nodes. For a step up the decision point is asked first
(its decision kept as a disclosure record); if it permits, the holding node's
current version is passed on to the receiving organisation's node; only then
is the CAF closed at its holding node. No transaction spans the nodes: each
call is audited at the hub as it happens, and a node's write cannot be undone
from here. So:

- a refused step up, or a pass-on that fails, leaves the CAF open
  (``NotClosed``, with the reasons to show);
- a closing that fails after the copy has been passed on leaves the copy at
  the receiving node and the CAF open (the ``CafProblem`` goes to the caller).
  Passing the same version to the same organisation again is the same
  referral (the receiving node keeps one copy), so trying again finishes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from fame.accounts.models import Organisation, User
from fame.caf.vocabulary import ClosureReason

from . import client
from .client import CafPlace, CafProblem, CafView
from .referral import step_up_decision

NOT_PASSED_ON = "The CAF could not be passed on, so it is still open:"


@dataclass(frozen=True)
class Closed:
    """The CAF is closed at its holding node; ``passed_to`` holds a copy, after a step up."""

    passed_to: Organisation | None


class NotClosed(Exception):
    """The CAF stays open and nothing was passed on: ``reasons`` say why, after ``intro``."""

    def __init__(self, reasons: list[str], *, intro: str = "") -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons
        self.intro = intro


def close_caf(
    *,
    place: CafPlace,
    caf: CafView,
    reason: str,
    note: str = "",
    receiving: Organisation | None = None,
    by: User,
    request: HttpRequest | None = None,
) -> Closed:
    """Close ``caf``: because needs are met, or stepped up to ``receiving`` (social care).

    ``NotClosed`` when the rules refuse the step up or the copy cannot be passed
    on; ``CafProblem`` when the holding node does not close it (after a step up,
    the copy has been passed on by then).
    """
    if reason not in ClosureReason.values:
        raise ValueError("A CAF closes because needs are met or it is stepped up.")
    stepped_up = reason == ClosureReason.STEPPED_UP
    if stepped_up != (receiving is not None):
        raise ValueError("A step up, and only a step up, names the organisation it goes to.")
    if receiving is not None:
        _pass_on(place=place, caf=caf, receiving=receiving, note=note, by=by, request=request)
    client.team_write(
        place,
        by=by,
        uid=caf.uid,
        path="/close",
        action="caf.closed",
        payload={
            "reason": reason,
            "referred_to": receiving.agency_id if receiving is not None else "",
            "note": note,
        },
    )
    return Closed(passed_to=receiving)


def _pass_on(
    *,
    place: CafPlace,
    caf: CafView,
    receiving: Organisation,
    note: str,
    by: User,
    request: HttpRequest | None,
) -> None:
    decision = step_up_decision(
        user=by,
        person=place.person,
        holder=place.agency.agency_id,
        receiving=receiving,
        request=request,
    )
    if not decision.permitted:
        raise NotClosed(list(decision.reasons))
    try:
        client.pass_on(
            place,
            by=by,
            caf=caf,
            receiving=receiving,
            reason=note,
            decision={**decision.as_dict(), "decision_id": decision.decision_id},
        )
    except CafProblem as failed:
        raise NotClosed([failed.reason], intro=NOT_PASSED_ON) from None
