"""The directory's pages: search and a service's page for anyone, signed in or not; adding,
changing and checking entries, and the review list, for directory editors."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fame.accounts.decorators import requires
from fame.accounts.models import User
from fame.accounts.permissions import can
from fame.web.pages import pagination, posted, render_page

from . import actions
from .forms import DEFAULT_DISTANCE, ROUTE_LINK, SearchForm, ServiceForm
from .models import REVIEW_AFTER, Service, ServiceAtLocation, ServiceTerm
from .search import Filters, near, services

PAGE_SIZE = 20


def _may_edit(request: HttpRequest) -> bool:
    return isinstance(request.user, User) and can(request.user, "edit_directory")


def _with_parts(ids: list[str]) -> dict[str, Service]:
    """The services with what their listing shows, fetched together."""
    fetched = (
        Service.objects.filter(id__in=ids)
        .select_related("organization")
        .prefetch_related(
            "schedules",
            "contacts",
            "cost_options",
            Prefetch("attributes", queryset=ServiceTerm.objects.select_related("term")),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location"),
            ),
        )
    )
    return {service.id: service for service in fetched}


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    searched = form.is_bound and form.is_valid()
    results = []
    page = None
    if searched:
        data = form.cleaned_data
        filters = Filters(
            keyword=data.get("q") or "",
            term_ids=(data["need"],) if data.get("need") else (),
            age=data.get("age"),
            active_only=True,
        )
        within = data.get("distance") or DEFAULT_DISTANCE
        found = near(services(filters), form.centre, within if form.centre else None)
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        full = _with_parts([result.service.id for result in page])
        results = [(result, full[result.service.id]) for result in page]
    return render_page(
        request,
        "directory/search.html",
        {
            "form": form,
            "searched": searched,
            "results": results,
            "total": page.paginator.count if page else 0,
            "pagination": pagination(request, page) if page else None,
            "may_edit": _may_edit(request),
            "route_link": ROUTE_LINK,
        },
    )


@require_GET
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    found = _with_parts([service_id]).get(service_id)
    if found is None:
        raise Http404("There is no service with that reference in the directory.")
    return render_page(
        request,
        "directory/service.html",
        {
            "service": found,
            "needs_review": found.needs_review(),
            "may_edit": _may_edit(request),
            "changes": found.changes.select_related("by")[:10] if _may_edit(request) else [],
            "route_link": ROUTE_LINK,
        },
    )


def _entry(form: ServiceForm) -> actions.Entry:
    data = form.cleaned_data
    return actions.Entry(
        name=data["name"],
        description=data["description"],
        status=data["status"],
        needs=tuple(data["needs"]),
        minimum_age=data.get("minimum_age"),
        maximum_age=data.get("maximum_age"),
        when=data.get("when") or "",
        fees=data.get("fees") or "",
        email=data.get("email") or "",
        phone=data.get("phone") or "",
        url=data.get("url") or "",
    )


def _initial(found: Service) -> dict[str, object]:
    schedule = found.schedules.first()
    contact = found.contacts.first()
    return {
        "name": found.name,
        "description": found.description,
        "status": found.status,
        "needs": list(
            found.attributes.exclude(link_type=ROUTE_LINK).values_list("term_id", flat=True)
        ),
        "minimum_age": int(found.minimum_age) if found.minimum_age is not None else None,
        "maximum_age": int(found.maximum_age) if found.maximum_age is not None else None,
        "when": schedule.description if schedule else "",
        "fees": found.fees,
        "email": found.email,
        "phone": (contact.phone_numbers or [""])[0] if contact else "",
        "url": found.url,
    }


@require_http_methods(["GET", "POST"])
@requires("edit_directory")
def edit(request: HttpRequest, service_id: str | None = None) -> HttpResponse:
    found = None
    if service_id is not None:
        found = Service.objects.filter(id=service_id).first()
        if found is None:
            raise Http404("There is no service with that reference in the directory.")
    form = ServiceForm(posted(request), initial=_initial(found) if found else None)
    if form.is_bound and form.is_valid():
        assert isinstance(request.user, User)
        saved = actions.save_entry(entry=_entry(form), by=request.user, service=found)
        messages.success(request, f"{saved.name} is saved and marked as checked today.")
        return redirect("directory:service", service_id=saved.id)
    return render_page(request, "directory/edit.html", {"form": form, "service": found})


@require_POST
@requires("edit_directory")
def checked(request: HttpRequest, service_id: str) -> HttpResponse:
    found = Service.objects.filter(id=service_id).first()
    if found is None:
        raise Http404("There is no service with that reference in the directory.")
    assert isinstance(request.user, User)
    actions.mark_checked(service=found, by=request.user)
    messages.success(request, f"{found.name} is marked as checked today.")
    back = request.POST.get("next", "")
    if back == "review":
        return redirect("directory:review")
    return redirect("directory:service", service_id=found.id)


@require_GET
@requires("edit_directory")
def review(request: HttpRequest) -> HttpResponse:
    """Entries not checked for more than six months (or never), the oldest first."""
    today = timezone.localdate()
    due = (
        Service.objects.exclude(status=Service.Status.DEFUNCT)
        .filter(Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=today - REVIEW_AFTER))
        .select_related("organization")
        .order_by(F("last_checked_on").asc(nulls_first=True), "name")
    )
    return render_page(
        request,
        "directory/review.html",
        {"due": due, "months": round(REVIEW_AFTER.days / 30.5)},
    )
