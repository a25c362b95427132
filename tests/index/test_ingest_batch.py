"""A batch ingested in bulk ends exactly as the same records ingested one at a time.

Each test runs the same input both ways on the same starting index (the first
way is rolled back) and compares everything the index holds, by agency record
rather than by database id: who is linked to whom, how and with what weight,
every link decision, review item, blocking key and involvement.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection, transaction

from fame.accounts.models import Organisation
from fame.index import matching
from fame.index.actions import ingest_batch, ingest_record, split_record
from fame.index.models import (
    BlockingKey,
    Involvement,
    LinkDecision,
    Person,
    ReviewItem,
    SourceRecord,
)
from fame.linkage import RuntimeScorer
from fame.records import AgencyRecord
from fame.synth import generate_region

from ..factories import UserFactory
from .conftest import record

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def region_records() -> list[AgencyRecord]:
    """A synthetic region of 250 children (duplicates across agencies), in a mixed order."""
    region = generate_region(250, 7)
    records = list(region.records)
    random.Random(7).shuffle(records)
    return records


@pytest.fixture
def organisations(region_records) -> dict[str, Organisation]:
    region = generate_region(1, 7)
    for org in region.organisations:
        Organisation.objects.update_or_create(
            agency_id=org.agency_id,
            defaults={"name": org.name, "type": org.type, "local_authority": org.local_authority},
        )
    return {o.agency_id: o for o in Organisation.objects.all()}


def snapshot() -> dict[str, Any]:
    """Everything ingestion writes, named by agency record instead of by id."""
    sources = list(SourceRecord.objects.select_related("organisation"))
    name = {s.pk: f"{s.organisation.agency_id}:{s.local_id}" for s in sources}
    members: defaultdict[int, list[str]] = defaultdict(list)
    for s in sources:
        members[s.person_id].append(name[s.pk])

    def person(pk: int | None) -> tuple[str, ...]:
        return tuple(sorted(members.get(pk, []))) if pk is not None else ("none",)

    return {
        "persons": Person.objects.count(),
        "records": sorted(
            (
                name[s.pk],
                person(s.person_id),
                s.link_method,
                s.link_weight,
                s.link_decided_by_id,
                s.content_hash,
                s.date_of_birth,
                s.postcode,
            )
            for s in sources
        ),
        "decisions": sorted(
            (
                name[d.record_id],
                person(d.from_person_id),
                person(d.to_person_id),
                d.method,
                d.weight or 0.0,
                d.decided_by_id or 0,
                d.note,
            )
            for d in LinkDecision.objects.all()
        ),
        "reviews": sorted(
            (name[r.record_id], name[r.candidate_id], r.weight, r.status, str(r.explanation))
            for r in ReviewItem.objects.all()
        ),
        "keys": sorted((name[k.record_id], k.key) for k in BlockingKey.objects.all()),
        "involvements": sorted(
            (
                name.get(i.source_record_id or 0, "page"),
                person(i.person_id),
                i.organisation_id,
                i.practitioner_id or 0,
                i.practitioner_email,
                i.service,
                i.role,
                i.sensitive,
                str(i.started_on),
                str(i.ended_on),
            )
            for i in Involvement.objects.all()
        ),
    }


def one_at_a_time(records: list[AgencyRecord], organisations: dict[str, Organisation]) -> list[str]:
    return [ingest_record(r, organisation=organisations[r.agency_id], by=None) for r in records]


def batched(records: list[AgencyRecord], organisations: dict[str, Organisation]) -> list[str]:
    outcomes = []
    for start in range(0, len(records), 120):
        part = records[start : start + 120]
        outcomes += ingest_batch([(r, organisations[r.agency_id]) for r in part], by=None)
    return outcomes


def both_ways(
    records: list[AgencyRecord], organisations: dict[str, Organisation]
) -> tuple[tuple[list[str], dict[str, Any]], tuple[list[str], dict[str, Any]]]:
    """(outcomes, snapshot) one at a time (then rolled back), and batched."""
    with transaction.atomic():
        single = (one_at_a_time(records, organisations), snapshot())
        transaction.set_rollback(True)
    return single, (batched(records, organisations), snapshot())


def wide_review_band(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thresholds that send many pairs to review, whatever the shipped model says."""
    model = matching.scorer().model
    scorer = RuntimeScorer(
        model.with_thresholds(upper=model.upper_match_weight + 12, lower=model.lower_match_weight)
    )
    monkeypatch.setattr(matching, "scorer", lambda: scorer)


def changes(records: list[AgencyRecord]) -> list[AgencyRecord]:
    """A second delivery: moves, corrected names, ended involvements, repeats, unchanged rows."""
    rng = random.Random(11)
    out: list[AgencyRecord] = []
    for i, r in enumerate(records[:300]):
        kind = i % 6
        if kind == 0:
            out.append(replace(r, address_line_1="1 New Street", postcode="NM9 9ZZ"))
        elif kind == 1:
            out.append(replace(r, given_name=r.given_name[:-1] or "A"))
        elif kind == 2:
            out.append(replace(r, family_name=f"{r.family_name}-Smith"))
        elif kind == 3:
            out.append(r)  # unchanged
        elif kind == 4:
            out.append(replace(r, ended_on=r.started_on))
            if rng.random() < 0.5:  # and changed again in the same delivery
                out.append(replace(r, role="Changed twice"))
        else:
            out.append(replace(r, date_of_birth=None))
    return out


@pytest.mark.parametrize("band", ["shipped", "wide review band"])
def test_batch_ends_as_one_at_a_time_on_a_region(region_records, organisations, monkeypatch, band):
    if band != "shipped":
        wide_review_band(monkeypatch)
    (single_outcomes, single), (batch_outcomes, batch) = both_ways(region_records, organisations)
    assert batch_outcomes == single_outcomes
    assert batch == single
    assert {"linked", "new person"} <= set(batch_outcomes), "the region has duplicates"
    if band != "shipped":
        assert "review" in batch_outcomes
        assert batch["reviews"]


@pytest.mark.parametrize("band", ["shipped", "wide review band"])
def test_batch_of_changes_ends_as_one_at_a_time(region_records, organisations, monkeypatch, band):
    if band != "shipped":
        wide_review_band(monkeypatch)
    one_at_a_time(region_records, organisations)
    officer = UserFactory(username="isa")
    split = SourceRecord.objects.filter(link_method="automatic").order_by("pk")[:5]
    for source in split:  # a person's decision stands: these are not matched again
        split_record(record=source, by=officer, reason="not the same child")
    again = changes(region_records)
    (single_outcomes, single), (batch_outcomes, batch) = both_ways(again, organisations)
    assert batch_outcomes == single_outcomes
    assert batch == single
    assert {"updated", "unchanged"} <= set(batch_outcomes)


def test_batch_names_the_practitioner_as_one_at_a_time(region_records, organisations):
    emails = sorted({r.practitioner_email for r in region_records[:200]} - {""})[:3]
    for i, email in enumerate(emails):
        UserFactory(username=f"p{i}", secure_email=email, last_name="Zed")
        UserFactory(username=f"q{i}", secure_email=email, last_name="Adams")  # the first
    (_, single), (_, batch) = both_ways(region_records[:200], organisations)
    assert batch == single
    assert any(i[3] for i in batch["involvements"])


def test_batch_record_is_a_candidate_for_the_next_in_the_batch(organisations):
    school = record()
    health = record(agency_id="hlt-001", local_id="NHS-9", service="School nursing")
    outcomes = ingest_batch(
        [(school, organisations["sch-001"]), (health, organisations["hlt-001"])], by=None
    )
    assert outcomes == ["new person", "linked"]
    assert Person.objects.count() == 1
    assert LinkDecision.objects.count() == 2


def test_blocking_keys_are_stored_in_their_primary_key():
    # Index migration 0005 makes the table WITHOUT ROWID on SQLite; a later migration that
    # had Django rebuild it would quietly undo that, and every key would cost a B-tree more.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s",
                [BlockingKey._meta.db_table],
            )
            assert cursor.fetchone()[0].rstrip().endswith("WITHOUT ROWID")
        columns = connection.introspection.get_constraints(cursor, BlockingKey._meta.db_table)
    primary = [c["columns"] for c in columns.values() if c["primary_key"]]
    assert primary == [["key", "record_id"]]
