"""The pages that build a benefits model: the list, a new model, each section of the
working draft, check your answers, the versions and their downloads, and importing.

Thin: only people who may model benefits reach them (403 otherwise); each view reads the
person's draft, validates one form, keeps what it gives, and renders.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fame.accounts.decorators import acting_user, requires
from fame.web.pages import posted, render_page

from ..defaults import Default, load_defaults
from ..figures import LIVE_SOURCE, FiguresError, live_usage
from ..model import MAX_YEARS
from ..models import BenefitsModel, Draft, ModelVersion
from . import drafts
from .exchange import ImportRefused, import_model_file, model_json
from .forms import (
    BenefitForm,
    CostForm,
    ImportForm,
    NewModelForm,
    PartnerForm,
    SaveVersionForm,
    SettingsForm,
)
from .shown import ROWS, money, settings_rows, sharing_text
from .workbook import model_workbook

PERMISSION = "model_benefits"
ITEMS = {"partners": "partner", "costs": "cost", "benefits": "benefit"}
# Which default stands beside each field, by the field's name.
FIELD_DEFAULTS = {
    "discount_rate": "discount_rate",
    "costs_bias": "optimism_bias_costs",
    "benefits_bias": "optimism_bias_benefits",
    "hours_per_month": "finding_hours_per_month",
    "share_saved": "share_of_finding_time_saved",
    "hourly_cost": "hourly_cost.practitioner",
    "cost_per_case": "cost_avoided_per_case",
    "ramp": "time_benefit_ramp",
}


def _sources() -> dict[str, Default]:
    defaults = load_defaults()
    return {field: defaults[key] for field, key in FIELD_DEFAULTS.items()}


def _hourly_costs() -> list[Default]:
    return [d for key, d in load_defaults().items() if key.startswith("hourly_cost.")]


def _model(model_id: int) -> BenefitsModel:
    return get_object_or_404(BenefitsModel, pk=model_id)


def _page(request: HttpRequest, template: str, context: dict[str, Any], **kw: Any) -> HttpResponse:
    context.setdefault("money", money)
    context.setdefault("sharing_text", sharing_text)
    return render_page(request, f"benefits/pages/{template}", context, **kw)


@requires(PERMISSION)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    rows = [{"model": m, "current": m.current()} for m in BenefitsModel.objects.all()]
    return _page(request, "home.html", {"rows": rows})


@requires(PERMISSION)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    form = NewModelForm(posted(request), initial={"years": 5})
    if request.method == "POST" and form.is_valid():
        model, _ = drafts.start_model(
            by=acting_user(request),
            name=form.cleaned_data["name"].strip(),
            partnership=form.cleaned_data["partnership"].strip(),
            years=form.cleaned_data["years"],
        )
        messages.success(request, f"{model.name} is started. Add its partners.")
        return redirect("benefits:section", model_id=model.pk, section="partners")
    return _page(request, "new.html", {"form": form})


@requires(PERMISSION)
@require_GET
def model_page(request: HttpRequest, model_id: int) -> HttpResponse:
    model = _model(model_id)
    draft = Draft.objects.filter(benefits_model=model, user=acting_user(request)).first()
    return _page(
        request,
        "model.html",
        {
            "model": model,
            "current": model.current(),
            "draft": draft,
            "sections": drafts.SECTIONS,
            "problems": drafts.problems_of(draft.data) if draft else [],
        },
    )


@requires(PERMISSION)
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, model_id: int, section: str) -> HttpResponse:
    model = _model(model_id)
    if section not in drafts.SECTIONS:
        raise Http404("No such section")
    draft = drafts.draft_for(model, acting_user(request))
    data = draft.data
    context: dict[str, Any] = {"model": model, "data": data, "section": section}
    if section == "settings":
        form = SettingsForm(posted(request), initial=SettingsForm.initial_from(data))
        if request.method == "POST" and form.is_valid():
            changed = drafts.with_years(data, form.cleaned_data["years"])
            drafts.keep(draft, form.applied(changed))
            messages.success(request, "Settings kept in your draft.")
            return redirect("benefits:section", model_id=model.pk, section="partners")
        context |= {"form": form, "sources": _sources()}
        return _page(request, "settings.html", context)
    if request.method == "POST":
        raise Http404("Add, change or remove one item at a time")
    context |= {
        "items": data.get(section) or [],
        "item_name": ITEMS[section],
        "rows_of": ROWS[section],
    }
    return _page(request, f"{section}.html", context)


def _form_for(
    section: str, data: dict[str, Any], index: int | None, posted_data: Any
) -> PartnerForm | CostForm | BenefitForm:
    items = data.get(section) or []
    item = items[index] if index is not None else None
    partners = [p for p in data.get("partners") or [] if isinstance(p, dict)]
    years = _years(data) or 5
    if section == "partners":
        taken = [str(p.get("id")) for i, p in enumerate(partners) if i != index]
        initial = PartnerForm.initial_from(item) if item else {}
        return PartnerForm(posted_data, initial=initial, taken=taken)
    if section == "costs":
        initial = (
            CostForm.initial_from(item)
            if item
            else {"kind": "running", "from_year": 1, "to_year": years}
        )
        return CostForm(posted_data, initial=initial, partners=partners, years=years)
    if item:
        initial = BenefitForm.initial_from(item)
    else:
        initial = {f"ramp_{t}": 1 for t in range(1, years + 1)}
    return BenefitForm(posted_data, initial=initial, partners=partners, years=years)


# The keys each page sets; any other key an item has (a partner's ``organisations``, say,
# from an imported model) is kept when the item is changed.
FORM_KEYS = {
    "partners": {"id", "name", "population", "practitioners"},
    "costs": {"name", "kind", "amount", "year", "from_year", "to_year", "shared"},
    "benefits": {"name", "kind", "cashable", "ramp", "shared", "amount"}
    | {"hours_per_month", "share_saved", "hourly_cost"}
    | {"cases_per_year", "share_averted", "cost_per_case"},
}


def _kept_keys(section: str, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {}
    return {k: v for k, v in item.items() if k not in FORM_KEYS[section]}


LIVE_MEASURES = {
    "searches": "searches",
    "cafs_started": "CAFs started",
    "detail_requests": "requests for details",
}
LIVE_DAYS = 365


def _with_live_usage(
    request: HttpRequest, data: dict[str, Any], measure: str
) -> tuple[dict[str, Any], str]:
    """What was typed, with the sharing rule set to usage and each partner's usage the live
    system's count of ``measure`` over the last year (the audit log's counts)."""
    typed: dict[str, Any] = {k: request.POST.get(k) for k in request.POST if k != "live_usage"}
    if measure not in LIVE_MEASURES:
        raise Http404("No such measure")
    until = timezone.localdate()
    since = until - timedelta(days=LIVE_DAYS - 1)
    try:
        usage = live_usage(data.get("partners") or [], since, until).usage(measure)
    except FiguresError as error:
        return typed, f"The live system's counts could not be used: {error}"
    typed["rule"] = "usage"
    for pid, counted in usage.items():
        typed[f"usage_{pid}"] = counted
    messages.success(
        request,
        f"Usage filled in with each partner's {LIVE_MEASURES[measure]} from {since:%-d %B %Y} "
        f"to {until:%-d %B %Y}, from {LIVE_SOURCE}. Check them and keep them in your draft.",
    )
    return typed, ""


def _years(data: dict[str, Any]) -> int:
    years = data.get("years")
    return years if isinstance(years, int) and 1 <= years <= MAX_YEARS else 0


def _index(items: list[Any], index: str) -> int | None:
    """The place of an item in its list; None for "new"; 404 for any other."""
    if index == "new":
        return None
    if not index.isdigit() or int(index) >= len(items):
        raise Http404("No such item")
    return int(index)


@requires(PERMISSION)
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, model_id: int, section: str, index: str) -> HttpResponse:
    model = _model(model_id)
    if section not in ITEMS:
        raise Http404("No such section")
    draft = drafts.draft_for(model, acting_user(request))
    data = copy.deepcopy(draft.data)
    items = data.setdefault(section, [])
    at = _index(items, index)
    live = request.POST.get("live_usage") if section != "partners" else None
    live_problem = ""
    if live is not None:
        filled, live_problem = _with_live_usage(request, data, live)
        form = _form_for(section, data, at, None)
        form.initial = filled
    else:
        form = _form_for(section, data, at, posted(request))
    if live is None and request.method == "POST" and form.is_valid():
        if isinstance(form, PartnerForm):
            made = form.as_partner()
        elif isinstance(form, CostForm):
            made = form.as_cost()
        else:
            made = form.as_benefit()
        if at is None:
            items.append(made)
        else:
            items[at] = made | _kept_keys(section, items[at])
        drafts.keep(draft, data)
        messages.success(request, f"{made.get('name') or made.get('id')} is kept in your draft.")
        return redirect("benefits:section", model_id=model.pk, section=section)
    context = {
        "model": model,
        "form": form,
        "section": section,
        "index": index,
        "adding": at is None,
        "partners": data.get("partners") or [],
        "sources": _sources(),
        "hourly_costs": _hourly_costs(),
        "live_measures": LIVE_MEASURES,
        "live_problem": live_problem,
        "years": range(1, _years(data) + 1),
    }
    return _page(request, f"{ITEMS[section]}.html", context)


@requires(PERMISSION)
@require_POST
def remove(request: HttpRequest, model_id: int, section: str, index: str) -> HttpResponse:
    model = _model(model_id)
    if section not in ITEMS:
        raise Http404("No such section")
    draft = drafts.draft_for(model, acting_user(request))
    data = copy.deepcopy(draft.data)
    items = data.get(section) or []
    at = _index(items, index)
    if at is None:
        raise Http404("No such item")
    gone = items.pop(at)
    data[section] = items
    drafts.keep(draft, data)
    what = gone.get("name") or gone.get("id") if isinstance(gone, dict) else "The item"
    messages.success(request, f"{what} is removed from your draft.")
    return redirect("benefits:section", model_id=model.pk, section=section)


@requires(PERMISSION)
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, model_id: int) -> HttpResponse:
    model = _model(model_id)
    user = acting_user(request)
    draft = drafts.draft_for(model, user)
    form = SaveVersionForm(posted(request))
    problems = drafts.problems_of(draft.data)
    if request.method == "POST" and form.is_valid():
        saved = drafts.save_as_version(draft, by=user, note=form.cleaned_data["note"].strip())
        if isinstance(saved, ModelVersion):
            messages.success(request, f"Version {saved.number} of {model.name} is saved.")
            return redirect("benefits:versions", model_id=model.pk)
        problems = saved
    return _page(
        request,
        "check.html",
        {
            "model": model,
            "data": draft.data,
            "settings_rows": settings_rows(draft.data),
            "lists": [(key, drafts.SECTIONS[key], rows) for key, rows in ROWS.items()],
            "form": form,
            "problems": problems,
            "refused": bool(problems) and request.method == "POST" and not form.errors,
            "has_errors": bool(form.errors) or (bool(problems) and request.method == "POST"),
        },
    )


@requires(PERMISSION)
@require_GET
def versions(request: HttpRequest, model_id: int) -> HttpResponse:
    model = _model(model_id)
    kept = model.versions.select_related("saved_by").order_by("-number")
    return _page(request, "versions.html", {"model": model, "versions": kept})


def _version(model_id: int, number: int) -> ModelVersion:
    return get_object_or_404(ModelVersion, benefits_model_id=model_id, number=number)


@requires(PERMISSION)
@require_GET
def version_json(request: HttpRequest, model_id: int, number: int) -> HttpResponse:
    version = _version(model_id, number)
    response = HttpResponse(model_json(version.data), content_type="application/json")
    name = f"benefits-model-{model_id}-v{number}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(PERMISSION)
@require_GET
def version_xlsx(request: HttpRequest, model_id: int, number: int) -> HttpResponse:
    version = _version(model_id, number)
    response = HttpResponse(
        model_workbook(version.data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"benefits-model-{model_id}-v{number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(PERMISSION)
@require_http_methods(["GET", "POST"])
def import_model(request: HttpRequest) -> HttpResponse:
    form = ImportForm(posted(request), request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            version = import_model_file(
                form.cleaned_data["file"],
                by=acting_user(request),
                into=form.cleaned_data.get("into"),
                name=form.cleaned_data.get("name", ""),
                partnership=form.cleaned_data.get("partnership", ""),
                note=form.cleaned_data.get("note", ""),
            )
        except ImportRefused as refused:
            problems = refused.problems
        else:
            model = version.benefits_model
            messages.success(request, f"Version {version.number} of {model.name} is imported.")
            return redirect("benefits:versions", model_id=model.pk)
    return _page(
        request,
        "import.html",
        {"form": form, "problems": problems, "has_errors": bool(form.errors or problems)},
    )
