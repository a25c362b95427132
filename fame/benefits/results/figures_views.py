"""Figures taken from elsewhere in FAME: a Demonstrator comparison into a new version of the
model, and benefits realisation (plan against the live system's use, quarter by quarter)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fame.accounts.decorators import acting_user, requires
from fame.web.pages import render_page

from ..figures import LIVE_SOURCE, ComparisonFigures, FiguresError, from_comparison
from ..model import ModelError
from .actions import usage_rule_paths, use_comparison_figures, use_live_usage
from .comparison import read_upload, run_comparison
from .forms import (
    MEASURE_LABELS,
    RealisationForm,
    RunComparisonForm,
    UploadComparisonForm,
    UseFiguresForm,
)
from .realisation import QuarterRow, planned_usage, realisation
from .shown import Shown, shown


@requires("model_benefits")
@require_http_methods(["GET", "POST"])
def comparison(request: HttpRequest, model_id: int) -> HttpResponse:
    """Choose a shipped scenario to run, or upload a comparison; see its figures; use them."""
    found = shown(request, model_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    run_form = RunComparisonForm(request.POST if action == "run" else None)
    upload_form = UploadComparisonForm(
        request.POST if action == "upload" else None,
        request.FILES if action == "upload" else None,
    )
    use_form = UseFiguresForm(
        request.POST if action == "use" else None, model_data=found.version.data
    )
    data: dict[str, Any] | None = None
    approach = ""
    if action == "run" and run_form.is_valid():
        approach = run_form.cleaned_data["approach"]
        try:
            data = run_comparison(
                run_form.cleaned_data["scenario"],
                approach,
                replications=run_form.cleaned_data["replications"],
                seed=run_form.cleaned_data["seed"],
            )
        except FiguresError as error:
            run_form.add_error("approach", f"The comparison cannot be run: {error}")
    elif action == "upload" and upload_form.is_valid():
        approach = upload_form.cleaned_data["approach"]
        try:
            data = read_upload(upload_form.cleaned_data["comparison"].read())
        except FiguresError as error:
            upload_form.add_error("comparison", f"The file cannot be used: {error}")
    elif action == "use" and use_form.is_valid():
        return _use(request, found, use_form)
    elif action == "use":
        data, approach = _posted_comparison(use_form)
    figures: ComparisonFigures | None = None
    if data is not None:
        try:
            figures = from_comparison(data, approach=approach)
        except FiguresError as error:
            form = upload_form if action == "upload" else run_form
            field = "comparison" if action == "upload" else "approach"
            form.add_error(field, f"No figures can be taken from it: {error}")
        else:
            if action != "use":
                use_form = UseFiguresForm(
                    None,
                    model_data=found.version.data,
                    initial={"comparison": json.dumps(data), "approach": approach},
                )
    return render_page(
        request,
        "benefits/results/comparison.html",
        {
            "shown": found,
            "run_form": run_form,
            "upload_form": upload_form,
            "use_form": use_form,
            "figures": figures,
            "comparison": data,
            "version_query": f"?version={found.version.number}",
        },
    )


def _posted_comparison(form: UseFiguresForm) -> tuple[dict[str, Any] | None, str]:
    try:
        data = json.loads(form.data.get("comparison", ""))
    except json.JSONDecodeError:
        return None, ""
    return (data if isinstance(data, dict) else None), str(form.data.get("approach", ""))


def _use(request: HttpRequest, found: Shown, form: UseFiguresForm) -> HttpResponse:
    data, approach = _posted_comparison(form)
    try:
        figures = from_comparison(data or {}, approach=approach)
    except FiguresError as error:
        messages.error(request, f"The figures cannot be used: {error}")
        return redirect(reverse("benefits:comparison", args=[found.benefits_model.pk]))
    try:
        saved = use_comparison_figures(
            version=found.version,
            figures=figures,
            benefit=form.cleaned_data["benefit"],
            by=acting_user(request),
        )
    except ModelError as error:
        messages.error(request, f"The figures would make the model unusable: {error}")
        return redirect(reverse("benefits:comparison", args=[found.benefits_model.pk]))
    messages.success(
        request,
        f"Version {saved.number} saved with the hours a month and share saved from the "
        "Demonstrator comparison",
    )
    address = reverse("benefits:results", args=[found.benefits_model.pk])
    return redirect(f"{address}?version={saved.number}")


@dataclass(frozen=True)
class Realised:
    form: RealisationForm
    rows: list[QuarterRow] | None


def realised(request: HttpRequest, found: Shown) -> Realised:
    """The realisation form from the query (or a POST's form), and its rows when valid."""
    data = found.version.data
    given = request.POST if request.method == "POST" else request.GET
    asked = given if "measure" in given else None
    form = RealisationForm(asked, model_data=data, plan=planned_usage(data))
    if not form.is_valid():
        return Realised(form, None)
    try:
        _, rows = realisation(
            data,
            found.version.model,
            started=form.cleaned_data["started"],
            today=timezone.localdate(),
            measure=form.cleaned_data["measure"],
            plan=form.plan,
        )
    except FiguresError as error:
        form.add_error(None, f"The live system's use cannot be counted: {error}")
        return Realised(form, None)
    return Realised(form, rows)


@requires("model_benefits")
@require_http_methods(["GET", "POST"])
def realisation_page(request: HttpRequest, model_id: int) -> HttpResponse:
    """Plan against actual, quarter by quarter (by GET: it changes nothing); a POST takes
    the period's counts into the usage sharing rule as a new version."""
    found = shown(request, model_id)
    done = realised(request, found)
    if request.method == "POST" and done.rows is not None:
        return _use_usage(request, found, done)
    return render_page(
        request,
        "benefits/results/realisation.html",
        {
            "shown": found,
            "form": done.form,
            "rows": done.rows,
            "query": request.GET.urlencode(),
            "measure_labels": MEASURE_LABELS,
            "live_source": LIVE_SOURCE,
            "usage_paths": usage_rule_paths(found.version.data),
            "version_query": f"?version={found.version.number}",
        },
    )


def _use_usage(request: HttpRequest, found: Shown, done: Realised) -> HttpResponse:
    rows = done.rows or []
    measure = done.form.cleaned_data["measure"]
    counts = {pid: sum(row.actual[pid] for row in rows) for pid in done.form.partner_ids}
    started = done.form.cleaned_data["started"]
    last = rows[-1].label if rows else ""
    said = (
        f"{LIVE_SOURCE}: {MEASURE_LABELS[measure].lower()} from "
        f"{started:%-d %B %Y}, quarters to {last}"
    )
    try:
        saved = use_live_usage(
            version=found.version, counts=counts, said=said, by=acting_user(request)
        )
    except ModelError as error:
        messages.error(request, f"The counts cannot be used: {error}")
        return redirect(request.get_full_path())
    messages.success(
        request,
        f"Version {saved.number} saved with each partner's {MEASURE_LABELS[measure].lower()} "
        "as its usage",
    )
    address = reverse("benefits:results", args=[found.benefits_model.pk])
    return redirect(f"{address}?version={saved.number}")
