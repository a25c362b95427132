"""A practitioner's caseload: the children they are recorded as involved with, and how a
page that lists children names them. Each read is one query, however many children."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fame.accounts.models import User

from .models import Involvement, SourceRecord


@dataclass(frozen=True)
class Involved:
    """One child the practitioner is recorded as working with, now."""

    person_id: int
    service: str
    role: str
    since: date | None


def involved_children(user: User) -> list[Involved]:
    """The children ``user`` is recorded as involved with (involvements not ended), most
    recent first; archived records are left out."""
    rows = (
        Involvement.objects.filter(
            practitioner=user, ended_on__isnull=True, person__archived_on__isnull=True
        )
        .order_by("-started_on", "-pk")
        .values_list("person_id", "service", "role", "started_on")
    )
    seen: set[int] = set()
    found = []
    for person_id, service, role, since in rows:
        if person_id not in seen:
            seen.add(person_id)
            found.append(Involved(person_id, service, role, since))
    return found


@dataclass(frozen=True)
class ListedChild:
    """What a list of children shows of one, and what deciding whether it may is asked."""

    person_id: int
    child_ref: str
    """The person's uid, as the sharing rules and the audit log name a child."""
    name: str
    date_of_birth: date | None
    holder: str
    """The agency whose record the list reads: the viewer's own when it holds one (rule 2)."""
    shielded: bool


def listed_children(person_ids: Iterable[int], *, viewer_agency: str | None) -> list[ListedChild]:
    """Each of ``person_ids`` as the record page would read it: from the record the viewer's
    own organisation holds, or else the lowest agency's (``RecordSharing.holder``); archived
    people are left out."""
    chosen: dict[int, SourceRecord] = {}
    records = SourceRecord.objects.filter(
        person_id__in=set(person_ids), person__archived_on__isnull=True
    ).select_related("person", "organisation")
    for record in records:
        kept = chosen.get(record.person_id)
        if kept is None or _rank(record, viewer_agency) < _rank(kept, viewer_agency):
            chosen[record.person_id] = record
    return [
        ListedChild(
            person_id=person_id,
            child_ref=str(record.person.uid),
            name=" ".join(
                part
                for part in (record.data.get("given_name"), record.data.get("family_name"))
                if part
            ),
            date_of_birth=record.date_of_birth,
            holder=record.organisation.agency_id,
            shielded=record.person.shielded,
        )
        for person_id, record in chosen.items()
    ]


def _rank(record: SourceRecord, viewer_agency: str | None) -> tuple[bool, str]:
    agency = record.organisation.agency_id
    return (agency != viewer_agency, agency)
