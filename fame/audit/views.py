"""Auditors' pages: the log filtered and paged, one child's accesses, one person's actions,
overrides and refusals, checking the log; each as CSV too. Every view is itself audited.

A child is never reached by the Child Index's identifier: pages show a reference
(``lines.child_reference``) and link to the child's accesses through it, and this
session remembers which child each reference it was shown stands for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fame.accounts.decorators import acting_user, requires
from fame.accounts.models import Organisation, Role, User
from fame.index import queries as index_queries
from fame.index.models import Person
from fame.web.pages import pagination, posted, render_page, with_query

from .actions import record_event
from .forms import ExceptionsFilterForm, FindChildForm, LogFilterForm, PersonFilterForm
from .lines import EventLine, child_reference, csv_rows, lines_for
from .models import AuditEvent, Outcome
from .queries import (
    LOG_CHECKED,
    EventFilter,
    Exceptions,
    child_events,
    filtered_events,
    overrides_and_refusals,
)
from .verify import verify_audit_log
from .witness_check import check_witnesses

PAGE_SIZE = 50
CSV_LIMIT = 10_000
"""The most events one download holds; more, and the auditor is asked to narrow the filters."""
CHILDREN = "audit_children"  # session: child reference -> the child's identifier
REMEMBERED = 2_000  # references a session keeps, the oldest forgotten first
AUDIT_LOG = "audit-log"


@dataclass(frozen=True)
class Listing:
    """What a page of events needs: the page's lines, the pager, and the download link."""

    lines: list[EventLine]
    page: Page[AuditEvent]
    total: int
    pagination: dict[str, Any] | None
    download: str
    too_many: int | None = None
    """How many events a refused download would have held."""
    limit: int = CSV_LIMIT


def _remember_children(request: HttpRequest, lines: list[EventLine], uids: dict[str, str]) -> None:
    known: dict[str, str] = request.session.get(CHILDREN, {})
    for line in lines:
        if line.child and line.child in uids:
            known.pop(line.child, None)
            known[line.child] = uids[line.child]
    request.session[CHILDREN] = dict(list(known.items())[-REMEMBERED:])


def _listing(
    request: HttpRequest,
    events: QuerySet[AuditEvent],
    *,
    viewed: str,
    target: str,
    filters: dict[str, Any],
) -> Listing | HttpResponse:
    """A page of ``events``, or (``?download=csv``) all of them as CSV; audited either way."""
    who = acting_user(request)
    too_many = None
    if request.GET.get("download") == "csv":
        selected = list(events[: CSV_LIMIT + 1])
        if len(selected) <= CSV_LIMIT:
            body = "".join(csv_rows(selected))
            record_event(
                "audit.exported",
                actor=who,
                target=target,
                details={"page": viewed, "filters": filters, "rows": len(selected)},
                request=request,
            )
            name = f"fame-{viewed.replace('.', '-')}-{timezone.localdate():%Y-%m-%d}.csv"
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        too_many = events.count()
        record_event(
            "audit.exported",
            actor=who,
            target=target,
            outcome=Outcome.REFUSED,
            details={"page": viewed, "filters": filters, "rows": too_many, "limit": CSV_LIMIT},
            request=request,
        )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    names = dict(
        Organisation.objects.filter(agency_id__in={e.organisation for e in shown}).values_list(
            "agency_id", "name"
        )
    )
    lines = lines_for(shown, names)
    _remember_children(
        request,
        lines,
        {
            line.child: event.target.split(":", 1)[1]
            for line, event in zip(lines, shown, strict=True)
            if line.child
        },
    )
    record_event(
        viewed,
        actor=who,
        target=target,
        details={"filters": filters, "page": page.number, "events": len(lines)},
        request=request,
    )
    return Listing(
        lines=lines,
        page=page,
        total=page.paginator.count,
        pagination=pagination(request, page),
        download=with_query(request, download="csv"),
        too_many=too_many,
        limit=CSV_LIMIT,
    )


def _has_errors(form: forms.BaseForm | None, listing: Listing | None) -> bool:
    """Whether the page shows an error summary: the filters, or a refused download."""
    return bool(form is not None and form.errors) or bool(listing and listing.too_many)


def _viewed_without_events(request: HttpRequest, *, viewed: str, target: str) -> None:
    """A page shown with no events (its filters empty or not making sense), recorded with
    what was typed."""
    typed = {k: v for k, v in request.GET.items() if v and k != "download"}
    record_event(
        viewed,
        actor=acting_user(request),
        target=target,
        details={"typed": typed, "events": 0},
        request=request,
    )


Selection = tuple[QuerySet[AuditEvent], dict[str, Any], str]
"""What a page's valid filters select: the events, the filters as audited, the target."""


def _events_page(
    request: HttpRequest,
    form: forms.Form,
    select: Callable[[dict[str, Any]], Selection],
    *,
    viewed: str,
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A filtered page of events (or its download); the view is audited whatever it shows."""
    listing = None
    if form.is_bound and form.is_valid():
        events, filters, target = select(form.cleaned_data)
        answer = _listing(request, events, viewed=viewed, target=target, filters=filters)
        if isinstance(answer, HttpResponse):
            return answer
        listing = answer
    else:
        _viewed_without_events(request, viewed=viewed, target=AUDIT_LOG)
    return render_page(
        request,
        template,
        {
            "form": form,
            "listing": listing,
            "has_errors": _has_errors(form, listing),
            "nav_active": "audit",
            **(context or {}),
        },
    )


@requires("view_audit")
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    """The whole log: who, what, when, outcome and target, filtered and paged."""

    def select(data: dict[str, Any]) -> Selection:
        chosen = LogFilterForm.chosen_from(data)
        return filtered_events(chosen), chosen.as_audit(), AUDIT_LOG

    return _events_page(
        request,
        LogFilterForm(request.GET),
        select,
        viewed="audit.log_viewed",
        template="audit/log.html",
    )


@requires("view_audit")
@require_GET
def child(request: HttpRequest, reference: str) -> HttpResponse:
    """Every access to one child, reached by the reference an auditor's page showed."""
    uid = request.session.get(CHILDREN, {}).get(reference)
    if uid is None:
        raise Http404("That child is not one this session has been shown.")
    listing = _listing(
        request,
        child_events(uid),
        viewed="audit.child_accesses_viewed",
        target=f"person:{uid}",
        filters={"child": reference},
    )
    if isinstance(listing, HttpResponse):
        return listing
    return render_page(
        request,
        "audit/child.html",
        {
            "listing": listing,
            "has_errors": _has_errors(None, listing),
            "child": _child_named(uid),
            "reference": reference,
            "nav_active": "audit",
        },
    )


@dataclass(frozen=True)
class NamedChild:
    name: str
    date_of_birth: Any


def _child_named(uid: str) -> NamedChild | None:
    """The child's name and date of birth, so the auditor can tell which child this is."""
    person = Person.objects.filter(uid=uid).first()
    if person is None or not person.records.exists():
        return None
    summary = index_queries.child_summary(
        person, show_contact=False, show_involvement=False, show_sensitive_of=set()
    )
    return NamedChild(name=summary.names[0], date_of_birth=summary.date_of_birth)


@dataclass(frozen=True)
class FoundChild:
    reference: str
    name: str
    date_of_birth: Any
    events: int


@requires("view_audit")
@require_http_methods(["GET", "POST"])
def find_child(request: HttpRequest) -> HttpResponse:
    """Find a child by family name and date of birth, for a stated complaint or investigation."""
    form = FindChildForm(posted(request))
    found: list[FoundChild] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        query = index_queries.SearchQuery(
            family_name=data["family_name"],
            given_name=data["given_name"],
            date_of_birth=data["date_of_birth"],
        )
        strong = [r for r in index_queries.search(query) if r.band == "Strong match"]
        people = Person.objects.in_bulk([r.person_id for r in strong])
        found = []
        known: dict[str, str] = request.session.get(CHILDREN, {})
        for result in strong:
            uid = str(people[result.person_id].uid)
            reference = child_reference(uid)
            known[reference] = uid
            found.append(
                FoundChild(
                    reference=reference,
                    name=result.name,
                    date_of_birth=result.date_of_birth,
                    events=child_events(uid).count(),
                )
            )
        request.session[CHILDREN] = dict(list(known.items())[-REMEMBERED:])
        record_event(
            "audit.child_found",
            actor=acting_user(request),
            target="child-index",
            details={
                "query": query.as_audit(),
                "reason": data["reason"],
                "found": [str(people[r.person_id].uid) for r in strong],
            },
            request=request,
        )
    elif request.method == "GET":
        record_event(
            "audit.child_search_opened",
            actor=acting_user(request),
            target="child-index",
            request=request,
        )
    return render_page(
        request, "audit/find_child.html", {"form": form, "found": found, "nav_active": "audit"}
    )


@requires("view_audit")
@require_GET
def person(request: HttpRequest) -> HttpResponse:
    """Everything one person did in a period."""
    form = PersonFilterForm(request.GET or None)
    account = None
    if form.is_valid():
        account = (
            User.objects.filter(username=form.cleaned_data["username"])
            .select_related("organisation")
            .first()
        )

    def select(data: dict[str, Any]) -> Selection:
        chosen = EventFilter(username=data["username"], since=data["since"], until=data["until"])
        target = f"user:{account.pk}" if account else f"username:{chosen.username}"
        return filtered_events(chosen), chosen.as_audit(), target

    roles = [Role(r).label for r in account.roles if r in Role.values] if account else []
    return _events_page(
        request,
        form,
        select,
        viewed="audit.person_viewed",
        template="audit/person.html",
        context={"account": account, "roles": roles},
    )


@requires("view_audit")
@require_GET
def exceptions(request: HttpRequest) -> HttpResponse:
    """Overrides of the family's consent, and refusals."""

    def select(data: dict[str, Any]) -> Selection:
        kind = data["kind"] or Exceptions.BOTH
        period = EventFilter(since=data["since"], until=data["until"]).as_audit()
        events = overrides_and_refusals(kind, since=data["since"], until=data["until"])
        return events, {"kind": kind, **period}, AUDIT_LOG

    data = request.GET.copy()
    data.setdefault("kind", Exceptions.BOTH)
    return _events_page(
        request,
        ExceptionsFilterForm(data),
        select,
        viewed="audit.exceptions_viewed",
        template="audit/exceptions.html",
    )


@requires("view_audit")
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Check the log as `fame audit verify --witnesses` does, and show what it found."""
    who = acting_user(request)
    result = report = checked = None
    good = False
    if request.method == "POST":
        result = verify_audit_log()
        report = check_witnesses() if settings.FAME_ROLE in {"hub", "both"} else None
        good = result.intact and (report is None or report.agree)
        details: dict[str, Any] = {"log": result.as_dict()}
        if report is not None:
            details["witnesses"] = report.as_dict()
        checked = record_event(
            LOG_CHECKED,
            actor=who,
            target=AUDIT_LOG,
            outcome=Outcome.SUCCESS if good else Outcome.FAILURE,
            details=details,
            request=request,
        )
    else:
        record_event("audit.check_opened", actor=who, target=AUDIT_LOG, request=request)
    return render_page(
        request,
        "audit/check.html",
        {
            "result": result,
            "report": report,
            "good": good,
            "checked": checked,
            "nav_active": "audit",
        },
    )
