"""Workbook pages: download a round's workbook, upload a filled-in one, results as XLSX."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from fame.accounts.models import User
from fame.web.pages import posted, render_page

from ..framework import framework
from ..queries import may_run, seen_round
from .forms import WorkbookUploadForm
from .importing import ImportRefused, import_workbook
from .results_book import results_workbook
from .template import round_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AFTER_IMPORT = "readiness:workbook_import"
"""Where a respondent lands after importing: this page, listing their saved answers."""


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def workbook_template(request: HttpRequest, round_id: int) -> HttpResponse:
    """A respondent's own workbook, with their saved answers; for those who run rounds
    and are not respondents, the round's blank workbook."""
    round_ = seen_round(request.user, round_id)
    respondent = round_.respondent_for(request.user) if isinstance(request.user, User) else None
    data = round_workbook(round_, respondent)
    who = respondent.user.get_username() if respondent is not None else "blank"
    return _download(data, f"readiness-round-{round_.pk}-{who}.xlsx")


@require_http_methods(["GET", "POST"])
def workbook_import(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    user = request.user if isinstance(request.user, User) else None
    respondent = round_.respondent_for(user) if user is not None else None
    context: dict[str, Any] = {
        "round": round_,
        "respondent": respondent,
        "may_run": may_run(request.user),
        "problems": [],
    }
    if respondent is None or respondent.submitted_at is not None or not round_.is_open:
        return render_page(request, "readiness/workbook/import.html", context)
    form = WorkbookUploadForm(posted(request), request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        try:
            imported = import_workbook(round_, upload.read(), by=user, own_only=user)
        except ImportRefused as refused:
            for problem in refused.problems:
                form.add_error("workbook", str(problem))
            context["problems"] = refused.problems
        else:
            answers = "answer" if imported.answers == 1 else "answers"
            messages.success(request, f"{imported.answers} {answers} imported from your workbook.")
            return redirect(AFTER_IMPORT, round_id=round_.pk)
    saved = {a.statement_id: a for a in respondent.answers.all()}
    statements = round_.bank.statements
    context["answers"] = [(s, saved[s.id]) for s in statements if s.id in saved]
    context["statement_count"] = len(statements)
    context["levels"] = {level.score: level.name for level in framework().levels}
    return render_page(request, "readiness/workbook/import.html", context)


@require_GET
def results_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    return _download(results_workbook(round_), f"readiness-round-{round_.pk}-results.xlsx")
