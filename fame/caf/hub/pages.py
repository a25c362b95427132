"""What the hub's CAF pages share: the door to a child's CAF, and the pages that say why not.

A CAF page first passes ``reach_caf`` (the decision point, then the holder's
own pages or the CAF's Lead Professional), then ``open_caf`` asks the holding
node for the CAF. Either raises ``Stop`` with the page to show instead
(refused, held elsewhere, not started, or the node unavailable); a view
decorated with ``stops`` answers with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from fame.accounts.decorators import refuse
from fame.accounts.facilitated import acting_as
from fame.accounts.models import Organisation, User
from fame.audit import record_event
from fame.index import opened_person
from fame.index.models import Person
from fame.web.pages import render_page

from . import client
from .client import CafPlace, CafProblem, CafView
from .permissions import CafAccess, decide_caf_access, leads_the_caf

ONLY_WRITERS = "Only the CAF's assessor and its Lead Professional can change it."


class Stop(Exception):
    """A page that cannot go on: ``response`` says why (refused, or the node unavailable)."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def stops(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn a ``Stop`` raised inside ``view`` into its response."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Stop as stop:
            return stop.response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def caf_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """A CAF page, under the search section of the navigation (a CAF is reached from a record)."""
    return render_page(request, template, {"nav_active": "search", **context}, status=status)


def unavailable(request: HttpRequest, handle: str, problem: CafProblem) -> HttpResponse:
    """Why the CAF cannot be reached or changed now: 403 if the node refused, else 200."""
    status = 403 if isinstance(problem, client.CafRefused) else 200
    return render_page(
        request,
        "caf/unavailable.html",
        {"reason": problem.reason, "handle": handle, "nav_active": "search"},
        status=status,
    )


def refused_by_rules(
    request: HttpRequest, handle: str, person: Person, access: CafAccess
) -> HttpResponse:
    """The decision point's refusal, with its reasons, audited."""
    record_event(
        "access.refused",
        actor=request.user,
        target=f"person:{person.uid}",
        outcome="refused",
        details={
            "action": "open a CAF",
            "holder": access.holder,
            "decision_id": access.decision.decision_id,
            "reasons": access.reasons,
        },
        request=request,
    )
    return render_page(
        request,
        "caf/refused.html",
        {"reasons": access.reasons, "handle": handle, "nav_active": "search"},
        status=403,
    )


def held_elsewhere(request: HttpRequest, handle: str, access: CafAccess) -> HttpResponse:
    """The CAF is another agency's: ask that agency, by a detail request."""
    holder = Organisation.objects.filter(agency_id=access.holder).first()
    return caf_page(request, "caf/held_elsewhere.html", {"holder": holder, "handle": handle})


def reach_caf(request: HttpRequest, handle: str) -> tuple[User, Person, CafPlace]:
    """The practitioner, the child and where the CAF is kept, or ``Stop`` with the refusal.

    The sharing policy decision point decides whether the practitioner may read
    the CAF (``decide_caf_access``, kept as a disclosure record); these pages are
    the door of the holder's own practitioners and of the CAF's Lead Professional,
    so anyone else asks for a CAF held elsewhere by a detail request.
    """
    who = acting_as(request)
    user = who.user
    person = opened_person(request, handle)
    if who.organisation is None:
        raise Stop(
            refuse(
                request,
                action="open a CAF without belonging to an organisation",
                target=f"person:{person.uid}",
                why="A CAF is kept by an organisation, and your account does not belong to one. "
                "Ask an administrator.",
            )
        )
    access = decide_caf_access(request, who, person)
    if not access.permitted:
        raise Stop(refused_by_rules(request, handle, person, access))
    leads = not access.own and leads_the_caf(person, user)
    if not access.own and not leads:
        raise Stop(held_elsewhere(request, handle, access))
    try:
        place = client.place_for(
            person=person, organisation=person.caf_holder if leads else who.organisation
        )
    except CafProblem as problem:
        raise Stop(unavailable(request, handle, problem)) from None
    return user, person, replace(place, acting=who)


def open_caf(request: HttpRequest, handle: str, place: CafPlace, user: User) -> CafView:
    """The child's open CAF at ``place``; ``Stop`` to the checklist if there is none yet."""
    try:
        found = client.find(place, by=user)
    except CafProblem as problem:
        raise Stop(unavailable(request, handle, problem)) from None
    if found is None:
        raise Stop(redirect("caf:start", handle=handle))
    return found


def organisation_names() -> dict[str, str]:
    """Each organisation's name by its agency ID, for answers that name organisations."""
    return dict(Organisation.objects.values_list("agency_id", "name"))
