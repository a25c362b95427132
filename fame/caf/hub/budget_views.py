"""Pages for a CAF's budget: the co-ordinator allocates, the Lead Professional commissions
services from the directory and records what is spent.

The Lead Professional's pages are CAF pages (the same door, ``pages.reach_caf``, with
the record open in the session); anyone who may open the CAF there sees its budget,
and only its Lead Professional changes it. The co-ordinator's page is reached from
their queue and, like the queue, shows no child's name and no CAF content. Each write
is one action in ``budget_actions``, audited there.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from fame.accounts.decorators import acting_user, child_data_required, refuse, requires
from fame.accounts.models import User
from fame.audit import record_event
from fame.caf.models.hub import CafOverview
from fame.web.pages import posted, render_page

from .budget import budget_of, pounds
from .budget_actions import BudgetRefused, allocate_budget, commission_service, record_spend
from .budget_forms import AllocateForm, CommissionForm, SpendForm
from .client import CafView
from .directory_pick import find_service, search_services, service_url
from .pages import caf_page, open_caf, reach_caf, stops

SHOWN = {"pounds": pounds, "service_url": service_url}
"""How the budget's pages show an amount and link a service to its directory page."""

ONLY_LEAD = "Only the CAF's Lead Professional can commission services and record spend."


def _overview(caf: CafView) -> CafOverview | None:
    return CafOverview.objects.filter(caf=caf.uid).select_related("holder", "person").first()


def _lead_only(request: HttpRequest, caf: CafView, user: User) -> HttpResponse | None:
    if caf.lead_professional and user.username == caf.lead_professional and not caf.closed:
        return None
    return refuse(
        request,
        action="change a CAF's budget as someone other than its Lead Professional",
        why=ONLY_LEAD,
    )


@child_data_required
@stops
def budget(request: HttpRequest, handle: str) -> HttpResponse:
    """The CAF's budget: allocated, committed, spent, left; each service commissioned."""
    user, _, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    overview = _overview(caf)
    found = budget_of(overview) if overview is not None else None
    if overview is not None:
        record_event(
            "caf.budget_viewed",
            actor=user,
            target=f"person:{place.person.uid}",
            details={"caf": str(caf.uid)},
            request=request,
        )
    return caf_page(
        request,
        "caf/budget.html",
        {
            "caf": caf,
            "budget": found,
            "is_lead": bool(caf.lead_professional)
            and user.username == caf.lead_professional
            and not caf.closed,
            "handle": handle,
            **SHOWN,
        },
    )


@child_data_required
@require_http_methods(["GET", "POST"])
@stops
def commission(request: HttpRequest, handle: str) -> HttpResponse:
    """Search the directory, pick a service and commit part of the budget to it."""
    user, _, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    if refused := _lead_only(request, caf, user):
        return refused
    overview = _overview(caf)
    if overview is None:
        raise Http404("The hub has not heard of this CAF yet.")
    words = (request.POST.get("q") or request.GET.get("q") or "").strip()[:200]
    form = CommissionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        service = find_service(form.cleaned_data["service"])
        if service is None:
            form.add_error("service", "That service is not in the directory: search again")
        else:
            try:
                commission_service(
                    overview=overview,
                    service=service,
                    amount_pence=form.cleaned_data["amount"],
                    note=form.cleaned_data["note"],
                    by=user,
                    request=request,
                )
            except BudgetRefused as refusal:
                form.add_error("amount", str(refusal))
            else:
                messages.success(request, f"{service.name} is commissioned for the family.")
                return redirect("caf:budget", handle=handle)
    services = search_services(words) if words else []
    chosen = form["service"].value() or ""
    if chosen and all(s.id != chosen for s in services):
        picked = find_service(str(chosen))
        if picked is not None:
            services = [picked, *services]
    return caf_page(
        request,
        "caf/budget_commission.html",
        {
            "caf": caf,
            "budget": budget_of(overview),
            "form": form,
            "words": words,
            "searched": bool(words),
            "services": services,
            "chosen": chosen,
            "handle": handle,
            **SHOWN,
        },
        status=400 if form.errors else 200,
    )


@child_data_required
@require_http_methods(["GET", "POST"])
@stops
def spend(request: HttpRequest, handle: str, commitment: int) -> HttpResponse:
    """Record money spent on one commissioned service."""
    user, _, place = reach_caf(request, handle)
    caf = open_caf(request, handle, place, user)
    if refused := _lead_only(request, caf, user):
        return refused
    overview = _overview(caf)
    line = budget_of(overview).line(commitment) if overview is not None else None
    if overview is None or line is None:
        raise Http404("That service is not commissioned on this CAF.")
    form = SpendForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            record_spend(
                overview=overview,
                commitment_id=commitment,
                amount_pence=form.cleaned_data["amount"],
                spent_on=form.cleaned_data["spent_on"],
                note=form.cleaned_data["note"],
                by=user,
                request=request,
            )
        except BudgetRefused as refusal:
            form.add_error("amount", str(refusal))
        else:
            messages.success(request, f"The spend on {line.commitment.service_name} is recorded.")
            return redirect("caf:budget", handle=handle)
    return caf_page(
        request,
        "caf/budget_spend.html",
        {"caf": caf, "line": line, "form": form, "handle": handle, **SHOWN},
        status=400 if form.errors else 200,
    )


@requires("allocate_budgets")
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, overview: int) -> HttpResponse:
    """The co-ordinator allocates (or changes) one CAF's budget; no child's name, no content."""
    found = CafOverview.objects.filter(pk=overview).select_related("holder", "person").first()
    if found is None:
        raise Http404("There is no such CAF in the queue.")
    by = acting_user(request)
    form = AllocateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            allocate_budget(
                overview=found,
                amount_pence=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                by=by,
                request=request,
            )
        except BudgetRefused as refusal:
            form.add_error("amount", str(refusal))
        else:
            messages.success(request, f"The budget for CAF-{found.pk:04d} is saved.")
            return redirect("caf:budget_allocate", overview=found.pk)
    return render_page(
        request,
        "caf/budget_allocate.html",
        {
            "overview": found,
            "reference": f"CAF-{found.pk:04d}",
            "budget": budget_of(found),
            "form": form,
            "nav_active": "caf_queue",
            **SHOWN,
        },
        status=400 if form.errors else 200,
    )
