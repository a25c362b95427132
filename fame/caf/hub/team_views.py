"""Hub pages for a CAF's Team Around the Child, its closure and the family's copy.

Thin, as ``views``: the same door (``pages.reach_caf``: the decision point, then
the holder's own pages), then one call to the holding node through ``client``, or
one action (``closing.close_caf``); the co-ordinator's queue reads only the facts
the nodes sent (``coordination``).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from fame.accounts.decorators import (
    acting_user,
    child_data_required,
    refuse,
    requires,
    used_second_factor,
)
from fame.accounts.models import Organisation, OrganisationType, User
from fame.accounts.permissions import can
from fame.audit import record_event
from fame.web.pages import posted, render_page

from . import client
from .client import CafPlace, CafProblem, CafView
from .closing import NotClosed, close_caf
from .coordination import FollowUpRefused, coordinator_queue, follow_up_escalation
from .directory_pick import search_services, service_url
from .family_copy import family_copy_pdf
from .involved import involved_practitioners
from .pages import (
    ONLY_WRITERS,
    caf_page,
    open_caf,
    organisation_names,
    reach_caf,
    stops,
    unavailable,
)
from .team_forms import ActionForm, CloseForm, MeetingForm, RecordMeetingForm


def _writer(request: HttpRequest, caf: CafView, user: User) -> HttpResponse | None:
    if caf.may_write(user):
        return None
    return refuse(
        request,
        action="change a CAF you are not the assessor or Lead Professional of",
        why=ONLY_WRITERS,
    )


def _write(
    request: HttpRequest, handle: str, place: CafPlace, user: User, caf: CafView, **call: Any
) -> HttpResponse | CafView:
    try:
        return client.team_write(place, by=user, uid=caf.uid, **call)
    except CafProblem as problem:
        return unavailable(request, handle, problem)


@child_data_required
@require_http_methods(["GET", "POST"])
@stops
def meeting_new(request: HttpRequest, handle: str) -> HttpResponse:
    """Arrange a Team Around the Child meeting: a date and the involved practitioners to invite."""
    user, person, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    if refused := _writer(request, caf, user):
        return refused
    people = involved_practitioners(person, place.acting or user, mfa=used_second_factor(user))
    choices = [
        (p["key"], f"{p['name']}, {p['organisation_name']} ({p['service']})") for p in people
    ]
    form = MeetingForm(posted(request), invitees=choices)
    if request.method == "POST" and form.is_valid():
        chosen = [p for p in people if p["key"] in form.cleaned_data["invitees"]]
        payload = {
            "held_on": form.cleaned_data["held_on"].isoformat(),
            "invitees": [
                {k: v for k, v in p.items() if k not in {"key", "service"}} for p in chosen
            ],
        }
        done = _write(
            request,
            handle,
            place,
            user,
            caf,
            path="/meetings",
            payload=payload,
            action="caf.meeting_arranged",
        )
        if isinstance(done, HttpResponse):
            return done
        messages.success(request, f"The meeting is arranged: {len(chosen)} practitioners invited.")
        return redirect("caf:meeting", handle=handle, meeting=done.meetings[-1]["uid"])
    return caf_page(request, "caf/meeting_new.html", {"form": form, "caf": caf, "handle": handle})


def _leads(caf: CafView, meeting: dict[str, Any]) -> list[tuple[str, str]]:
    leads = {caf.assessor: caf.assessor_name or caf.assessor}
    for i in meeting["invitations"]:
        if i["username"]:
            leads[i["username"]] = f"{i['name']}, {i['organisation_name']}"
    return list(leads.items())


@child_data_required
@require_http_methods(["GET", "POST"])
@stops
def meeting(request: HttpRequest, handle: str, meeting: UUID) -> HttpResponse:
    """A meeting: record attendance and outcome, add and complete actions, escalate an absence."""
    return _meeting_page(request, handle, str(meeting))


def _meeting_page(request: HttpRequest, handle: str, meeting: str) -> HttpResponse:
    user, _, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    found = caf.meeting(meeting)
    if found is None:
        raise Http404("There is no such meeting.")
    leads = _leads(caf, found)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    record_form = RecordMeetingForm(
        posted(request) if step == "record" else None,
        invitations=found["invitations"],
        leads=leads,
        held_on=date.fromisoformat(found["held_on"]),
        initial=RecordMeetingForm.recorded(found) if found["recorded"] else None,
    )
    action_form = ActionForm(posted(request) if step == "action" else None)
    words = (request.POST.get("service_q") or request.GET.get("service_q") or "").strip()[:200]
    if request.method == "POST":
        if step == "escalate":
            if user.username != caf.lead_professional or caf.closed:
                return refuse(
                    request,
                    action="escalate a non-attendance as someone other than the Lead Professional",
                    why="Only the CAF's Lead Professional can escalate a non-attendance.",
                )
        elif refused := _writer(request, caf, user):
            return refused
        call: dict[str, Any] | None = None
        if step == "record" and record_form.is_valid():
            lead = record_form.cleaned_data["lead_professional"]
            call = {
                "path": f"/meetings/{meeting}",
                "action": "caf.meeting_recorded",
                "payload": {
                    "attendance": record_form.attendance(),
                    "lead_professional": lead,
                    "lead_professional_name": dict(leads)[lead].split(",")[0],
                    "next_review_on": record_form.cleaned_data["next_review_on"].isoformat(),
                },
            }
            said = "The meeting is recorded."
        elif step == "action" and action_form.is_valid():
            data = action_form.cleaned_data
            call = {
                "path": f"/meetings/{meeting}/actions",
                "action": "caf.action_added",
                "payload": {
                    "description": data["description"],
                    "owner": data["owner"],
                    "due_on": data["due_on"].isoformat(),
                    **action_form.service_fields(),
                },
            }
            said = "The action is added."
        elif step == "done":
            call = {
                "path": f"/actions/{request.POST.get('item', '0')}",
                "action": "caf.action_changed",
                "payload": {"status": "done"},
            }
            said = "The action is marked as done."
        elif step == "escalate":
            call = {
                "path": f"/invitations/{request.POST.get('item', '0')}/escalate",
                "action": "caf.escalated",
                "payload": {"reason": request.POST.get("reason", "")[:2000]},
            }
            said = "The non-attendance is escalated. The CAF co-ordinator is told."
        if call is not None:
            done = _write(request, handle, place, user, caf, **call)
            if isinstance(done, HttpResponse):
                return done
            messages.success(request, said)
            return redirect("caf:meeting", handle=handle, meeting=meeting)
    return caf_page(
        request,
        "caf/meeting.html",
        {
            "caf": caf,
            "meeting": found,
            "record_form": record_form,
            "action_form": action_form,
            "may_write": caf.may_write(user),
            "is_lead": user.username == caf.lead_professional and not caf.closed,
            "handle": handle,
            "service_words": words,
            "services": search_services(words) if words else [],
            "service_url": service_url,
        },
    )


@child_data_required
@require_http_methods(["GET", "POST"])
@stops
def close(request: HttpRequest, handle: str) -> HttpResponse:
    """Close the CAF: needs met, or stepped up to social care under the sharing rules."""
    user, _, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    if refused := _writer(request, caf, user):
        return refused
    social_care = list(
        Organisation.objects.filter(type=OrganisationType.SOCIAL_CARE)
        .order_by("name")
        .values_list("agency_id", "name")
    )
    form = CloseForm(posted(request), social_care=social_care)
    problem: list[str] = []
    intro = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        receiving = (
            Organisation.objects.get(agency_id=data["referred_to"])
            if data["reason"] == "stepped_up"
            else None
        )
        try:
            closed = close_caf(
                place=place,
                caf=caf,
                reason=data["reason"],
                note=data["note"],
                receiving=receiving,
                by=user,
                request=request,
            )
        except NotClosed as not_closed:
            problem, intro = not_closed.reasons, not_closed.intro
        except CafProblem as failed:
            return unavailable(request, handle, failed)
        else:
            passed = (
                f" A copy has been passed to {closed.passed_to.name}."
                if closed.passed_to is not None
                else ""
            )
            messages.success(
                request,
                "The CAF is closed. It is kept, read-only; the Child Index shows it as closed."
                + passed,
            )
            return redirect("caf:home", handle=handle)
    return caf_page(
        request,
        "caf/close.html",
        {"form": form, "caf": caf, "problem": problem, "problem_intro": intro, "handle": handle},
    )


@child_data_required
@stops
def family_copy(request: HttpRequest, handle: str) -> HttpResponse:
    """The family's copy of the current version, as a PDF in plain English; made on request."""
    user, _, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    if not caf.versions:
        raise Http404("No version is saved yet.")
    try:
        current = client.version(place, by=user, uid=caf.uid, number=caf.versions[-1]["number"])
    except CafProblem as problem:
        return unavailable(request, handle, problem)
    pdf = family_copy_pdf(
        caf=caf,
        version=current,
        holder=place.agency,
        organisations=organisation_names(),
        person=place.person,
    )
    record_event(
        "caf.family_copy_made",
        actor=user,
        target=f"person:{place.person.uid}",
        details={"holder": place.agency.agency_id, "version": current["number"]},
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="caf-family-copy.pdf"'
    return response


@requires("coordinate_cafs")
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    """Every CAF in the area, for quality monitoring: no content, no child's name. A POST
    records that the co-ordinator has followed up one escalated absence."""
    problem = ""
    if request.method == "POST":
        caf = request.POST.get("caf", "")
        try:
            follow_up_escalation(
                overview_id=int(caf) if caf.isdigit() else 0,
                agency=request.POST.get("agency", ""),
                raised_on=request.POST.get("raised_on", ""),
                note=request.POST.get("note", ""),
                by=acting_user(request),
            )
        except FollowUpRefused as refused:
            problem = str(refused)
        else:
            messages.success(request, "The follow-up is recorded.")
            return redirect("caf:queue")
    lines = coordinator_queue()
    record_event("caf.queue_viewed", actor=request.user, target="caf:queue", request=request)
    return render_page(
        request,
        "caf/queue.html",
        {
            "lines": lines,
            "escalated": [line for line in lines if line.open_escalations],
            "may_allocate": can(request.user, "allocate_budgets"),  # type: ignore[arg-type]
            "problem": problem,
            "has_errors": bool(problem),
            "nav_active": "caf_queue",
        },
        status=400 if problem else 200,
    )
