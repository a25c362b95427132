"""Answering a round: saving a block's answers with their evidence, and submitting them.

Rules a respondent meets here:
- answers are taken while the round is open and, if it has a closing date, until the end
  of that day; once the respondent has submitted, their answers are read-only;
- "don't know" is kept as such (``dont_know``, no score), never as 0;
- a score above 0 needs evidence (``forms.BlockForm`` refuses the page otherwise, and
  nothing of that page is saved);
- a statement the person left blank is not saved, so "Save and come back later" keeps
  exactly what was given.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from fame.audit.actions import record_event

from .. import facts
from ..bank import Statement
from ..models import Answer, EvidenceDocument, Respondent, Round
from .progress import progress_of
from .uploads import checked_upload

__all__ = [
    "AnswersClosed",
    "GivenAnswer",
    "accepting_answers",
    "attached_facts",
    "closed_reason",
    "live_facts_for",
    "save_block",
    "submit_answers",
]


class AnswersClosed(Exception):
    """Answers cannot be changed now; the message says why."""


@dataclass(frozen=True)
class GivenAnswer:
    """What a person gave for one statement on a block's page."""

    statement_id: str
    score: int | None
    dont_know: bool
    evidence_text: str
    evidence_link: str
    upload: UploadedFile | None
    remove: tuple[int, ...]
    attach_fact: bool

    @property
    def empty(self) -> bool:
        return not (
            self.score is not None
            or self.dont_know
            or self.evidence_text
            or self.evidence_link
            or self.upload is not None
            or self.attach_fact
        )


def accepting_answers(round_: Round, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return round_.is_open and (round_.closes_on is None or today <= round_.closes_on)


def closed_reason(respondent: Respondent) -> str:
    """Why ``respondent`` cannot change their answers, or "" if they can."""
    round_ = respondent.round
    if not round_.is_open:
        return "This round is closed: answers can no longer be given or changed."
    if not accepting_answers(round_):
        return "This round closed for answers at the end of its closing date."
    if respondent.submitted_at is not None:
        return (
            "You submitted your answers, so they can no longer be changed. "
            "They are kept as you submitted them."
        )
    return ""


def live_facts_for(statements: Sequence[Statement]) -> dict[str, list[facts.Fact]]:
    """The facts the running system tells today, for each statement that names some."""
    return {s.id: list(facts.live_facts(s.facts)) for s in statements if s.facts}


def attached_facts(found: Sequence[facts.Fact]) -> dict[str, str]:
    """One fact as ``Fact.attached()``; several as one record: their keys and sentences
    joined, dated when the oldest was true."""
    if not found:
        return {}
    if len(found) == 1:
        return found[0].attached()
    return {
        "key": ",".join(f.key for f in found),
        "text": " ".join(f.text for f in found),
        "as_of": min(f.as_of for f in found).isoformat(),
    }


def _keep_document(answer: Answer, upload: UploadedFile) -> EvidenceDocument:
    name, kind = checked_upload(upload)
    document = EvidenceDocument(
        answer=answer, name=name, content_type=kind.content_type, size=upload.size or 0
    )
    extension = name.rsplit(".", 1)[-1].lower()
    document.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    document.save()
    return document


def _remove_documents(answer: Answer, ids: tuple[int, ...]) -> None:
    for document in answer.documents.filter(pk__in=ids):
        document.delete()
        transaction.on_commit(partial(document.file.delete, save=False))


def save_block(
    *,
    respondent: Respondent,
    given: Sequence[GivenAnswer],
    live: dict[str, list[facts.Fact]],
) -> int:
    """Save what was given for a block's statements; the number of statements saved."""
    reason = closed_reason(respondent)
    if reason:
        raise AnswersClosed(reason)
    saved = 0
    with transaction.atomic():
        for g in given:
            answer = Answer.objects.filter(
                respondent=respondent, statement_id=g.statement_id
            ).first()
            if answer is None and g.empty:
                continue
            if answer is None:
                answer = Answer(respondent=respondent, statement_id=g.statement_id)
            answer.score = g.score
            answer.dont_know = g.dont_know
            answer.evidence_text = g.evidence_text
            answer.evidence_link = g.evidence_link
            if not g.attach_fact:
                answer.fact = {}
            elif not answer.fact or g.statement_id in live:
                answer.fact = attached_facts(live.get(g.statement_id, [])) or answer.fact
            answer.save()
            _remove_documents(answer, g.remove)
            if g.upload is not None:
                _keep_document(answer, g.upload)
            if g.empty and not answer.documents.exists():
                answer.delete()  # everything given was cleared: the statement is untouched
                continue
            saved += 1
    return saved


def submit_answers(*, respondent: Respondent) -> None:
    """Submit every answer: all statements must be answered (a score or "don't know")."""
    reason = closed_reason(respondent)
    if reason:
        raise AnswersClosed(reason)
    progress = progress_of(respondent)
    if not progress.complete:
        raise AnswersClosed(
            f"Answer every statement before you submit: {progress.answered} of "
            f"{progress.total} are answered."
        )
    with transaction.atomic():
        respondent.submitted_at = timezone.now()
        respondent.save(update_fields=["submitted_at"])
        record_event(
            "readiness.answers_submitted",
            actor=respondent.user,
            target=f"readiness-round:{respondent.round_id}",
            details={"partner": respondent.partner.name, "answered": progress.answered},
        )
