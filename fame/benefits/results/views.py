"""A benefits model's results, charts, CSV and sensitivity. Only those who may model
benefits (``model_benefits``) see them; anyone else is refused (403, audited)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from fame.accounts.decorators import requires
from fame.readiness.downloads import csv_download, spreadsheet_text
from fame.web.pages import render_page

from .. import charts
from ..calculate import Result
from ..montecarlo import Outcome, run
from ..sensitivity import tornado
from .figures_views import realised
from .forms import MonteCarloForm
from .shown import shown
from .summary import partner_rows, year_rows

CHARTS = {
    "by-year": charts.by_year,
    "cumulative": charts.cumulative,
    "partners": charts.partners,
}
CSV_HEADER = (
    "row",
    "partner",
    "year",
    "costs_one_off",
    "costs_running",
    "costs",
    "benefits_cashable",
    "benefits_non_cashable",
    "benefits",
    "net",
    "discount_factor",
    "discounted_net",
    "cumulative_discounted_net",
)


@requires("model_benefits")
@require_GET
def results(request: HttpRequest, model_id: int) -> HttpResponse:
    found = shown(request, model_id)
    result = found.result
    return render_page(
        request,
        "benefits/results/results.html",
        {
            "shown": found,
            "result": result,
            "years": year_rows(result),
            "partners": partner_rows(result),
            "pounds": charts.pounds,
            "version_query": _version_query(found.version.number),
        },
    )


def _version_query(number: int) -> str:
    return f"?version={number}"


# An SVG shown as an image keeps its own styles (matplotlib writes them inline): its
# policy allows inline styles; everything else stays as strict as every page's.
@csp_replace({"style-src": ["'unsafe-inline'"]})
@requires("model_benefits")
@require_GET
def chart(request: HttpRequest, model_id: int, name: str) -> HttpResponse:
    found = shown(request, model_id)
    if name == "tornado":
        svg = charts.tornado(tornado(found.version.data)[1])
    elif name == "montecarlo":
        form = MonteCarloForm(request.GET, model_data=found.version.data)
        if not form.is_valid():
            raise Http404("Give the Monte Carlo run's ranges, runs and seed.")
        svg = charts.montecarlo(_monte_carlo(found.version.data, form).npvs)
    elif name == "realisation":
        rows = realised(request, found).rows
        if rows is None:
            raise Http404("Give when year 1 began, the activity and the plan.")
        svg = charts.realisation(
            [r.label for r in rows],
            [float(r.planned_total) for r in rows],
            [r.actual_total for r in rows],
        )
    elif name in CHARTS:
        svg = CHARTS[name](found.result)
    else:
        raise Http404("No such chart.")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


def _money(value: object) -> str:
    return "" if value is None else f"{value:.2f}"


@requires("model_benefits")
@require_GET
def results_csv(request: HttpRequest, model_id: int) -> HttpResponse:
    found = shown(request, model_id)
    result: Result = found.result
    rows: list[list[object]] = []
    for row in year_rows(result):
        y = row.year
        rows.append(
            [
                "year",
                "",
                y.year,
                _money(y.one_off),
                _money(y.running),
                _money(y.costs),
                _money(y.cashable),
                _money(y.non_cashable),
                _money(y.benefits),
                _money(y.net),
                f"{y.discount_factor:.12f}",
                _money(y.discounted_net),
                _money(row.cumulative),
            ]
        )
    for partner in partner_rows(result):
        for i, year in enumerate(result.years):
            rows.append(
                [
                    "partner",
                    spreadsheet_text(partner.id),
                    year.year,
                    "",
                    "",
                    _money(partner.costs[i]),
                    "",
                    "",
                    _money(partner.benefits[i]),
                    _money(partner.net[i]),
                    f"{year.discount_factor:.12f}",
                    _money(partner.net[i] * year.discount_factor),
                    "",
                ]
            )
        rows.append(
            [
                "partner_present_value",
                spreadsheet_text(partner.id),
                "",
                "",
                "",
                _money(partner.pv_costs),
                "",
                "",
                _money(partner.pv_benefits),
                _money(partner.pv_net),
                "",
                "",
                "",
            ]
        )
    name = f"benefits-model-{found.benefits_model.pk}-version-{found.version.number}.csv"
    return csv_download(name, CSV_HEADER, rows)


def _monte_carlo(data: Mapping[str, Any], form: MonteCarloForm) -> Outcome:
    return run(data, form.ranges, runs=form.cleaned_data["runs"], seed=form.cleaned_data["seed"])


@requires("model_benefits")
@require_GET
def sensitivity(request: HttpRequest, model_id: int) -> HttpResponse:
    """The tornado, and a Monte Carlo run when its form is sent (by GET: a run changes
    nothing, and its histogram is drawn from the same address)."""
    found = shown(request, model_id)
    base_npv, rows = tornado(found.version.data)
    asked = request.GET if "runs" in request.GET else None
    form = MonteCarloForm(asked, model_data=found.version.data)
    outcome = _monte_carlo(found.version.data, form) if form.is_valid() else None
    return render_page(
        request,
        "benefits/results/sensitivity.html",
        {
            "shown": found,
            "base_npv": base_npv,
            "rows": rows,
            "form": form,
            "outcome": outcome,
            "query": request.GET.urlencode(),
            "pounds": charts.pounds,
            "version_query": _version_query(found.version.number),
        },
    )
