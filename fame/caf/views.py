"""CAF pages at the hub: checklist, task list, each section, check answers, versions, compare.

Thin: parse, check the door, call the holding node through ``client``, render.
The CAF itself stays at the assessor's agency node; every call to it is
audited by ``client``. Only practitioners of the holder organisation and the
CAF's Lead Professional open a CAF through these pages; anyone else asks that
agency for information.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from fame.accounts.decorators import acting_user, child_data_required, refuse, used_second_factor
from fame.accounts.models import Organisation, User
from fame.audit import record_event
from fame.index import opened_person
from fame.index.models import Person
from fame.web.pages import posted, render_page

from . import client, presenting, structure
from .client import CafPlace, CafProblem, CafView
from .consent import record_caf_consent
from .forms import ReviewNoteForm, SectionForm, checklist_form, initial_from
from .involved import tac_needed
from .permissions import CafAccess, decide_caf_access, leads_the_caf
from .prefill import prefilled


class _Stop(Exception):
    """A page that cannot go on: ``response`` says why (refused, or the node unavailable)."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _unavailable(request: HttpRequest, handle: str, problem: CafProblem) -> HttpResponse:
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


def _door(request: HttpRequest, handle: str) -> tuple[User, Person, CafPlace]:
    """The practitioner, the child and where the CAF is kept, or ``_Stop`` with the refusal.

    The sharing policy decision point decides whether the practitioner may read
    the CAF (``decide_caf_access``, kept as a disclosure record); these pages are
    the door of the holder's own practitioners and of the CAF's Lead Professional,
    so anyone else asks for a CAF held elsewhere by a detail request.
    """
    user = acting_user(request)
    person = opened_person(request, handle)
    if user.organisation is None:
        raise _Stop(
            refuse(
                request,
                action="open a CAF without belonging to an organisation",
                target=f"person:{person.uid}",
            )
        )
    access = decide_caf_access(request, user, person)
    if not access.permitted:
        raise _Stop(refused_by_rules(request, handle, person, access))
    leads = not access.own and leads_the_caf(person, user)
    if not access.own and not leads:
        raise _Stop(_held_elsewhere(request, handle, access))
    try:
        place = client.place_for(
            person=person, organisation=person.caf_holder if leads else user.organisation
        )
    except CafProblem as problem:
        raise _Stop(_unavailable(request, handle, problem)) from None
    return user, person, place


def _held_elsewhere(request: HttpRequest, handle: str, access: CafAccess) -> HttpResponse:
    holder = Organisation.objects.filter(agency_id=access.holder).first()
    return render_page(
        request,
        "caf/held_elsewhere.html",
        {"holder": holder, "handle": handle, "nav_active": "search"},
    )


def _open_caf(request: HttpRequest, handle: str, place: CafPlace, user: User) -> CafView:
    try:
        found = client.find(place, by=user)
    except CafProblem as problem:
        raise _Stop(_unavailable(request, handle, problem)) from None
    if found is None:
        raise _Stop(redirect("caf:start", handle=handle))
    return found


def _organisation_names() -> dict[str, str]:
    return dict(Organisation.objects.values_list("agency_id", "name"))


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render_page(request, template, {"nav_active": "search", **context})


def stops(view: Any) -> Any:
    """Turn a ``_Stop`` raised inside ``view`` into its response."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _Stop as stop:
            return stop.response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@child_data_required
@stops
def home(request: HttpRequest, handle: str) -> HttpResponse:
    """The task list: each section's state, for a first assessment or a review."""
    user, person, place = _door(request, handle)
    caf = _open_caf(request, handle, place, user)
    groups = [
        {
            "title": g.title,
            "items": [{"section": s, "state": caf.state(s.key)} for s in g.sections],
        }
        for g in structure.GROUPS
    ]
    done = sum(1 for s in structure.SECTIONS if caf.state(s.key) == "completed")
    return _page(
        request,
        "caf/task_list.html",
        {
            "caf": caf,
            "groups": groups,
            "done": done,
            "total": len(structure.SECTIONS),
            "holder": place.agency,
            "may_write": caf.may_write(user),
            "tac_needed": tac_needed(person, user, mfa=used_second_factor(user)),
            "handle": handle,
        },
    )


@child_data_required
@require_http_methods(["GET", "POST"])
@stops
def start(request: HttpRequest, handle: str) -> HttpResponse:
    """The pre-assessment checklist; sending it starts the CAF at the assessor's agency node."""
    user, _, place = _door(request, handle)
    if request.method == "GET":
        try:
            found = client.find(place, by=user)
            if found is not None and not found.closed:
                return redirect("caf:home", handle=handle)
        except CafProblem as problem:
            return _unavailable(request, handle, problem)
    form = checklist_form(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            client.start(place, by=user, checklist=form.content())
        except CafProblem as problem:
            return _unavailable(request, handle, problem)
        messages.success(request, f"The CAF is started. It is kept by {place.agency.name}.")
        return redirect("caf:home", handle=handle)
    return _page(
        request,
        "caf/start.html",
        {"form": form, "section": structure.CHECKLIST, "handle": handle, "holder": place.agency},
    )


def _back_to(request: HttpRequest, handle: str) -> HttpResponse:
    if request.GET.get("from") == "check":
        return redirect("caf:check", handle=handle)
    return redirect("caf:home", handle=handle)


@child_data_required
@require_http_methods(["GET", "POST"])
@stops
def section(request: HttpRequest, handle: str, key: str) -> HttpResponse:
    """One section's form: Save and continue (complete), or Save as draft to come back to."""
    try:
        found = structure.section(key)
    except KeyError:
        raise Http404("There is no such section.") from None
    user, person, place = _door(request, handle)
    caf = _open_caf(request, handle, place, user)
    if not caf.may_write(user):
        return refuse(
            request, action="change a CAF you are not the assessor or Lead Professional of"
        )
    finishing = request.POST.get("action") != "draft"
    content = caf.content(key) or prefilled(
        key,
        person=person,
        place=place,
        user=user,
        mfa=used_second_factor(user),
    )
    form = SectionForm(
        found, posted(request), initial=initial_from(found, content), finishing=finishing
    )
    if request.method == "POST" and form.is_valid():
        try:
            client.save_section(
                place,
                by=user,
                uid=caf.uid,
                section=key,
                content=form.content(),
                complete=form.complete(),
            )
        except CafProblem as problem:
            return _unavailable(request, handle, problem)
        if finishing:
            messages.success(request, f"{found.title}: saved.")
        else:
            messages.success(
                request, f"{found.title}: saved as a draft. You can come back to it later."
            )
        return _back_to(request, handle)
    return _page(
        request,
        "caf/section.html",
        {
            "form": form,
            "section": found,
            "caf": caf,
            "handle": handle,
            "from_check": request.GET.get("from") == "check",
        },
    )


@child_data_required
@require_http_methods(["GET", "POST"])
@stops
def check(request: HttpRequest, handle: str) -> HttpResponse:
    """Check your answers, with Change links; then complete (version 1) or save a review (N+1)."""
    user, person, place = _door(request, handle)
    caf = _open_caf(request, handle, place, user)
    form = ReviewNoteForm(posted(request))
    problem = ""
    if request.method == "POST":
        if not caf.may_write(user):
            return refuse(
                request, action="complete a CAF you are not the assessor or Lead Professional of"
            )
        if form.is_valid() and not caf.unfinished():
            try:
                made = client.complete(place, by=user, uid=caf.uid, note=form.cleaned_data["note"])
            except client.CafNotReady as not_ready:
                problem = not_ready.reason
            except CafProblem as failed:
                return _unavailable(request, handle, failed)
            else:
                consent_changed = made["number"] == 1 or bool(
                    caf.sections.get("consent", {}).get("changed")
                )
                if consent_changed:
                    record_caf_consent(person=person, content=caf.content("consent"), by=user)
                messages.success(
                    request,
                    f"Version {made['number']} is saved by {place.agency.name}. "
                    + (
                        "The Child Index will show that a CAF exists and who holds it."
                        if made["number"] == 1
                        else "Earlier versions stay as they were."
                    ),
                )
                return redirect("caf:versions", handle=handle)
    return _page(
        request,
        "caf/check.html",
        {
            "caf": caf,
            "form": form,
            "problem": problem,
            "sections": presenting.answers(
                {k: caf.content(k) for k in structure.SECTION_KEYS},
                organisations=_organisation_names(),
            ),
            "unfinished": [structure.section(k) for k in caf.unfinished()],
            "may_write": caf.may_write(user),
            "handle": handle,
        },
    )


@child_data_required
@stops
def versions(request: HttpRequest, handle: str) -> HttpResponse:
    user, _, place = _door(request, handle)
    caf = _open_caf(request, handle, place, user)
    try:
        found = client.versions(place, by=user, uid=caf.uid)
    except CafProblem as problem:
        return _unavailable(request, handle, problem)
    return _page(
        request,
        "caf/versions.html",
        {"caf": caf, "versions": found, "holder": place.agency, "handle": handle},
    )


def _number(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("There is no such version.") from None
    if number < 1:
        raise Http404("There is no such version.")
    return number


@child_data_required
@stops
def version(request: HttpRequest, handle: str, number: int) -> HttpResponse:
    user, _, place = _door(request, handle)
    caf = _open_caf(request, handle, place, user)
    try:
        found = client.version(place, by=user, uid=caf.uid, number=number)
    except CafProblem as problem:
        return _unavailable(request, handle, problem)
    return _page(
        request,
        "caf/version.html",
        {
            "caf": caf,
            "version": found,
            "sections": presenting.answers(found["content"], organisations=_organisation_names()),
            "handle": handle,
        },
    )


@child_data_required
@stops
def compare(request: HttpRequest, handle: str) -> HttpResponse:
    """Any two versions side by side (``?a=1&b=2``), question by question."""
    a, b = _number(request.GET.get("a")), _number(request.GET.get("b"))
    user, _, place = _door(request, handle)
    caf = _open_caf(request, handle, place, user)
    try:
        before = client.version(place, by=user, uid=caf.uid, number=a)
        after = client.version(place, by=user, uid=caf.uid, number=b)
    except CafProblem as problem:
        return _unavailable(request, handle, problem)
    compared = presenting.compare(
        before["content"], after["content"], organisations=_organisation_names()
    )
    return _page(
        request,
        "caf/compare.html",
        {
            "caf": caf,
            "before": before,
            "after": after,
            "sections": compared,
            "changes": sum(1 for s in compared for x in s.answers if x.changed),
            "handle": handle,
        },
    )
