"""The business case's pages: its sections, each section's text, the readiness round it
draws in, and the document as a page and as a PDF. Only those who may build benefits
models (``model_benefits``) see or change them; anyone else is refused (403)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from fame.accounts.decorators import requires
from fame.accounts.models import User
from fame.readiness.models import Round
from fame.readiness.queries import Someone, rounds_for
from fame.web.pages import posted, render_page

from ..models import BenefitsModel, BusinessCase
from ..money import pounds as money
from ..results.shown import shown
from .actions import choose_round, save_section
from .document import CaseDocument, number, ratio
from .document import case_document as make_document
from .forms import RoundForm, SectionForm
from .pdf import case_pdf as make_case_pdf
from .sections import GUIDANCE, MAX_LENGTH, Section, chosen_round_id, section_states


def _case(benefits_model: BenefitsModel) -> BusinessCase | None:
    return BusinessCase.objects.filter(benefits_model=benefits_model).first()


def _round(user: Someone, case: BusinessCase | None) -> Round | None:
    """The chosen round, if the person may still see it."""
    round_id = chosen_round_id(case)
    if round_id is None:
        return None
    return rounds_for(user).filter(pk=round_id).first()


def _document(request: HttpRequest, model_id: int) -> CaseDocument:
    asked = shown(request, model_id)
    return make_document(
        asked.benefits_model, asked.version, _round(request.user, _case(asked.benefits_model))
    )


@requires("model_benefits")
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, model_id: int) -> HttpResponse:
    benefits_model = get_object_or_404(BenefitsModel, pk=model_id)
    business_case = _case(benefits_model)
    rounds = rounds_for(request.user)
    chosen = _round(request.user, business_case)
    form = RoundForm(posted(request), rounds=rounds, initial={"round": chosen.pk if chosen else ""})
    if form.is_valid() and isinstance(request.user, User):
        round_id = form.cleaned_data["round"]
        choose_round(benefits_model=benefits_model, round_id=round_id, by=request.user)
        messages.success(
            request,
            "The business case now draws in no readiness round."
            if round_id is None
            else "The business case now draws in the readiness round you chose.",
        )
        return redirect("benefits:case", benefits_model.pk)
    return render_page(
        request,
        "benefits/case/case.html",
        {
            "benefits_model": benefits_model,
            "version": benefits_model.current(),
            "sections": section_states(business_case),
            "chosen": chosen,
            "form": form,
        },
    )


@requires("model_benefits")
@require_http_methods(["GET", "POST"])
def case_section(request: HttpRequest, model_id: int, section: str) -> HttpResponse:
    benefits_model = get_object_or_404(BenefitsModel, pk=model_id)
    if section not in Section.values:
        raise Http404("There is no such section of the business case.")
    state = next(s for s in section_states(_case(benefits_model)) if s.key == section)
    form = SectionForm(posted(request), initial={"text": state.text})
    if form.is_valid() and isinstance(request.user, User):
        save_section(
            benefits_model=benefits_model,
            section=section,
            text=form.cleaned_data["text"],
            by=request.user,
        )
        messages.success(request, f"{state.name} saved.")
        return redirect("benefits:case", benefits_model.pk)
    return render_page(
        request,
        "benefits/case/section.html",
        {
            "benefits_model": benefits_model,
            "section": state,
            "guidance": GUIDANCE[section],
            "max_length": MAX_LENGTH,
            "form": form,
        },
    )


@requires("model_benefits")
@require_GET
def case_document(request: HttpRequest, model_id: int) -> HttpResponse:
    document = _document(request, model_id)
    return render_page(
        request,
        "benefits/case/document.html",
        {
            "doc": document,
            "money": money,
            "ratio": ratio,
            "number": number,
            "charts": _chart_urls(model_id, document.version.number),
        },
    )


def _chart_urls(model_id: int, version: int) -> dict[str, str]:
    """The page's charts are served by the results' chart address, for this version."""
    return {
        name: reverse("benefits:chart", args=[model_id, name]) + f"?version={version}"
        for name in ("by-year", "cumulative", "tornado", "partners")
    }


@requires("model_benefits")
@require_GET
def case_pdf(request: HttpRequest, model_id: int) -> HttpResponse:
    document = _document(request, model_id)
    response = HttpResponse(make_case_pdf(document), content_type="application/pdf")
    filename = f"business-case-{model_id}-v{document.version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
