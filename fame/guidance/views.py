"""The framework's guidance and the published case studies (public), contributing a case
study (signed in) and moderating them (partnership officers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods

from fame.accounts.decorators import requires
from fame.accounts.models import User
from fame.accounts.permissions import can
from fame.web.pages import pagination, posted, render_page

from . import actions, queries
from .forms import ContributionForm, FindForm, ModerationForm
from .models import CaseStudy, CaseStudyTag

CASE_STUDIES_SHOWN = 6
"""How many of a block's or dimension's case studies its page lists before linking to all."""
CASE_STUDIES_PAGE_SIZE = 20


def _may_moderate(request: HttpRequest) -> bool:
    return isinstance(request.user, User) and can(request.user, "moderate_case_studies")


@require_GET
def framework(request: HttpRequest) -> HttpResponse:
    return render_page(request, "guidance/framework.html", {"fw": queries.framework()})


def _part_page(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    part = queries.part_or_none(kind, key)
    if part is None:
        raise Http404(f"There is no {CaseStudyTag.Kind(kind).label.lower()} called {key}.")
    fw = queries.framework()
    cases = queries.case_studies_tagged(kind, key)
    return render_page(
        request,
        f"guidance/{kind}.html",
        {
            "fw": fw,
            "part": part,
            "paragraphs": [p.strip() for p in part.guidance.split("\n\n") if p.strip()],
            "needs": [fw.block(need) for need in part.needs],
            "needed_by": queries.needed_by(key) if kind == CaseStudyTag.Kind.BLOCK else [],
            "banks": queries.statements_by(kind, key),
            "cases": cases[:CASE_STUDIES_SHOWN],
            "case_count": cases.count(),
            "names": queries.names(fw),
        },
    )


@require_GET
def block(request: HttpRequest, block: str) -> HttpResponse:
    return _part_page(request, CaseStudyTag.Kind.BLOCK, block)


@require_GET
def dimension(request: HttpRequest, dimension: str) -> HttpResponse:
    return _part_page(request, CaseStudyTag.Kind.DIMENSION, dimension)


@require_GET
def case_studies(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    found = Paginator(queries.find_case_studies(**filters), CASE_STUDIES_PAGE_SIZE)
    page = found.get_page(request.GET.get("page"))
    return render_page(
        request,
        "guidance/case_studies.html",
        {
            "form": form,
            "filtered": any(filters.values()),
            "cases": page,
            "total": found.count,
            "pagination": pagination(request, page),
            "names": queries.names(queries.framework()),
            "may_moderate": _may_moderate(request),
        },
    )


@require_GET
def case_study(request: HttpRequest, case_id: int) -> HttpResponse:
    case = queries.published_case_study(case_id)
    if case is None:
        raise Http404("There is no published case study with that number.")
    return render_page(
        request,
        "guidance/case_study.html",
        {"case": case, "names": queries.names(queries.framework())},
    )


@require_http_methods(["GET", "POST"])
def contribute(request: HttpRequest) -> HttpResponse:
    """Anyone signed in may contribute (the sign-in middleware keeps everyone else out)."""
    form = ContributionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        user = request.user
        assert isinstance(user, User)
        case = actions.contribute(contribution=form.contribution(), by=user)
        messages.success(
            request,
            f"Thank you. “{case.title}” will be published once a partnership officer "
            "has checked it.",
        )
        return redirect("guidance:case_studies")
    return render_page(request, "guidance/contribute.html", {"form": form})


@requires("moderate_case_studies")
@require_GET
def moderate(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "guidance/moderate.html",
        {"waiting": queries.moderation_queue(), "decided": queries.recently_moderated()},
    )


@requires("moderate_case_studies")
@require_http_methods(["GET", "POST"])
def moderate_one(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(
        CaseStudy.objects.select_related("submitted_by", "moderated_by").prefetch_related("tags"),
        pk=case_id,
    )
    form = ModerationForm(posted(request))
    if request.method == "POST" and case.is_waiting and form.is_valid():
        user = request.user
        assert isinstance(user, User)
        try:
            case = actions.moderate(
                case_id=case.pk, publish=form.publish, note=form.note_text, by=user
            )
        except actions.AlreadyModerated:
            messages.success(request, f"“{case.title}” was already decided by someone else.")
        else:
            done = "published" if case.is_published else "not published"
            messages.success(request, f"“{case.title}” is {done}.")
        return redirect("guidance:moderate")
    return render_page(
        request,
        "guidance/moderate_one.html",
        {"case": case, "form": form, "names": queries.names(queries.framework())},
    )
