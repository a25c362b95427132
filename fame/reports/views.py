"""Management information's pages: the index of reports, a page per report group (tables,
charts beside them, CSV and XLSX), and comparator areas.

For those who may ``view_reports``; comparator figures are entered by those who may
``manage_comparators``. No report shows a child. Small numbers are suppressed on pages
for everyone but the CAF co-ordinator's team, and in every file (ADR 0037).
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from fame.accounts.decorators import refuse, requires
from fame.accounts.models import User
from fame.accounts.permissions import can
from fame.audit import record_event
from fame.web.pages import posted, render_page

from .charts import table_chart
from .comparison import latest_figures
from .downloads import table_csv, tables_xlsx, xlsx_download
from .forms import ComparatorForm, FilterForm
from .groups import GROUPS, Group
from .models import ComparatorFigures
from .scope import Scope, areas, coordinators_team, default_period, own_area_only
from .tables import Table


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _scope(request: HttpRequest) -> tuple[FilterForm, Scope]:
    """The filters as chosen (or the defaults where a choice is missing or wrong)."""
    user = _user(request)
    fixed = ""
    if own_area_only(user):
        fixed = (user.organisation.local_authority if user.organisation else "") or "No area"
    form = FilterForm(request.GET or None, areas=areas(), fixed_area=fixed)
    since, until = default_period()
    area, agency_type = fixed, ""
    if form.is_bound:
        form.is_valid()  # what was chosen well is used, the rest left at its default
        data = form.cleaned_data
        since = data.get("since") or since
        until = data.get("until") or until
        area = fixed or data.get("area") or ""
        agency_type = data.get("agency_type") or ""
        if since > until:
            since, until = default_period(until)[0], until
    return form, Scope(since, until, area, agency_type)


def _group(slug: str) -> Group:
    if slug not in GROUPS:
        raise Http404("There is no such report.")
    return GROUPS[slug]


@require_GET
@requires("view_reports")
def home(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "reports/home.html",
        {
            "groups": GROUPS.values(),
            "may_manage_comparators": can(_user(request), "manage_comparators"),
        },
    )


@require_GET
@requires("view_reports")
def report(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(slug)
    form, scope = _scope(request)
    tables = group.tables(scope)
    download = request.GET.get("download", "")
    if download:
        return _download(request, group, scope, tables, download)
    record_event(
        "reports.viewed",
        actor=request.user,
        target=f"report:{group.slug}",
        details={"scope": scope.described()},
        request=request,
    )
    query = request.GET.copy()
    query.pop("download", None)
    query.pop("table", None)
    return render_page(
        request,
        "reports/report.html",
        {
            "group": group,
            "form": form,
            "scope": scope,
            "tables": tables,
            "suppress": not coordinators_team(_user(request)),
            "query": query.urlencode(),
        },
    )


def _download(
    request: HttpRequest, group: Group, scope: Scope, tables: list[Table], kind: str
) -> HttpResponse:
    stem = f"fame-{group.slug}-{scope.since.isoformat()}-{scope.until.isoformat()}"
    if kind == "xlsx":
        response = xlsx_download(
            tables_xlsx(tables, group.title, scope.described()), f"{stem}.xlsx"
        )
        what = "all"
    elif kind == "csv":
        key = request.GET.get("table", "")
        chosen = next((t for t in tables if t.key == key), None)
        if chosen is None:
            raise Http404("There is no such table in this report.")
        response = table_csv(chosen, f"{stem}-{chosen.key}.csv")
        what = chosen.key
    else:
        raise Http404("Reports download as csv or xlsx.")
    record_event(
        "reports.downloaded",
        actor=request.user,
        target=f"report:{group.slug}",
        details={"format": kind, "table": what, "scope": scope.described()},
        request=request,
    )
    return response


# An SVG shown as an image keeps its own styles (matplotlib writes them inline): its
# policy allows inline styles; everything else stays as strict as every page's.
@csp_replace({"style-src": ["'unsafe-inline'"]})
@require_GET
@requires("view_reports")
def chart(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    group = _group(slug)
    _, scope = _scope(request)
    table = group.table(scope, key)
    if table is None or not table.chart:
        raise Http404("There is no such chart.")
    svg = table_chart(table, suppress=not coordinators_team(_user(request)))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


@require_http_methods(["GET", "POST"])
@requires("view_reports")
def comparators(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    may_enter = can(user, "manage_comparators")
    if request.method == "POST" and not may_enter:
        return refuse(request, action="manage_comparators")
    form = ComparatorForm(posted(request))
    if may_enter and request.method == "POST" and form.is_valid():
        entry: ComparatorFigures = form.save(commit=False)
        entry.entered_by = user
        entry.save()
        record_event(
            "reports.comparator_entered",
            actor=user,
            target=f"comparator:{entry.pk}",
            details={
                "area": entry.area,
                "year": entry.year,
                "children": entry.children,
                "caf_staff": str(entry.caf_staff),
                "cafs_started": entry.cafs_started,
                "source": entry.source,
            },
            request=request,
        )
        messages.success(request, f"The figures for {entry.area} are kept.")
        return redirect("reports:comparators")
    return render_page(
        request,
        "reports/comparators.html",
        {
            "form": form,
            "may_enter": may_enter,
            "latest": latest_figures(),
            "history": ComparatorFigures.objects.select_related("entered_by")[:200],
        },
    )
