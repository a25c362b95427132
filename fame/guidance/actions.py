"""Writing case studies: contributing one, and publishing or rejecting it (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fame.accounts.models import User
from fame.audit import record_event

from .models import CaseStudy, CaseStudyTag


class AlreadyModerated(Exception):
    """The case study was published or rejected already; nothing was changed."""


@dataclass(frozen=True)
class Contribution:
    """A case study as its contributor wrote it (tag keys already checked by the form)."""

    title: str
    partnership: str
    tried: str
    worked: str
    barrier: str = ""
    cost: str = ""
    contact_name: str = ""
    contact_email: str = ""
    blocks: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    barriers: tuple[str, ...] = ()


def contribute(*, contribution: Contribution, by: User) -> CaseStudy:
    """Keep ``contribution`` with its tags, waiting for a partnership officer to check it."""
    with transaction.atomic():
        case = CaseStudy.objects.create(
            title=contribution.title,
            partnership=contribution.partnership,
            tried=contribution.tried,
            worked=contribution.worked,
            barrier=contribution.barrier,
            cost=contribution.cost,
            contact_name=contribution.contact_name,
            contact_email=contribution.contact_email,
            submitted_by=by,
        )
        CaseStudyTag.objects.bulk_create(
            CaseStudyTag(case_study=case, kind=kind, key=key)
            for kind, keys in (
                (CaseStudyTag.Kind.BLOCK, contribution.blocks),
                (CaseStudyTag.Kind.DIMENSION, contribution.dimensions),
                (CaseStudyTag.Kind.BARRIER, contribution.barriers),
            )
            for key in dict.fromkeys(keys)
        )
        record_event("guidance.case_study_submitted", actor=by, target=f"case_study:{case.pk}")
    return case


def moderate(*, case_id: int, publish: bool, note: str, by: User) -> CaseStudy:
    """Publish or reject a waiting case study, with the moderator's note, and record it in
    the audit log in the same transaction. One already decided raises AlreadyModerated."""
    with transaction.atomic():
        case = CaseStudy.objects.select_for_update().get(pk=case_id)
        if not case.is_waiting:
            raise AlreadyModerated(f"case study {case_id} is {case.status} already")
        case.status = CaseStudy.Status.PUBLISHED if publish else CaseStudy.Status.REJECTED
        case.moderated_by = by
        case.moderated_at = timezone.now()
        case.moderation_note = note
        case.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note"])
        record_event(
            f"guidance.case_study_{case.status}",
            actor=by,
            target=f"case_study:{case.pk}",
            details={"note": note} if note else None,
        )
    return case
