"""CAF pages at the hub: checklist, task list, each section, check answers, versions, compare.

Thin: parse, check the door (``pages.reach_caf``), call the holding node
through ``client``, render. The CAF itself stays at the assessor's agency
node; every call to it is audited by ``client``. Only practitioners of the
holder organisation and the CAF's Lead Professional open a CAF through these
pages; anyone else asks that agency for information.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from fame.accounts.decorators import child_data_required, refuse, used_second_factor
from fame.caf import presenting, structure
from fame.web.pages import posted

from . import client
from .client import CafProblem
from .consent import record_caf_consent
from .forms import CompareForm, ReviewNoteForm, SectionForm, checklist_form, initial_from
from .involved import tac_needed
from .pages import (
    ONLY_WRITERS,
    caf_page,
    open_caf,
    organisation_names,
    reach_caf,
    stops,
    unavailable,
)
from .prefill import prefilled


@child_data_required
@stops
def home(request: HttpRequest, handle: str) -> HttpResponse:
    """The task list: each section's state, for a first assessment or a review."""
    user, person, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    groups = [
        {
            "title": g.title,
            "items": [{"section": s, "state": caf.state(s.key)} for s in g.sections],
        }
        for g in structure.GROUPS
    ]
    done = sum(1 for s in structure.SECTIONS if caf.state(s.key) == "completed")
    return caf_page(
        request,
        "caf/task_list.html",
        {
            "caf": caf,
            "groups": groups,
            "done": done,
            "total": len(structure.SECTIONS),
            "holder": place.agency,
            "may_write": caf.may_write(user),
            "tac_needed": tac_needed(person, place.acting or user, mfa=used_second_factor(user)),
            "handle": handle,
        },
    )


@child_data_required
@require_http_methods(["GET", "POST"])
@stops
def start(request: HttpRequest, handle: str) -> HttpResponse:
    """The pre-assessment checklist; sending it starts the CAF at the assessor's agency node."""
    user, _, place = reach_caf(request, handle)
    if request.method == "GET":
        try:
            found = client.find(place, by=user)
            if found is not None and not found.closed:
                return redirect("caf:home", handle=handle)
        except CafProblem as problem:
            return unavailable(request, handle, problem)
    form = checklist_form(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            client.start(place, by=user, checklist=form.content())
        except CafProblem as problem:
            return unavailable(request, handle, problem)
        messages.success(request, f"The CAF is started. It is kept by {place.agency.name}.")
        return redirect("caf:home", handle=handle)
    return caf_page(
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
    user, person, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    if not caf.may_write(user):
        return refuse(
            request,
            action="change a CAF you are not the assessor or Lead Professional of",
            why=ONLY_WRITERS,
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
            return unavailable(request, handle, problem)
        if finishing:
            messages.success(request, f"{found.title}: saved.")
        else:
            messages.success(
                request, f"{found.title}: saved as a draft. You can come back to it later."
            )
        return _back_to(request, handle)
    return caf_page(
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
    user, person, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    form = ReviewNoteForm(posted(request))
    problem = ""
    if request.method == "POST":
        if not caf.may_write(user):
            return refuse(
                request,
                action="complete a CAF you are not the assessor or Lead Professional of",
                why=ONLY_WRITERS,
            )
        if form.is_valid() and not caf.unfinished():
            try:
                made = client.complete(place, by=user, uid=caf.uid, note=form.cleaned_data["note"])
            except client.CafNotReady as not_ready:
                problem = not_ready.reason
            except CafProblem as failed:
                return unavailable(request, handle, failed)
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
    return caf_page(
        request,
        "caf/check.html",
        {
            "caf": caf,
            "form": form,
            "problem": problem,
            "sections": presenting.answers(
                {k: caf.content(k) for k in structure.SECTION_KEYS},
                organisations=organisation_names(),
            ),
            "unfinished": [structure.section(k) for k in caf.unfinished()],
            "may_write": caf.may_write(user),
            "handle": handle,
        },
    )


@child_data_required
@stops
def versions(request: HttpRequest, handle: str) -> HttpResponse:
    user, _, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    try:
        found = client.versions(place, by=user, uid=caf.uid)
    except CafProblem as problem:
        return unavailable(request, handle, problem)
    return caf_page(
        request,
        "caf/versions.html",
        {
            "caf": caf,
            "versions": found,
            "holder": place.agency,
            "form": CompareForm(numbers=[int(v["number"]) for v in found]),
            "handle": handle,
        },
    )


@child_data_required
@stops
def version(request: HttpRequest, handle: str, number: int) -> HttpResponse:
    user, _, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    try:
        found = client.version(place, by=user, uid=caf.uid, number=number)
    except CafProblem as problem:
        return unavailable(request, handle, problem)
    return caf_page(
        request,
        "caf/version.html",
        {
            "caf": caf,
            "version": found,
            "sections": presenting.answers(found["content"], organisations=organisation_names()),
            "handle": handle,
        },
    )


@child_data_required
@stops
def compare(request: HttpRequest, handle: str) -> HttpResponse:
    """Two versions (``?a=1&b=2``): the changes in full, each unchanged section folded away.

    Without a choice (or with one that is no version) the page asks which two to compare.
    """
    user, _, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    numbers = [int(v["number"]) for v in caf.versions]
    asked = "a" in request.GET or "b" in request.GET
    form = CompareForm(request.GET if asked else None, numbers=numbers)
    if not form.is_valid():
        return caf_page(
            request,
            "caf/compare_choose.html",
            {"caf": caf, "form": form, "handle": handle},
            status=400 if asked else 200,
        )
    try:
        before = client.version(place, by=user, uid=caf.uid, number=form.cleaned_data["a"])
        after = client.version(place, by=user, uid=caf.uid, number=form.cleaned_data["b"])
    except CafProblem as problem:
        return unavailable(request, handle, problem)
    compared = presenting.compare(
        before["content"], after["content"], organisations=organisation_names()
    )
    return caf_page(
        request,
        "caf/compare.html",
        {
            "caf": caf,
            "before": before,
            "after": after,
            "sections": compared,
            "changes": sum(len(s.changed_answers) for s in compared),
            "form": form,
            "handle": handle,
        },
    )
