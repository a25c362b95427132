"""A round's results, workshop, comparison, charts, CSV and PDF report.

Those who may see a round (``queries.may_see``) read all of these; only those who run
rounds (``queries.may_run``) record the workshop's agreements. Anyone else is told the
round does not exist.
"""

from __future__ import annotations

from collections import defaultdict

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from fame.accounts.models import User
from fame.web.pages import posted, render_page

from ..downloads import csv_download, spreadsheet_text
from ..framework import framework
from ..models import Answer
from ..queries import may_run, seen_round
from .actions import record_agreement
from .drawn import CHARTS, chart_svg
from .forms import AgreementForm
from .report import report_pdf as make_report_pdf
from .summary import RoundSummary, partner_comparison, trend

CSV_HEADER = (
    "statement_id",
    "block",
    "dimension",
    "criterion",
    "statement",
    "median",
    "spread",
    "scored",
    "dont_know",
    "agreed_score",
    "agreed_reason",
)


@require_GET
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    return render_page(
        request,
        "readiness/results/results.html",
        {
            "round": round_,
            "summary": RoundSummary(round_),
            "fw": framework(),
            "may_run": may_run(request.user),
        },
    )


@require_GET
def results_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    rows = []
    for line in RoundSummary(round_).lines:
        result, agreement = line.result, line.agreement
        rows.append(
            [
                spreadsheet_text(line.statement.id),
                line.statement.block,
                line.statement.dimension,
                line.statement.criterion,
                spreadsheet_text(line.statement.text),
                _number(result.median),
                "" if result.spread is None else result.spread,
                len(result.scores),
                result.dont_know,
                "" if agreement is None else agreement.score,
                "" if agreement is None else spreadsheet_text(agreement.reason),
            ]
        )
    return csv_download(f"readiness-round-{round_.pk}.csv", CSV_HEADER, rows)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# An SVG shown as an image keeps its own styles (matplotlib writes them inline): its
# policy allows inline styles; everything else stays as strict as every page's.
@csp_replace({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type] # (typed for views of the request alone)
@require_GET
def chart(request: HttpRequest, round_id: int, name: str) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    if name not in CHARTS:
        raise Http404("No such chart.")
    response = HttpResponse(chart_svg(round_, name), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def workshop(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    summary = RoundSummary(round_)
    ids = [line.statement.id for line in summary.flagged]
    answers: dict[str, list[Answer]] = defaultdict(list)
    for answer in (
        Answer.objects.filter(respondent__round=round_, statement_id__in=ids)
        .select_related("respondent__user", "respondent__partner")
        .prefetch_related("documents")
        .order_by("respondent__partner__name", "id")
    ):
        answers[answer.statement_id].append(answer)
    return render_page(
        request,
        "readiness/results/workshop.html",
        {
            "round": round_,
            "summary": summary,
            "answers": answers,
            "fw": framework(),
            "may_run": may_run(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def agree(request: HttpRequest, round_id: int, statement_id: str) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    try:
        statement = round_.bank.statement(statement_id)
    except KeyError:
        raise Http404("No such statement in this round.") from None
    if not may_run(request.user) or not isinstance(request.user, User):
        raise PermissionDenied("Only those who run the round record what the workshop agreed.")
    summary = RoundSummary(round_)
    line = next(line for line in summary.lines if line.statement.id == statement_id)
    initial = (
        {"score": line.agreement.score, "reason": line.agreement.reason} if line.agreement else {}
    )
    form = AgreementForm(posted(request), initial=initial)
    if form.is_valid():
        record_agreement(
            round_=round_,
            statement_id=statement_id,
            score=form.cleaned_data["score"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(
            request, f"Agreed score recorded for {statement_id}: {form.cleaned_data['score']}"
        )
        return redirect(reverse("readiness:workshop", args=[round_.pk]) + f"#{statement_id}")
    return render_page(
        request,
        "readiness/results/agree.html",
        {"round": round_, "statement": statement, "line": line, "form": form, "fw": framework()},
    )


@require_GET
def compare(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    return render_page(
        request,
        "readiness/results/compare.html",
        {
            "round": round_,
            "trend": trend(round_),
            "partners": partner_comparison(round_),
            "fw": framework(),
        },
    )


@require_GET
def report_pdf(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    response = HttpResponse(make_report_pdf(round_), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="readiness-round-{round_.pk}.pdf"'
    return response
