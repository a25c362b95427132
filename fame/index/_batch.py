"""Ingesting a batch of agency records in bulk, with the outcomes of one record at a time.

``actions.ingest_batch`` is the door; this is the machinery. It reads once (the
batch's stored records, the candidates under all its blocking keys, the records
of the persons its updates may leave), decides in memory record by record in
the batch's order exactly as ``actions.ingest_record`` would (same candidates,
scores, thresholds and tie-breaks; a record placed is a candidate for the
records after it; a person's decision stands), then writes in bulk.

A batch must not hold one agency record twice: ``actions.ingest_batch`` cuts
the batch where one repeats.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from django.db import connection, models
from django.utils import timezone

from fame.accounts.models import Organisation, User
from fame.linkage import LinkageRecord, Score, blocking_keys
from fame.records import AgencyRecord

from . import matching
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
from .source import as_row, hash_of, stored_text

MODEL_DECIDED = frozenset({LinkMethod.AUTOMATIC, LinkMethod.NEW})
"""Link methods the model may decide again; a person's decision stands."""
SOURCE_FIELDS = [
    "data",
    "content_hash",
    "date_of_birth",
    "postcode",
    "person",
    "link_weight",
    "link_method",
    "link_decided_by",
    "link_decided_at",
    "updated_at",
]
PRACTITIONER_ORDER = ("last_name", "first_name", "pk")
"""Which account an involvement names when two share a secure email (the first this way)."""
INVOLVEMENT_FIELDS = [
    "person",
    "organisation",
    "practitioner",
    "practitioner_email",
    "service",
    "role",
    "sensitive",
    "started_on",
    "ended_on",
]


@dataclass(frozen=True)
class PreparedRecord:
    """An agency record with what ingesting it derives from it alone: its row as stored,
    the row's hash, its normal form and its blocking keys. Made before the batch's turn
    to write (``prepare_record``), so that the work needs no database and no lock."""

    record: AgencyRecord
    row: dict[str, str]
    text: str
    """The row as JSON (``source.stored_text``), written as it is when the record is new."""
    digest: str
    normal: LinkageRecord
    keys: tuple[int, ...]
    """The blocking keys as stored (``matching.stored_keys``)."""


def prepare_record(record: AgencyRecord) -> PreparedRecord:
    row = as_row(record)
    text = stored_text(row)
    normal = LinkageRecord.from_agency_record(record)
    keys = tuple(matching.stored_keys(blocking_keys(normal)))
    return PreparedRecord(record, row, text, hash_of(text), normal, keys)


@dataclass
class _Item:
    ready: PreparedRecord
    organisation: Organisation
    source: SourceRecord
    ref: int
    """The record's id, or a negative number until a new record is stored."""
    person: int | None = None
    """The person's id, or a negative number for a person made in this batch."""
    outcome: str = ""

    @property
    def record(self) -> AgencyRecord:
        return self.ready.record

    @property
    def new(self) -> bool:
        return self.ref < 0


@dataclass(frozen=True)
class _Decision:
    item: _Item
    from_person: int | None
    to_person: int
    weight: float | None
    method: str


class BatchIngest:
    def __init__(
        self,
        records: Sequence[tuple[PreparedRecord, Organisation]],
        *,
        by: User | None,
    ):
        self.by = by
        self.now = timezone.now()
        self.items = self._read(records)
        self.changed = [item for item in self.items if item.outcome != "unchanged"]
        self.pool = matching.CandidatePool(
            {key for item in self.changed for key in item.ready.keys}
        )
        self.members = self._members()
        self.new_persons = 0
        self.decisions: list[_Decision] = []
        self.reviews: list[tuple[_Item, int, Score]] = []
        self.left: set[int] = set()

    def run(self, *, deadline: float | None = None) -> list[str]:
        """Each record's outcome, in order; past ``deadline`` (``time.monotonic``) it stops
        short, leaving the rest untouched (the first record always goes)."""
        for n, item in enumerate(self.items):
            if n and deadline is not None and time.monotonic() > deadline:
                self.items = self.items[:n]
                self.changed = [item for item in self.items if item.outcome != "unchanged"]
                break
            if item.outcome != "unchanged":
                self._ingest(item)
        self._write()
        return [item.outcome for item in self.items]

    # Reading ---------------------------------------------------------------

    def _read(self, prepared: Sequence[tuple[PreparedRecord, Organisation]]) -> list[_Item]:
        stored: dict[tuple[int, str], SourceRecord] = {}
        local_ids = sorted({p.record.local_id for p, _ in prepared})
        organisations = {organisation.pk for _, organisation in prepared}
        wanted = {(organisation.pk, p.record.local_id) for p, organisation in prepared}
        # Which are stored, in plain SQL (the ORM spent longer building the IN lists than
        # the database took); then those whole, as model objects, to be updated.
        found = [
            pk
            for organisation, local_id, pk in matching.rows_where_in(
                SourceRecord,
                ("organisation_id", "local_id", "id"),
                "local_id",
                local_ids,
                among=("organisation_id", organisations),
            )
            if (organisation, local_id) in wanted
        ]
        for start in range(0, len(found), matching.IN_CHUNK):
            chunk = found[start : start + matching.IN_CHUNK]
            for found_source in SourceRecord.objects.select_for_update().filter(pk__in=chunk):
                stored[(found_source.organisation_id, found_source.local_id)] = found_source
        items = []
        for ready, organisation in prepared:
            record, digest = ready.record, ready.digest
            source = stored.get((organisation.pk, record.local_id))
            if source is not None and source.content_hash == digest:
                items.append(_Item(ready, organisation, source, source.pk, outcome="unchanged"))
                continue
            if source is None:
                source = SourceRecord(organisation=organisation, local_id=record.local_id)
                item = _Item(ready, organisation, source, -len(items) - 1)
            else:
                item = _Item(ready, organisation, source, source.pk, person=source.person_id)
                item.outcome = "updated"
            source.data = ready.row
            source.content_hash = digest
            for name, value in matching.search_columns(record).items():
                setattr(source, name, value)
            items.append(item)
        return items

    def _members(self) -> dict[int, set[int]]:
        """The records of each person an update may take its record away from."""
        persons = sorted(
            {
                item.person
                for item in self.changed
                if item.person is not None and item.source.link_method in MODEL_DECIDED
            }
        )
        members: dict[int, set[int]] = {person: set() for person in persons}
        for start in range(0, len(persons), matching.IN_CHUNK):
            found = SourceRecord.objects.filter(
                person_id__in=persons[start : start + matching.IN_CHUNK]
            )
            for person, ref in found.values_list("person_id", "pk"):
                members[person].add(ref)
        return members

    # Deciding, as actions.ingest_record does -------------------------------

    def _ingest(self, item: _Item) -> None:
        if item.new or item.source.link_method in MODEL_DECIDED:
            placed = self._place(item)
            item.outcome = item.outcome or placed
        assert item.person is not None
        self.pool.put(
            item.ref,
            keys=item.ready.keys,
            person=item.person,
            normal=item.ready.normal,
            digest=item.source.content_hash,
        )

    def _place(self, item: _Item) -> str:
        match = self.pool.best_match(item.ready.normal, item.ready.keys, exclude=item.ref)
        weight = match.weight
        if match.decision == "link" and match.candidate is not None:
            to = self.pool.person_of[match.candidate]
            if item.person != to:
                self._move(item, to, weight=weight, method=LinkMethod.AUTOMATIC)
            return "linked"
        alone = not item.new and not (self.members[item.person] - {item.ref})  # type: ignore[index]
        if alone:
            item.source.link_weight = weight
        else:
            self.new_persons += 1
            self._move(item, -self.new_persons, weight=weight, method=LinkMethod.NEW)
        if match.decision == "review" and match.candidate is not None:
            score = self.pool.explain(item.ready.normal, match.candidate)
            self.reviews.append((item, match.candidate, score))
            return "review"
        return "new person"

    def _move(self, item: _Item, to: int, *, weight: float | None, method: str) -> None:
        before = item.person
        item.person = to
        source = item.source
        source.link_weight = weight
        source.link_method = method
        source.link_decided_by = self.by
        source.link_decided_at = self.now
        self.decisions.append(_Decision(item, before, to, weight, method))
        if before in self.members:
            self.members[before].discard(item.ref)
        if to in self.members:
            self.members[to].add(item.ref)
        self.pool.person_of[item.ref] = to
        if before is not None and before != to:
            self.left.add(before)

    # Writing ---------------------------------------------------------------

    def _write(self) -> None:
        if not self.changed:
            return
        made = insert_rows(
            Person, [{"uid": uuid.uuid4()} for _ in range(self.new_persons)], returning=("id",)
        )
        # New persons differ only in their hidden uid: which id stands for which is free.
        persons = {-i: pk for i, (pk,) in enumerate(made, start=1)}

        def person_id(ref: int) -> int:
            return persons[ref] if ref < 0 else ref

        for item in self.changed:
            assert item.person is not None
            item.source.person_id = person_id(item.person)
        new = [item for item in self.changed if item.new]
        stored = [item for item in self.changed if not item.new]
        records = self._store_new(new)
        for item in stored:
            item.source.updated_at = self.now
        SourceRecord.objects.bulk_update([item.source for item in stored], SOURCE_FIELDS)

        def record_id(ref: int) -> int:
            return records[ref] if ref < 0 else ref

        insert_rows(
            LinkDecision,
            [
                {
                    "record_id": record_id(d.item.ref),
                    "from_person_id": person_id(d.from_person)
                    if d.from_person is not None
                    else None,
                    "to_person_id": person_id(d.to_person),
                    "weight": d.weight,
                    "method": d.method,
                    "decided_by_id": self.by.pk if self.by is not None else None,
                }
                for d in self.decisions
            ],
        )
        BlockingKey.objects.filter(record_id__in=[item.ref for item in stored]).delete()
        _insert_keys((key, item.source.pk) for item in self.changed for key in item.ready.keys)
        self._write_involvements(stored)
        for item, candidate, score in self.reviews:
            ReviewItem.objects.update_or_create(
                record_id=item.source.pk,
                candidate_id=record_id(candidate),
                defaults={
                    "weight": score.match_weight,
                    "explanation": [[f.name, f.label, round(f.weight, 2)] for f in score.fields],
                    "status": ReviewStatus.OPEN,
                },
            )
        emptied = [person for person in self.left if person > 0 and not self.members[person]]
        if emptied:
            Person.objects.filter(pk__in=emptied).delete()

    def _store_new(self, new: list[_Item]) -> dict[int, int]:
        names = [f.attname for f in SourceRecord._meta.concrete_fields if not f.primary_key]
        rows = [{name: getattr(item.source, name) for name in names} for item in new]
        for row, item in zip(rows, new, strict=True):
            row["data"] = item.ready.text  # (JSON already: the text its hash was taken of)
        stored = insert_rows(
            SourceRecord, rows, ready={"data"}, returning=("organisation_id", "local_id", "id")
        )
        ids = {(organisation, local_id): pk for organisation, local_id, pk in stored}
        for item in new:
            item.source.pk = ids[(item.organisation.pk, item.source.local_id)]
        return {item.ref: item.source.pk for item in new}

    def _write_involvements(self, stored: list[_Item]) -> None:
        emails = sorted({i.record.practitioner_email for i in self.changed} - {""})
        practitioners: dict[str, int] = {}
        found = User.objects.filter(secure_email__in=emails).order_by(*PRACTITIONER_ORDER)
        for pk, email in found.values_list("pk", "secure_email"):
            practitioners.setdefault(email, pk)
        existing = {
            involvement.source_record_id: involvement
            for involvement in Involvement.objects.filter(
                source_record_id__in=[item.ref for item in stored]
            )
        }
        updated, made = [], []
        for item in self.changed:
            record = item.record
            values = {
                "person_id": item.source.person_id,
                "organisation_id": item.organisation.pk,
                "practitioner_id": practitioners.get(record.practitioner_email),
                "practitioner_email": record.practitioner_email,
                "service": record.service,
                "role": record.role,
                "sensitive": record.sensitive,
                "started_on": record.started_on,
                "ended_on": record.ended_on,
            }
            involvement = existing.get(item.source.pk)
            if involvement is None:
                made.append({"source_record_id": item.source.pk, **values})
                continue
            for name, value in values.items():
                setattr(involvement, name, value)
            updated.append(involvement)
        insert_rows(Involvement, made)
        Involvement.objects.bulk_update(updated, INVOLVEMENT_FIELDS)


def _insert_keys(rows: Iterable[tuple[int, int]]) -> None:
    """Insert (key, record id) blocking keys: thousands a batch, so one prepared statement
    run for each row rather than a model object each (a third of the time), in the
    order of the (key, record) index, so that consecutive rows land on the same pages."""
    quote = connection.ops.quote_name
    table = quote(BlockingKey._meta.db_table)
    # Names from the model, quoted; the values are parameters.
    sql = f"INSERT INTO {table} ({quote('key')}, {quote('record_id')}) VALUES (%s, %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, sorted(rows))


_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.FloatField,
    models.ForeignKey,
)
"""Fields whose Python value goes to the database as it is (no adapting)."""


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value  # a choice: its stored value


def _getter(field: models.Field[Any, Any], now: datetime) -> Callable[[dict[str, Any]], Any]:
    """How to take ``field``'s database value from a row {attname: value} (see insert_rows)."""
    name = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = field.get_db_prep_save(now, connection)
        return lambda row: stamp
    if isinstance(field, _PLAIN) and not callable(field.default) and not field.choices:
        default = field.get_default()
        return lambda row: row.get(name, default)
    if isinstance(field, _PLAIN):
        return lambda row: _plain(row[name] if name in row else field.get_default())
    adapted: dict[Any, Any] = {}

    def get(row: dict[str, Any]) -> Any:
        raw = row[name] if name in row else field.get_default()
        try:
            return adapted[raw]
        except KeyError:
            done = adapted[raw] = field.get_db_prep_save(raw, connection)
            return done
        except TypeError:  # not hashable (a JSON object): adapt it each time
            return field.get_db_prep_save(raw, connection)

    return get


def insert_rows(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    *,
    ready: Collection[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert rows of ``model``, each given as {field attname: value}; with ``returning``,
    those columns of the rows inserted (in no promised order), else nothing.

    ``bulk_create`` without model objects and its per-value machinery, which cost
    more than the database here. A field a row leaves out takes its default;
    automatic time stamps are the same for every row of one call; a value that
    needs adapting for the database (a date, a time) is adapted once, and the
    fields named in ``ready`` are given as the database takes them. Without
    ``returning``, one prepared statement runs for each row; with it, one
    statement inserts as many rows as the database takes parameters for.
    """
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    places = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Names from the model, quoted; the values are parameters.
    insert = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    now = timezone.now()
    getters = [
        (lambda row, name=f.attname: row[name]) if f.attname in ready else _getter(f, now)
        for f in fields
    ]
    values = [[get(row) for get in getters] for row in rows]
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(insert + places, values)
            return []
        by_name = {f.attname: f.column for f in model._meta.concrete_fields}
        back = ", ".join(quote(by_name[name]) for name in returning)
        step = max(1, connection.ops.bulk_batch_size(fields, values))
        found: list[tuple[Any, ...]] = []
        for start in range(0, len(values), step):
            part = values[start : start + step]
            sql = f"{insert}{', '.join([places] * len(part))} RETURNING {back}"
            cursor.execute(sql, [value for row in part for value in row])
            found.extend(cursor.fetchall())
        return found
