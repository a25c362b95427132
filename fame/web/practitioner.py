"""A practitioner's own work on their home page, gathered from the apps that keep it.

Children they are involved with (the index), their CAFs, meetings and escalations (the
CAF facts the holding nodes send the hub), the requests they made and those waiting
for their own agency (federation). Every line names a child, so each child is shown
only where the sharing rules let this practitioner see their basic details, and the
page view is audited once, naming the children listed. A fixed number of queries
however much there is: each app answers in one or two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.http import HttpRequest
from django.urls import reverse

from fame.accounts.decorators import used_second_factor
from fame.accounts.models import User
from fame.audit import record_event
from fame.caf import caf_work
from fame.federation.queries import requests_awaiting, requests_made_by
from fame.index import (
    involved_children,
    listed_children,
    new_handle,
    opened_handles,
    remember_results,
)
from fame.sharing import permissions_for

if TYPE_CHECKING:
    from fame.caf.hub.own_work import CafDue, EscalationNews, MeetingComing
    from fame.federation.models import DetailRequest
    from fame.index.caseload import Involved

LISTING_PURPOSE = "service_coordination"
"""Seeing which children one's work is about is co-ordinating services, as in a search."""

SHORT = 10
"""Children listed at most: a caseload runs to hundreds; the rest are a search away."""

T = TypeVar("T")


@dataclass(frozen=True)
class Child:
    """A child as the home page shows one: the name and where each link goes."""

    name: str
    record_url: str
    caf_url: str


@dataclass(frozen=True)
class PractitionerHome:
    children: list[tuple[Child, Involved]]
    cafs: list[tuple[Child, CafDue]]
    meetings: list[tuple[Child, MeetingComing]]
    made: list[tuple[Child, DetailRequest]]
    awaiting: list[tuple[Child, DetailRequest]]
    escalations: list[tuple[Child, EscalationNews]]
    more_children: int = 0
    """Children the practitioner works with beyond those listed."""


def practitioner_home(request: HttpRequest, user: User) -> PractitionerHome:
    """The practitioner's work, each list most urgent first; the view is audited."""
    caseload = involved_children(user)
    involved = caseload[:SHORT]
    cafs = caf_work(user)
    made = requests_made_by(user)
    awaiting = requests_awaiting(user.organisation)
    wanted = {
        *(line.person_id for line in involved),
        *cafs.person_ids(),
        *(detail.person_id for detail in [*made, *awaiting]),
    }
    children = _children_shown(request, user, wanted)

    def named(lines: list[T], person: Callable[[T], int | None]) -> list[tuple[Child, T]]:
        return [(children[pk], line) for line in lines if (pk := person(line)) in children]

    return PractitionerHome(
        children=named(involved, lambda line: line.person_id),
        cafs=named(cafs.cafs, lambda line: line.person_id),
        meetings=named(cafs.meetings, lambda line: line.person_id),
        made=named(made, lambda detail: detail.person_id),
        awaiting=named(awaiting, lambda detail: detail.person_id),
        escalations=named(cafs.escalations, lambda line: line.person_id),
        more_children=len(caseload) - len(involved),
    )


def _children_shown(request: HttpRequest, user: User, wanted: set[int]) -> dict[int, Child]:
    """The children among ``wanted`` whose basic details this practitioner may see, with a
    handle each in the session; one audit event naming them and every decision taken."""
    if not wanted:
        return {}
    own = user.organisation.agency_id if user.organisation else None
    listed = listed_children(wanted, viewer_agency=own)
    decisions = permissions_for(
        user,
        children={c.child_ref: (c.holder, c.shielded) for c in listed},
        purpose=LISTING_PURPOSE,
        category="basic",
        mfa=used_second_factor(user),
    )
    shown = [c for c in listed if decisions[c.child_ref].permitted]
    opened = opened_handles(request)
    found: dict[str, int] = {}  # new handle -> person, for the open-with-a-reason page
    children: dict[int, Child] = {}
    for child in sorted(shown, key=lambda c: c.name):
        handle = opened.get(child.person_id)
        if handle is not None:  # open in this session already: straight to it
            record = reverse("index:record", args=[handle])
            caf = reverse("caf:home", args=[handle])
        else:  # opened with a reason first, as from a search
            handle = new_handle()
            found[handle] = child.person_id
            record = reverse("index:open", args=[handle])
            caf = f"{record}?then=caf"
        children[child.person_id] = Child(child.name, record, caf)
    if found:
        remember_results(request, found, {"listed_on": "home page"})
    record_event(
        "web.children_listed",
        actor=user,
        target="home",
        details={
            "purpose": LISTING_PURPOSE,
            "children": sorted(c.child_ref for c in shown),
            "decisions": {
                ref: {"decision": d.decision, "id": d.decision_id} for ref, d in decisions.items()
            },
        },
        request=request,
    )
    return children
