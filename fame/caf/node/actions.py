"""Writes to a node's CAFs: start, save a section, complete or review. Each audited at the node.

The caller (the node's API) has checked who is asking; these functions record.
Every write adds rows: a section save adds a draft, completing adds version 1,
a review adds version N+1. Starting and completing send the co-ordinator's
facts to the hub; completing also tells the index, through the node's
outbox, that a CAF exists (``fame.node.actions.set_caf``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from fame.audit import record_event
from fame.caf import structure
from fame.caf.models.node import (
    Assessment,
    AssessmentStatus,
    AssessmentVersion,
    SectionDraft,
    VersionReason,
)
from fame.node.actions import queue_caf_facts, set_caf

from . import queries


@dataclass(frozen=True)
class Actor:
    """The practitioner behind a request, as the hub's user assertion names them."""

    username: str
    name: str
    organisation: str


class NotReady(ValueError):
    """The assessment cannot be completed yet: these sections are not complete."""

    def __init__(self, sections: list[str]) -> None:
        super().__init__(f"not complete: {', '.join(sections)}")
        self.sections = sections


def record_caf_event(action: str, assessment: Assessment, by: Actor, **details: Any) -> None:
    """Audit, at the node, one write to ``assessment``: the record, who, from which agency."""
    record_event(
        action,
        organisation=assessment.agency_id,
        target=f"caf:{assessment.uid.hex}",
        details={
            "record": f"{assessment.agency_id}:{assessment.local_id}",
            "by": by.username,
            "by_organisation": by.organisation,
            **details,
        },
    )


def start_assessment(
    *, agency_id: str, local_id: str, checklist: dict[str, Any], by: Actor
) -> Assessment:
    """A new draft CAF with its pre-assessment checklist; the open one if the child has one."""
    content = structure.check_content("checklist", checklist)
    with transaction.atomic():
        existing = queries.open_assessment(agency_id, local_id)
        if existing is not None:
            return existing
        assessment = Assessment.objects.create(
            agency_id=agency_id,
            local_id=local_id,
            assessor=by.username,
            assessor_name=by.name,
            assessor_organisation=by.organisation,
        )
        SectionDraft.objects.create(
            assessment=assessment,
            number=1,
            section="checklist",
            content=content,
            complete=structure.is_complete("checklist", content),
            saved_by=by.username,
        )
        record_caf_event("node.caf_started", assessment, by)
        # The hub counts CAFs started, drafts included (management information).
        queue_caf_facts(
            agency_id=agency_id,
            local_id=local_id,
            facts=queries.coordination_facts(assessment),
        )
    return assessment


def save_section(
    *, assessment: Assessment, section: str, content: dict[str, Any], complete: bool, by: Actor
) -> SectionDraft:
    """Keep one save of one section (a new draft row); ``complete`` only if its answers are."""
    checked = structure.check_content(section, content)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status == AssessmentStatus.CLOSED:
            raise ValueError("A closed assessment cannot change.")
        draft = SectionDraft.objects.create(
            assessment=locked,
            number=queries.working_number(locked),
            section=section,
            content=checked,
            complete=complete and structure.is_complete(section, checked),
            saved_by=by.username,
        )
        record_caf_event(
            "node.caf_section_saved",
            locked,
            by,
            section=section,
            version=draft.number,
            complete=draft.complete,
        )
    return draft


def complete_assessment(*, assessment: Assessment, by: Actor, note: str = "") -> AssessmentVersion:
    """Make the next version from the sections as they stand: version 1, or a review's N+1.

    ``NotReady`` names the sections that are not complete; nothing is changed then.
    """
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status == AssessmentStatus.CLOSED:
            raise ValueError("A closed assessment cannot change.")
        sections = queries.working_sections(locked)
        missing = [k for k, s in sections.items() if s["state"] != queries.COMPLETED]
        if missing:
            raise NotReady(missing)
        number = queries.working_number(locked)
        version = AssessmentVersion.objects.create(
            assessment=locked,
            number=number,
            content={k: s["content"] for k, s in sections.items()},
            made_by=by.username,
            made_by_name=by.name,
            reason=VersionReason.INITIAL if number == 1 else VersionReason.REVIEW,
            note=note,
        )
        first = locked.status == AssessmentStatus.DRAFT
        if first:
            locked.status = AssessmentStatus.COMPLETED
            locked.save(update_fields=["status"])
        record_caf_event("node.caf_version_made", locked, by, version=number, reason=version.reason)
        if first:
            set_caf(
                agency_id=locked.agency_id,
                local_id=locked.local_id,
                status="exists",
                by=f"caf:{by.username}",
                lead_professional=locked.lead_professional,
            )
        queue_caf_facts(
            agency_id=locked.agency_id,
            local_id=locked.local_id,
            facts=queries.coordination_facts(locked),
        )
    return version
