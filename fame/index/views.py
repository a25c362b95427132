"""Child Index pages: search, open a record with a reason, the record page, involvement, review.

Nothing here shows a person's identifier: results and records are reached by
handles that live only in the practitioner's session.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fame.accounts.decorators import (
    acting_user,
    child_data_required,
    refuse,
    requires,
    used_second_factor,
)
from fame.accounts.facilitated import ActingAs, acting_as
from fame.accounts.models import Organisation, User
from fame.accounts.permissions import can
from fame.audit import record_event
from fame.directory.named import involved_services
from fame.sharing import DataCategory, consents_for, next_steps
from fame.sharing.queries import disclosures_about
from fame.web.pages import posted, render_page

from . import actions, queries
from .forms import InvolvementForm, OpenRecordForm, SearchForm, SplitForm
from .handles import (
    last_search,
    new_handle,
    opened_person,
    opened_purpose,
    remember_opened,
    remember_results,
    result_person,
)
from .looking import audited_search, record_opened
from .models import Involvement, LinkDecision, Person, ReviewItem, ReviewStatus, SourceRecord
from .sharing import RecordSharing
from .source import from_row


@child_data_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    who = acting_as(request)
    form = SearchForm(posted(request))
    results: list[tuple[str, queries.SearchResult]] | None = None
    if request.method == "POST" and form.is_valid():
        query = queries.SearchQuery(
            family_name=form.cleaned_data["family_name"],
            given_name=form.cleaned_data["given_name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            postcode=form.cleaned_data["postcode"],
        )
        found, _people = audited_search(
            query, who=who, mfa=used_second_factor(user), request=request
        )
        handles = {new_handle(): result for result in found}
        remember_results(request, {h: r.person_id for h, r in handles.items()}, query.as_audit())
        results = list(handles.items())
    return render_page(
        request, "index/search.html", {"form": form, "results": results, "nav_active": "search"}
    )


@child_data_required
@require_http_methods(["GET", "POST"])
def open_record(request: HttpRequest, handle: str) -> HttpResponse:
    person = result_person(request, handle)
    form = OpenRecordForm(posted(request))
    if request.method == "POST" and form.is_valid():
        record_handle = remember_opened(request, person, purpose=form.cleaned_data["purpose"])
        query, shown = last_search(request)
        record_opened(
            person,
            by=acting_user(request),
            purpose=form.cleaned_data["purpose"],
            detail=form.cleaned_data["detail"],
            query=query,
            shown=shown,
            request=request,
        )
        if request.GET.get("then") == "caf":  # from a CAF listed on the home page
            return redirect("caf:home", handle=record_handle)
        return redirect("index:record", handle=record_handle)
    return render_page(request, "index/open.html", {"form": form, "nav_active": "search"})


def _open_sharing(
    request: HttpRequest, handle: str, *, what: str
) -> tuple[Person, RecordSharing] | HttpResponse:
    """The opened person and the sharing decisions for this view, for the purpose given
    when it was opened; the refusal page (audited as ``what``) if basic details are refused."""
    person = opened_person(request, handle)
    purpose = opened_purpose(request, handle)
    user = acting_user(request)
    sharing = RecordSharing(
        person, acting_as(request), purpose=purpose, mfa=used_second_factor(user)
    )
    basic = sharing.decide("basic")
    if not basic.permitted:
        sharing.audit(request, what=what)
        return render_page(
            request,
            "index/refused.html",
            {"decision": basic, "steps": next_steps(basic.reasons), "handle": handle},
            status=403,
        )
    return person, sharing


@child_data_required
def record(request: HttpRequest, handle: str) -> HttpResponse:
    user = acting_user(request)
    opened = _open_sharing(request, handle, what="index.record_viewed")
    if isinstance(opened, HttpResponse):
        return opened
    person, sharing = opened
    summary = queries.child_summary(
        person,
        show_contact=sharing.decide("contact").permitted,
        show_involvement=sharing.decide("involvement").permitted,
        show_sensitive_of=sharing.sensitive_permitted(),
    )
    sharing.audit(request)
    return render_page(
        request,
        "index/record.html",
        {
            "summary": summary,
            "handle": handle,
            "person": person,
            "can_shield": can(user, "shield_records"),
            "consents": list(consents_for(str(person.uid))),
            "names": dict(Organisation.objects.values_list("agency_id", "name")),
            "can_review": can(user, "review_matches"),
            "can_report": can(user, "family_report"),
            "askable": _other_agencies(summary.involvements, sharing.who),
            "in_directory": involved_services(
                (i.organisation.name, i.service) for i in summary.involvements
            ),
            "nav_active": "search",
        },
    )


def _other_agencies(involvements: list[Involvement], who: ActingAs) -> list[Organisation]:
    """The agencies involved with the child that the practitioner could ask for more."""
    found = {i.organisation.pk: i.organisation for i in involvements}
    own = who.organisation.pk if who.organisation else None
    return [org for pk, org in found.items() if pk != own]


@child_data_required
@require_http_methods(["GET", "POST"])
def involvement_new(request: HttpRequest, handle: str) -> HttpResponse:
    person = opened_person(request, handle)
    form = InvolvementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actions.record_involvement(person=person, by=acting_user(request), **form.cleaned_data)
        messages.success(request, "Your involvement is recorded.")
        return redirect("index:record", handle=handle)
    return render_page(request, "index/involvement.html", {"form": form, "handle": handle})


@child_data_required
@require_http_methods(["POST"])
def involvement_end(request: HttpRequest, handle: str, involvement_id: int) -> HttpResponse:
    person = opened_person(request, handle)
    involvement = get_object_or_404(Involvement, pk=involvement_id, person=person)
    if involvement.practitioner_id != request.user.pk:
        return refuse(
            request,
            action="end another practitioner's involvement",
            target=f"involvement:{involvement.pk}",
            why="Only the practitioner whose involvement it is can end it.",
        )
    actions.end_involvement(
        involvement=involvement, by=acting_user(request), ended_on=timezone.localdate()
    )
    messages.success(request, "Your involvement has ended.")
    return redirect("index:record", handle=handle)


@child_data_required
@require_http_methods(["POST"])
def shield(request: HttpRequest, handle: str) -> HttpResponse:
    person = opened_person(request, handle)
    if not can(acting_user(request), "shield_records"):
        return refuse(request, action="shield_records", target=f"person:{person.uid}")
    actions.set_shielded(
        person=person, shielded=request.POST.get("shielded") == "1", by=acting_user(request)
    )
    messages.success(
        request, "The record is shielded." if person.shielded else "The shield is removed."
    )
    return redirect("index:record", handle=handle)


@child_data_required
def disclosures(request: HttpRequest, handle: str) -> HttpResponse:
    """Information agencies shared, or refused to share, about the child: each entry shown
    only where the sharing rules would let this practitioner see that information."""
    opened = _open_sharing(request, handle, what="index.disclosures_viewed")
    if isinstance(opened, HttpResponse):
        return opened
    person, sharing = opened
    user = acting_user(request)
    shown = [
        d
        for d in disclosures_about(str(person.uid))
        if d.requester == user.get_username() or sharing.permits(d.category, d.holder_organisation)
    ]
    sharing.audit(request, what="index.disclosures_viewed")
    names = {o.agency_id: o.name for o in Organisation.objects.all()}
    authorisers = User.objects.filter(username__in={d.override_authoriser for d in shown})
    return render_page(
        request,
        "index/disclosures.html",
        {
            "disclosures": shown,
            "names": names,
            "people": {u.username: u.display_name for u in authorisers},
            "labels": dict(DataCategory.choices),
            "handle": handle,
            "nav_active": "search",
        },
    )


@child_data_required
def access_report(request: HttpRequest, handle: str) -> HttpResponse:
    """For the family: who has looked at or received information about the child."""
    person = opened_person(request, handle)
    user = acting_user(request)
    if not can(user, "family_report"):
        return refuse(request, action="family_report", target=f"person:{person.uid}")
    lines = queries.access_report(person)
    record_event(
        "index.access_report_made",
        actor=user,
        target=f"person:{person.uid}",
        details={"lines": len(lines)},
        request=request,
    )
    names = queries.child_summary(
        person, show_contact=False, show_involvement=False, show_sensitive_of=set()
    ).names
    return render_page(
        request,
        "index/access_report.html",
        {"lines": lines, "name": names[0], "handle": handle, "nav_active": "search"},
    )


# Review of possible matches (ISA officers) ------------------------------------


@requires("review_matches")
def review_queue(request: HttpRequest) -> HttpResponse:
    items = ReviewItem.objects.filter(status=ReviewStatus.OPEN).select_related(
        "record__organisation", "candidate__organisation"
    )[:100]
    return render_page(request, "index/review_queue.html", {"items": items, "nav_active": "review"})


@requires("review_matches")
@require_http_methods(["GET", "POST"])
def review_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(ReviewItem, pk=item_id)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision in {"link", "reject"} and item.status == ReviewStatus.OPEN:
            actions.decide_review(item=item, link=decision == "link", by=acting_user(request))
            messages.success(
                request,
                "The records are linked." if decision == "link" else "The records are kept apart.",
            )
            return redirect("index:review_queue")
    pair = [from_row(item.record.data), from_row(item.candidate.data)]
    record_event(
        "index.review_viewed",
        actor=acting_user(request),
        target=f"review:{item.pk}",
        request=request,
    )
    return render_page(
        request, "index/review_item.html", {"item": item, "pair": pair, "nav_active": "review"}
    )


@requires("review_matches")
@require_http_methods(["GET", "POST"])
def review_decisions(request: HttpRequest) -> HttpResponse:
    """Recent link decisions, each reversible."""
    if request.method == "POST":
        decision = get_object_or_404(LinkDecision, pk=request.POST.get("decision", 0))
        actions.undo_decision(decision=decision, by=acting_user(request))
        messages.success(request, "The decision is undone.")
        return redirect("index:review_decisions")
    decisions = (
        LinkDecision.objects.exclude(method="new")
        .select_related("record__organisation", "decided_by")
        .order_by("-decided_at")[:50]
    )
    return render_page(
        request, "index/decisions.html", {"decisions": decisions, "nav_active": "review"}
    )


@requires("review_matches")
@require_http_methods(["GET", "POST"])
def split(request: HttpRequest, record_id: int) -> HttpResponse:
    source = get_object_or_404(SourceRecord, pk=record_id)
    form = SplitForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actions.split_record(
            record=source, by=acting_user(request), reason=form.cleaned_data["reason"]
        )
        messages.success(request, "The record is now a child of its own.")
        return redirect("index:review_queue")
    return render_page(
        request,
        "index/split.html",
        {"form": form, "source": from_row(source.data), "nav_active": "review"},
    )
