"""The search benchmark: an index built as a hub's is, searched with records it does not hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from fame.accounts.models import Organisation
from fame.index.benchmark import (
    KINDS,
    _batches,
    _Tally,
    build_index,
    queries_of,
    run_searches,
    split_region,
    store_keys,
    store_persons,
)
from fame.index.models import BlockingKey, Person, SourceRecord
from fame.index.queries import search

from .conftest import record


def test_a_held_out_record_gives_three_searches_each_with_only_what_it_names():
    made = dict(queries_of(record()))

    assert list(made) == list(KINDS)
    whole, family_and_birth, names_and_postcode = made.values()
    assert (whole.given_name, whole.postcode, whole.date_of_birth) == (
        "Olivia",
        "NM4 2PL",
        record().date_of_birth,
    )
    assert (family_and_birth.given_name, family_and_birth.postcode) == ("", "")
    assert family_and_birth.date_of_birth == record().date_of_birth
    assert names_and_postcode.date_of_birth is None
    assert (names_and_postcode.given_name, names_and_postcode.postcode) == ("Olivia", "NM4 2PL")


@pytest.mark.parametrize(
    ("changes", "kinds"),
    [
        ({"date_of_birth": None}, [KINDS[0], KINDS[2]]),
        ({"postcode": ""}, [KINDS[0], KINDS[1]]),
        ({"date_of_birth": None, "postcode": ""}, []),
    ],
)
def test_searches_below_the_minimum_are_left_out(changes, kinds):
    assert [kind for kind, _query in queries_of(record(**changes))] == kinds


def test_a_wrong_child_on_top_counts_for_children_the_index_does_not_hold_too():
    tally = _Tally()
    tally.add(1.0, [7, 3], {3})  # right child second: found in the top five, wrong one on top
    tally.add(2.0, [3], {3})  # right child on top
    tally.add(3.0, [9], set())  # a child the index does not hold: anyone on top is wrong
    tally.add(4.0, [], set())  # ... and nobody is right

    figures = tally.as_dict()

    assert figures["child_indexed"] == 2
    assert figures["found_top1"] == 0.5
    assert figures["found_top5"] == 1.0
    assert figures["wrong_child_on_top"] == 0.5
    assert figures["wrong_child_on_top_when_not_indexed"] == 0.5
    assert figures["no_result"] == 0.25


@pytest.mark.django_db
def test_the_index_is_linked_without_the_held_out_agency_type_and_searched_with_it(
    settings, tmp_path
):
    settings.DATA_DIR = tmp_path

    split, built = build_index(300, seed=3, hold_out="health_trust", progress=lambda _m: None)

    kinds = set(
        Organisation.objects.filter(
            pk__in=SourceRecord.objects.values("organisation_id")
        ).values_list("type", flat=True)
    )
    assert "health_trust" not in kinds and {"school", "gp_practice"} <= kinds
    assert SourceRecord.objects.count() == len(split.indexed) == built["records"]
    # Linked: a child known to several agencies is one person, not one person a record.
    assert Person.objects.count() == built["people"] < len(split.indexed)
    assert split.held_out and all(r.agency_id.startswith("hlt-") for r in split.held_out)

    measured = run_searches(split, 12, seed=3, peer=True)

    fame, splink = measured["fame"], measured["splink"]
    assert fame["searches"] == splink["searches"] >= 24
    assert fame["child_indexed"] == splink["child_indexed"]
    assert fame["found_top5"] >= 0.8 and splink["found_top5"] >= 0.8
    assert set(fame["by_kind"]) == set(KINDS)


@pytest.mark.django_db
def test_a_built_index_is_reused_only_for_the_same_region(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    build_index(50, seed=3, progress=lambda _m: None)
    people = Person.objects.count()

    said: list[str] = []
    build_index(50, seed=3, progress=said.append)
    assert Person.objects.count() == people
    assert any("Reusing" in line for line in said)

    with pytest.raises(ValueError, match="already holds"):
        build_index(50, seed=3, hold_out="school", progress=lambda _m: None)


def _stored_index() -> tuple[set[frozenset[tuple[str, str]]], dict[tuple[str, str], tuple]]:
    """The index as stored, whatever its ids: persons as sets of record keys, and each
    record's columns (its data as read back) with its blocking keys."""
    agency = dict(Organisation.objects.values_list("pk", "agency_id"))
    keys: dict[int, set[int]] = {}
    for key, ref in BlockingKey.objects.values_list("key", "record_id"):
        keys.setdefault(ref, set()).add(key)
    persons: dict[int, set[tuple[str, str]]] = {}
    records = {}
    for source in SourceRecord.objects.all():
        name = (agency[source.organisation_id], source.local_id)
        persons.setdefault(source.person_id, set()).add(name)
        records[name] = (
            source.data,
            source.content_hash,
            source.date_of_birth,
            source.postcode,
            source.link_weight,
            source.link_method,
            source.link_decided_by_id,
            frozenset(keys.pop(source.pk)),
        )
    assert not keys  # no key without its record
    return {frozenset(names) for names in persons.values()}, records


def _searched(queries) -> list[list[frozenset[tuple[str, str]]]]:
    agency = dict(Organisation.objects.values_list("pk", "agency_id"))
    members: dict[int, set[tuple[str, str]]] = {}
    for organisation, local_id, person in SourceRecord.objects.values_list(
        "organisation_id", "local_id", "person_id"
    ):
        members.setdefault(person, set()).add((agency[organisation], local_id))
    return [
        [(frozenset(members[r.person_id]), round(r.match_weight, 6)) for r in search(query)]
        for query in queries
    ]


@pytest.mark.django_db
def test_the_index_is_stored_as_the_code_before_stored_it_and_searched_alike(monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from index_store import old_insert  # the builder's storing before, kept to compare

    split = split_region(120, seed=5, hold_out="health_trust")
    by_child: dict[str, list] = {}
    for found, child in zip(split.indexed, split.indexed_children, strict=True):
        by_child.setdefault(child, []).append(found)
    people = list(by_child.values())
    queries = [query for held in split.held_out[:15] for _kind, query in queries_of(held)]

    for group in _batches(people[:60]), _batches(people[60:]):
        for part in group:
            old_insert(part)
    before, before_searched = _stored_index(), _searched(queries)
    Person.objects.all().delete()

    store_keys([store_persons(people[:60]), store_persons(people[60:])])
    after, after_searched = _stored_index(), _searched(queries)

    assert after == before
    assert len(after[0]) == len(people) and BlockingKey.objects.exists()
    assert after_searched == before_searched and any(after_searched)
