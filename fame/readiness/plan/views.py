"""Pages of a round's plan: suggestions to accept, the partnership's actions, the
roadmap, the regional roadmaps and the plan as CSV.

Those who may see a round (``queries.may_see``) read its plan and roadmap; those who run
readiness rounds (``queries.may_run``) accept, add and change actions. Anyone else gets
404 for the round.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fame.accounts.decorators import acting_user
from fame.web.pages import posted, render_page

from ..bank import Statement
from ..downloads import csv_download, spreadsheet_text
from ..framework import TERM_NAMES, framework
from ..models import PlanAction, Round
from ..queries import may_run, round_results, seen_round
from . import actions, queries
from .forms import AddActionForm, EditActionForm
from .roadmap import block_order
from .suggest import suggest


def _planner(request: HttpRequest, round_id: int) -> Round:
    round_ = seen_round(request.user, round_id)
    if not may_run(request.user):
        raise PermissionDenied("Only those who run readiness rounds change the plan")
    return round_


def _statement(round_: Round, statement_id: str) -> Statement | None:
    """The statement an action came from, as the round's bank words it."""
    try:
        return round_.bank.statement(statement_id) if statement_id else None
    except KeyError:
        return None


def _names() -> dict[str, Any]:
    fw = framework()
    return {
        "block_names": {b.key: b.name for b in fw.blocks},
        "dimension_names": {d.key: d.name for d in fw.dimensions},
        "term_names": TERM_NAMES,
        "block_order": block_order(fw),
        "nav_active": "readiness",
    }


def _plan_page(
    request: HttpRequest, round_: Round, problem: str = "", *, status: int = 200
) -> HttpResponse:
    suggestions = suggest(round_results(round_), actions.accepted_kinds(round_))
    return render_page(
        request,
        "readiness/plan/plan.html",
        {
            "round": round_,
            "suggestions": suggestions,
            "actions": list(queries.plan_actions(round_)),
            "may_run": may_run(request.user),
            "problem": problem,
            "has_errors": bool(problem),
            **_names(),
        },
        status=status,
    )


@require_GET
def plan(request: HttpRequest, round_id: int) -> HttpResponse:
    return _plan_page(request, seen_round(request.user, round_id))


@require_POST
def accept_action(request: HttpRequest, round_id: int, statement_id: str) -> HttpResponse:
    round_ = _planner(request, round_id)
    try:
        made = actions.accept_suggestion(
            round_=round_,
            statement_id=statement_id,
            kind=request.POST.get("kind", ""),
            by=acting_user(request),
        )
    except actions.PlanError as error:
        return _plan_page(request, round_, str(error), status=409)
    messages.success(request, f"Added to the plan: {made.text}")
    return redirect("readiness:plan", round_id=round_.pk)


@require_http_methods(["GET", "POST"])
def add_action(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _planner(request, round_id)
    form = AddActionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_action(
                round_=round_,
                block=form.cleaned_data["block"],
                dimension=form.cleaned_data["dimension"],
                details=form.details(),
                by=acting_user(request),
            )
        except actions.PlanError as error:
            form.add_error("due_on", str(error))
        else:
            messages.success(request, "The action is added to the plan.")
            return redirect("readiness:plan", round_id=round_.pk)
    return render_page(
        request,
        "readiness/plan/add.html",
        {"round": round_, "form": form, **_names()},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def edit_action(request: HttpRequest, round_id: int, action_id: int) -> HttpResponse:
    round_ = _planner(request, round_id)
    action = get_object_or_404(PlanAction, pk=action_id, round=round_)
    form = EditActionForm(posted(request), action=action)
    changed_meanwhile = False
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_action(
                action=action,
                details=form.details(),
                status=form.cleaned_data["status"],
                seen=form.cleaned_data["seen"],
                by=acting_user(request),
            )
        except actions.PlanError as error:
            form.add_error(None, str(error))
            changed_meanwhile = True
        else:
            messages.success(request, "The action is saved.")
            return redirect("readiness:plan", round_id=round_.pk)
    if changed_meanwhile:
        # What the user typed stays; the next save is checked against what is there now.
        data = request.POST.copy()
        data["seen"] = action.updated_at.isoformat()
        form.data = data
    return render_page(
        request,
        "readiness/plan/edit.html",
        {
            "round": round_,
            "action": action,
            "statement": _statement(round_, action.statement_id),
            "form": form,
            **_names(),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def roadmap(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    return render_page(
        request,
        "readiness/plan/roadmap.html",
        {"round": round_, "roadmap": queries.round_roadmap(round_), **_names()},
    )


@require_GET
def roadmaps(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "readiness/plan/roadmaps.html",
        {"contexts": queries.contexts(request.user), **_names()},
    )


CSV_HEADER = (
    "block",
    "dimension",
    "statement",
    "action",
    "term",
    "owner",
    "due_on",
    "status",
    "done_on",
    "accepted_at",
)


@require_GET
def plan_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    rows = [
        [
            action.block,
            action.dimension,
            action.statement_id,
            spreadsheet_text(action.text),
            action.term,
            spreadsheet_text(action.owner),
            action.due_on.isoformat() if action.due_on else "",
            action.status,
            action.done_on.isoformat() if action.done_on else "",
            action.accepted_at.date().isoformat(),
        ]
        for action in queries.plan_actions(round_)
    ]
    return csv_download(f"readiness-plan-{round_.pk}.csv", CSV_HEADER, rows)
