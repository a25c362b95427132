"""Writes to the Child Index. Keyword-only, ``by=`` the actor, each audited in its transaction.

``ingest_record`` is the one door for agency records, and ``ingest_batch`` the
same door for many at once (`fame index load` and node feeds come through it):
the same outcomes as ``ingest_record`` record after record, read and written in
bulk (``_batch.py``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from fame.accounts.models import Organisation, User
from fame.audit import record_event
from fame.linkage import blocking_keys
from fame.records import AgencyRecord

from . import matching
from ._batch import PRACTITIONER_ORDER, BatchIngest, PreparedRecord, prepare_record
from .models import (
    BlockingKey,
    Involvement,
    LinkDecision,
    LinkMethod,
    Person,
    ReviewItem,
    ReviewStatus,
    SourceRecord,
)
from .source import as_row, content_hash

OUTCOMES = ("unchanged", "linked", "review", "new person", "updated")


@dataclass
class IngestSummary:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    def add(self, outcome: str) -> None:
        self.counts[outcome] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _set_keys(source: SourceRecord, record: AgencyRecord) -> None:
    BlockingKey.objects.filter(record=source).delete()
    BlockingKey.objects.bulk_create(
        BlockingKey(key=key, record=source) for key in matching.stored_keys(blocking_keys(record))
    )


def _set_involvement(source: SourceRecord, record: AgencyRecord) -> None:
    Involvement.objects.update_or_create(
        source_record=source,
        defaults={
            "person": source.person,
            "organisation": source.organisation,
            "practitioner": User.objects.filter(secure_email=record.practitioner_email)
            .order_by(*PRACTITIONER_ORDER)
            .first()
            if record.practitioner_email
            else None,
            "practitioner_email": record.practitioner_email,
            "service": record.service,
            "role": record.role,
            "sensitive": record.sensitive,
            "started_on": record.started_on,
            "ended_on": record.ended_on,
        },
    )


def _move(
    source: SourceRecord,
    to: Person,
    *,
    weight: float | None,
    method: str,
    by: User | None,
    note: str = "",
) -> None:
    """Link ``source`` (saved or new) to ``to``, keeping the decision so that it can be reversed."""
    before = source.person if source.person_id else None
    source.person = to
    source.link_weight = weight
    source.link_method = method
    source.link_decided_by = by
    source.link_decided_at = timezone.now()
    source.save()
    LinkDecision.objects.create(
        record=source,
        from_person=before,
        to_person=to,
        weight=weight,
        method=method,
        decided_by=by,
        note=note,
    )
    Involvement.objects.filter(source_record=source).update(person=to)
    if before is not None and before.pk != to.pk and not before.records.exists():
        before.delete()


def _place(source: SourceRecord, record: AgencyRecord, *, by: User | None) -> str:
    """Decide the person for ``source`` by the model's thresholds; returns the outcome."""
    match = matching.best_match(record, exclude=source.pk)
    weight = match.score.match_weight if match.score else None
    if match.decision == "link" and match.candidate is not None:
        if source.person_id != match.candidate.person_id:
            _move(source, match.candidate.person, weight=weight, method=LinkMethod.AUTOMATIC, by=by)
        return "linked"
    alone = source.pk is not None and not source.person.records.exclude(pk=source.pk).exists()
    if alone:
        source.link_weight = weight
        source.save(update_fields=["link_weight"])
    else:
        _move(source, Person.objects.create(), weight=weight, method=LinkMethod.NEW, by=by)
    if match.decision == "review" and match.candidate is not None and match.score is not None:
        ReviewItem.objects.update_or_create(
            record=source,
            candidate=match.candidate,
            defaults={
                "weight": match.score.match_weight,
                "explanation": [[f.name, f.label, round(f.weight, 2)] for f in match.score.fields],
                "status": ReviewStatus.OPEN,
            },
        )
        return "review"
    return "new person"


def ingest_record(record: AgencyRecord, *, organisation: Organisation, by: User | None) -> str:
    """Store or update one agency record and link it to a person. Idempotent."""
    row = as_row(record)
    digest = content_hash(row)
    with transaction.atomic():
        _one_matcher_at_a_time()
        source = (
            SourceRecord.objects.select_for_update()
            .filter(organisation=organisation, local_id=record.local_id)
            .first()
        )
        if source is not None and source.content_hash == digest:
            return "unchanged"
        columns = matching.search_columns(record)
        if source is None:
            source = SourceRecord(organisation=organisation, local_id=record.local_id)
            outcome = None
        else:
            outcome = "updated"
        source.data = row
        source.content_hash = digest
        for name, value in columns.items():
            setattr(source, name, value)
        if source.pk is not None:
            source.save()
        if outcome is None or source.link_method in {LinkMethod.AUTOMATIC, LinkMethod.NEW}:
            # A human decision stands; the model re-decides only its own.
            placed = _place(source, record, by=by)
            outcome = outcome or placed
        _set_keys(source, record)
        _set_involvement(source, record)
    return outcome


def ingest_batch(
    records: Sequence[tuple[AgencyRecord | PreparedRecord, Organisation]],
    *,
    by: User | None,
    deadline: float | None = None,
) -> list[str]:
    """Store or update many agency records, each with its organisation, in one transaction.

    Each record's outcome, in order: exactly what ``ingest_record`` would answer
    called for each in turn (a record is a candidate for those after it), with a
    few statements for the whole batch instead of about twenty a record. Past
    ``deadline`` (``time.monotonic()``) it stops short: fewer outcomes than
    records, and the records without one untouched. The first record always goes.
    A record may come prepared (``prepare_record``), its derived parts made before
    the batch's turn.
    """
    prepared = [
        (r if isinstance(r, PreparedRecord) else prepare_record(r), organisation)
        for r, organisation in records
    ]
    outcomes: list[str] = []
    with transaction.atomic():
        _one_matcher_at_a_time()
        larger_page_cache()
        for part in _without_repeats(prepared):
            done = BatchIngest(part, by=by).run(deadline=deadline)
            outcomes.extend(done)
            if len(done) < len(part):
                break
            if deadline is not None and time.monotonic() > deadline:
                break
    return outcomes


MATCHING_LOCK = 0x46414D45  # "FAME"
"""PostgreSQL advisory lock held by the transaction that matches records to persons."""


def _one_matcher_at_a_time() -> None:
    """Let one transaction at a time match records to persons, whichever process runs it.

    Two that overlapped would not see each other's new records, and could give
    the same child two persons. SQLite's transactions take its one write lock as
    they begin (``transaction_mode`` IMMEDIATE); PostgreSQL's need this lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MATCHING_LOCK])


SQLITE_PAGE_CACHE_KIB = 262_144
"""SQLite's page cache for a connection that ingests in bulk (its default is 2 MiB)."""


def larger_page_cache() -> None:
    """On SQLite, a page cache that holds the blocking keys' index: a batch inserts
    thousands of keys at random places in it, and with the default 2 MiB most of
    them meant reading a page back and writing one out again."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_PAGE_CACHE_KIB}")


def _without_repeats(
    records: Sequence[tuple[PreparedRecord, Organisation]],
) -> Iterator[list[tuple[PreparedRecord, Organisation]]]:
    """The batch in runs that hold no agency record twice (a repeat starts the next run)."""
    part: list[tuple[PreparedRecord, Organisation]] = []
    held: set[tuple[int, str]] = set()
    for record, organisation in records:
        key = (organisation.pk, record.record.local_id)
        if key in held:
            yield part
            part, held = [], set()
        part.append((record, organisation))
        held.add(key)
    if part:
        yield part


def ingest_records(
    records: Iterable[AgencyRecord], *, by: User | None, source: str, chunk: int = 500
) -> Iterator[tuple[int, IngestSummary]]:
    """Ingest many records, a batch per transaction, yielding progress; audited once at the end."""
    organisations = {org.agency_id: org for org in Organisation.objects.all()}
    summary = IngestSummary()
    batch: list[AgencyRecord] = []

    def flush() -> None:
        pairs = [(item, organisations[item.agency_id]) for item in batch]
        for outcome in ingest_batch(pairs, by=by):
            summary.add(outcome)
        batch.clear()

    done = 0
    for record in records:
        batch.append(record)
        if len(batch) >= chunk:
            done += len(batch)
            flush()
            yield done, summary
    if batch:
        done += len(batch)
        flush()
    record_event(
        "index.records_loaded",
        actor=by,
        target=source,
        details={"records": summary.total, **summary.counts},
    )
    yield done, summary


# Decisions on links ---------------------------------------------------------


def decide_review(*, item: ReviewItem, link: bool, by: User) -> None:
    """Link the record to the candidate's person, or keep them apart. Audited; reversible."""
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ReviewStatus.OPEN:
            raise ValueError("This possible match has already been decided.")
        if link:
            _move(
                item.record,
                item.candidate.person,
                weight=item.weight,
                method=LinkMethod.REVIEWED,
                by=by,
                note=f"review {item.pk}",
            )
        else:
            SourceRecord.objects.filter(pk=item.record_id).update(
                link_method=LinkMethod.REVIEWED, link_decided_by=by
            )
        item.status = ReviewStatus.LINKED if link else ReviewStatus.REJECTED
        item.decided_by = by
        item.decided_at = timezone.now()
        item.save()
        record_event(
            "index.review_linked" if link else "index.review_rejected",
            actor=by,
            target=f"review:{item.pk}",
            details={"record": str(item.record), "candidate": str(item.candidate)},
        )


def split_record(*, record: SourceRecord, by: User, reason: str) -> Person:
    """Take one agency record out of its person into a new person of its own."""
    with transaction.atomic():
        person = Person.objects.create()
        _move(record, person, weight=None, method=LinkMethod.MANUAL, by=by, note=reason[:200])
        record_event(
            "index.record_split", actor=by, target=f"record:{record}", details={"reason": reason}
        )
    return person


def undo_decision(*, decision: LinkDecision, by: User) -> None:
    """Put a record back where a decision found it."""
    with transaction.atomic():
        record = decision.record
        back_to = decision.from_person or Person.objects.create()
        if not Person.objects.filter(pk=back_to.pk).exists():
            back_to = Person.objects.create()
        _move(record, back_to, weight=None, method=LinkMethod.MANUAL, by=by, note="undone")
        ReviewItem.objects.filter(record=record).exclude(status=ReviewStatus.OPEN).update(
            status=ReviewStatus.OPEN, decided_by=None, decided_at=None
        )
        record_event("index.decision_undone", actor=by, target=f"record:{record}", details={})


# Involvement recorded on the page ------------------------------------------


def record_involvement(
    *, person: Person, by: User, service: str, role: str, started_on: date
) -> Involvement:
    with transaction.atomic():
        if by.organisation is None:
            raise ValueError("Only a practitioner of an organisation can record involvement.")
        involvement = Involvement.objects.create(
            person=person,
            organisation=by.organisation,
            practitioner=by,
            practitioner_email=by.secure_email,
            service=service,
            role=role,
            started_on=started_on,
            recorded_by=by,
        )
        record_event(
            "index.involvement_recorded",
            actor=by,
            target=f"involvement:{involvement.pk}",
            details={"service": service},
        )
    return involvement


def end_involvement(*, involvement: Involvement, by: User, ended_on: date) -> None:
    with transaction.atomic():
        involvement.ended_on = ended_on
        involvement.save(update_fields=["ended_on"])
        record_event(
            "index.involvement_ended",
            actor=by,
            target=f"involvement:{involvement.pk}",
            details={"ended_on": ended_on.isoformat()},
        )


def set_caf_status(
    *,
    organisation: Organisation,
    local_id: str,
    status: str,
    by: User | None,
    lead_professional: str | None = None,
) -> Person | None:
    """What the index shows of a CAF held at ``organisation`` for the child behind its record
    ``local_id``: "open" or "closed", and its Lead Professional (a hub username; "" for none
    agreed, None to leave it as it is). None when the index has no such record yet."""
    with transaction.atomic():
        source = (
            SourceRecord.objects.select_related("person")
            .filter(organisation=organisation, local_id=local_id)
            .first()
        )
        if source is None:
            return None
        person = source.person
        person.caf_status = status
        person.caf_holder = organisation
        fields = ["caf_status", "caf_holder"]
        details: dict[str, str] = {}
        if lead_professional is not None:
            person.lead_professional = (
                User.objects.filter(username=lead_professional).first()
                if lead_professional
                else None
            )
            fields.append("lead_professional")
            details["lead_professional"] = lead_professional
        person.save(update_fields=fields)
        record_event(
            f"index.caf_{status}",
            actor=by,
            organisation=organisation,
            target=f"person:{person.uid}",
            details=details,
        )
    return person


def set_shielded(*, person: Person, shielded: bool, by: User) -> None:
    with transaction.atomic():
        person.shielded = shielded
        person.save(update_fields=["shielded"])
        record_event(
            "index.shielded" if shielded else "index.unshielded",
            actor=by,
            target=f"person:{person.uid}",
        )
