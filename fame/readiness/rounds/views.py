"""Readiness rounds: the list, opening a round, inviting, answering by task list.

Thin: find the round (404 for anyone who may not see it), check who may act, call one
action from ``actions`` or ``answering``, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fame.accounts.decorators import refuse, requires
from fame.accounts.models import User
from fame.accounts.permissions import can
from fame.web.pages import posted, render_page

from ..framework import framework
from ..models import Answer, EvidenceDocument, Lead, Respondent, Round
from ..queries import may_run, rounds_for, seen_round
from . import actions
from .answering import (
    AnswersClosed,
    accepting_answers,
    closed_reason,
    live_facts_for,
    save_block,
    submit_answers,
)
from .forms import BlockForm, CloseRoundForm, InviteForm, OpenRoundForm, PartnersForm
from .progress import progress_of
from .uploads import upload_limit

ONLY_RESPONDENTS = "Only the people invited to answer this round give answers in it."


def _acting(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the sign-in middleware lets no one else here
    return request.user


def _respondent(request: HttpRequest, round_id: int) -> Respondent | HttpResponse:
    round_ = seen_round(request.user, round_id)
    respondent = round_.respondent_for(_acting(request))
    if respondent is None:
        return refuse(request, action="answer a readiness round", why=ONLY_RESPONDENTS)
    respondent.round = round_
    return respondent


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    rows = []
    for round_ in rounds_for(user):
        respondent = round_.respondent_for(user) if isinstance(user, User) else None
        rows.append(
            {
                "round": round_,
                "progress": progress_of(respondent, round_.bank) if respondent else None,
            }
        )
    may_moderate = isinstance(user, User) and can(user, "moderate_case_studies")
    return render_page(
        request,
        "readiness/home.html",
        {"rows": rows, "may_run": may_run(user), "may_moderate": may_moderate},
    )


@requires("run_readiness")
@require_http_methods(["GET", "POST"])
def open_round(request: HttpRequest) -> HttpResponse:
    form = OpenRoundForm(posted(request))
    if request.method == "POST" and form.is_valid():
        round_ = actions.open_round(
            by=_acting(request),
            partnership=form.cleaned_data["partnership"],
            title=form.cleaned_data["title"],
            bank=form.chosen_bank(),
            partners=form.cleaned_data["partners"],
            closes_on=form.cleaned_data["closes_on"],
        )
        messages.success(request, f"The round {round_.title} is open. Invite its respondents.")
        return redirect("readiness:round", round_id=round_.pk)
    return render_page(request, "readiness/rounds/open.html", {"form": form})


@require_GET
def round_page(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = seen_round(request.user, round_id)
    bank = round_.bank
    respondents = [
        {"respondent": r, "progress": progress_of(r, bank)}
        for r in round_.respondents.select_related("user", "partner")
    ]
    me = round_.respondent_for(_acting(request))
    return render_page(
        request,
        "readiness/rounds/round.html",
        {
            "round": round_,
            "bank": bank,
            "partners": list(round_.partners.all()),
            "respondents": respondents,
            "me": me,
            "accepting": accepting_answers(round_),
            "may_run": may_run(request.user),
        },
    )


def _runner_page(request: HttpRequest, round_id: int) -> Round | HttpResponse:
    round_ = seen_round(request.user, round_id)
    if not may_run(request.user):
        return refuse(request, action="run_readiness")
    return round_


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _runner_page(request, round_id)
    if isinstance(round_, HttpResponse):
        return round_
    if not round_.is_open:
        return redirect("readiness:round", round_id=round_.pk)
    form = InviteForm(round_, posted(request))
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["person"]
        partner = form.chosen_partner()
        actions.invite(
            by=_acting(request),
            round_=round_,
            user=user,
            partner=partner,
            lead=form.cleaned_data["lead"],
        )
        messages.success(
            request, f"{user.get_full_name() or user.username} is invited to answer for {partner}."
        )
        return redirect("readiness:round", round_id=round_.pk)
    return render_page(
        request, "readiness/rounds/invite.html", {"form": form, "round": round_, "leads": Lead}
    )


@require_http_methods(["GET", "POST"])
def partners(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _runner_page(request, round_id)
    if isinstance(round_, HttpResponse):
        return round_
    form = PartnersForm(round_, posted(request))
    if request.method == "POST" and form.is_valid():
        actions.set_comparing(
            by=_acting(request),
            round_=round_,
            partner_ids=[int(pk) for pk in form.cleaned_data["comparing"]],
        )
        messages.success(request, "Which partners agree to compare is saved.")
        return redirect("readiness:round", round_id=round_.pk)
    return render_page(request, "readiness/rounds/partners.html", {"form": form, "round": round_})


@require_http_methods(["GET", "POST"])
def close_round(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _runner_page(request, round_id)
    if isinstance(round_, HttpResponse):
        return round_
    if not round_.is_open:
        return redirect("readiness:round", round_id=round_.pk)
    form = CloseRoundForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actions.close_round(by=_acting(request), round_=round_)
        messages.success(request, f"The round {round_.title} is closed: no more answers.")
        return redirect("readiness:round", round_id=round_.pk)
    waiting = round_.respondents.filter(submitted_at__isnull=True).count()
    return render_page(
        request,
        "readiness/rounds/close.html",
        {"form": form, "round": round_, "waiting": waiting},
    )


@require_GET
def task_list(request: HttpRequest, round_id: int) -> HttpResponse:
    respondent = _respondent(request, round_id)
    if isinstance(respondent, HttpResponse):
        return respondent
    return render_page(
        request,
        "readiness/rounds/task_list.html",
        {
            "round": respondent.round,
            "respondent": respondent,
            "progress": progress_of(respondent),
            "closed": closed_reason(respondent),
        },
    )


def _answers(respondent: Respondent) -> dict[str, Answer]:
    return {a.statement_id: a for a in respondent.answers.prefetch_related("documents")}


@require_http_methods(["GET", "POST"])
def answer_block(request: HttpRequest, round_id: int, block: str) -> HttpResponse:
    respondent = _respondent(request, round_id)
    if isinstance(respondent, HttpResponse):
        return respondent
    round_ = respondent.round
    statements = round_.bank.in_block(block)
    if not statements:
        raise Http404("There is no such building block in this round.")
    closed = closed_reason(respondent)
    if closed:  # the check page says why, and shows the answers as they stand
        return redirect("readiness:check_answers", round_id=round_.pk)
    answers = _answers(respondent)
    documents = {sid: list(a.documents.all()) for sid, a in answers.items()}
    live = live_facts_for(statements)
    form = BlockForm(
        statements, answers, documents, posted(request), request.FILES if posted(request) else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            save_block(respondent=respondent, given=form.given(), live=live)
        except AnswersClosed:
            return redirect("readiness:check_answers", round_id=round_.pk)
        if request.POST.get("action") == "later":
            messages.success(
                request,
                "Your answers are saved. Come back to them at any time before you submit.",
            )
            return redirect("readiness:task_list", round_id=round_.pk)
        return _next_page(round_, block)
    fw = framework()
    groups = [
        {"dimension": d, "statements": [s for s in statements if s.dimension == d.key]}
        for d in fw.dimensions
    ]
    return render_page(
        request,
        "readiness/rounds/block.html",
        {
            "round": round_,
            "block": fw.block(block),
            "groups": [g for g in groups if g["statements"]],
            "form": form,
            "answers": answers,
            "documents": documents,
            "live": live,
            "levels": fw.levels,
            "upload_limit": upload_limit(),
        },
    )


def _next_page(round_: Round, block: str) -> HttpResponse:
    keys = [b.key for b in framework().blocks if round_.bank.in_block(b.key)]
    later = keys[keys.index(block) + 1 :]
    if later:
        return redirect("readiness:answer_block", round_id=round_.pk, block=later[0])
    return redirect("readiness:check_answers", round_id=round_.pk)


@require_GET
def check_answers(request: HttpRequest, round_id: int) -> HttpResponse:
    respondent = _respondent(request, round_id)
    if isinstance(respondent, HttpResponse):
        return respondent
    round_ = respondent.round
    answers = _answers(respondent)
    fw = framework()
    sections = [
        {"block": b, "statements": round_.bank.in_block(b.key)}
        for b in fw.blocks
        if round_.bank.in_block(b.key)
    ]
    return render_page(
        request,
        "readiness/rounds/check.html",
        {
            "round": round_,
            "respondent": respondent,
            "sections": sections,
            "answers": answers,
            "levels": fw.levels,
            "progress": progress_of(respondent),
            "closed": closed_reason(respondent),
        },
    )


@require_POST
def submit(request: HttpRequest, round_id: int) -> HttpResponse:
    respondent = _respondent(request, round_id)
    if isinstance(respondent, HttpResponse):
        return respondent
    try:
        submit_answers(respondent=respondent)
    except AnswersClosed:  # the check page says what is missing, or why it is closed
        return redirect("readiness:check_answers", round_id=round_id)
    messages.success(request, "Your answers are submitted. Thank you.")
    return redirect("readiness:round", round_id=round_id)


@require_GET
def document(request: HttpRequest, round_id: int, document_id: int) -> FileResponse:
    """An evidence document, downloaded (never shown inline) by someone who may see it."""
    round_ = seen_round(request.user, round_id)
    found = get_object_or_404(
        EvidenceDocument.objects.select_related("answer__respondent"),
        pk=document_id,
        answer__respondent__round=round_,
    )
    try:
        opened = found.file.open("rb")
    except FileNotFoundError:
        raise Http404("The document's file is missing.") from None
    response = FileResponse(
        opened, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
