"""Searching the Child Index: which people a search finds, and how it weighs them."""

from __future__ import annotations

from datetime import date

import pytest

from fame.index import matching
from fame.index.actions import ingest_record
from fame.index.models import Person
from fame.index.queries import SearchQuery, search
from fame.linkage import LinkageRecord

from .conftest import record

pytestmark = pytest.mark.django_db


def ingest(agencies, **changes) -> None:
    row = record(**changes)
    ingest_record(row, organisation=agencies[row.agency_id], by=None)


def names(results) -> list[str]:
    return [result.name for result in results]


def test_search_finds_a_misspelt_family_name_with_the_right_date_of_birth(agencies):
    # "Hatrley" shares no Soundex code (H364) with "Hartley" (H634), so no blocking key
    # finds Olivia: only the records born that day do.
    ingest(agencies)

    results = search(SearchQuery("Hatrley", date_of_birth=date(2017, 3, 4)))

    assert names(results) == ["Olivia Hartley"]


def test_search_finds_misspelt_names_at_the_postcode_given(agencies):
    # Neither "Ovilia" nor "Hatrley" shares a Soundex code with Olivia's names.
    ingest(agencies)

    results = search(SearchQuery("Hatrley", given_name="Ovilia", postcode="NM4 2PL"))

    assert names(results) == ["Olivia Hartley"]


def test_search_finds_a_date_of_birth_with_day_and_month_swapped(agencies):
    ingest(agencies)

    results = search(SearchQuery("Hartley", date_of_birth=date(2017, 4, 3)))

    assert names(results) == ["Olivia Hartley"]


def test_search_leaves_out_someone_else_born_the_same_day(agencies):
    ingest(agencies)
    ingest(
        agencies,
        local_id="UPN-2002",
        given_name="Noah",
        family_name="Okafor",
        middle_names=(),
        address_line_1="3 Quarry Road",
        postcode="NM7 1QA",
        sex="M",
    )

    results = search(SearchQuery("Hartley", date_of_birth=date(2017, 3, 4)))

    assert names(results) == ["Olivia Hartley"]


def test_search_weighs_a_result_as_its_whole_record_would(agencies):
    # The given name searched is the record's middle name, and the family name searched
    # is a previous one: both count, as they do when whole records are compared.
    ingest(agencies, previous_family_names=("Brennan",))
    query = SearchQuery("Brennan", given_name="Grace", date_of_birth=date(2017, 3, 4))
    whole = LinkageRecord.from_agency_record(record(previous_family_names=("Brennan",)))
    expected = matching.scorer().score(LinkageRecord.from_agency_record(query.as_record()), whole)

    results = search(query)

    assert [r.match_weight for r in results] == [expected.match_weight]
    assert expected.field("given_name").label == "middle name as given name"
    assert expected.field("family_name").label == "previous family name"


def test_search_lists_a_person_known_to_two_agencies_once(agencies):
    ingest(agencies)
    ingest(agencies, agency_id="hlt-001", local_id="NHS-77", given_name="Livvy")
    assert Person.objects.count() == 1

    results = search(SearchQuery("Hartley", given_name="Olivia", date_of_birth=date(2017, 3, 4)))

    assert names(results) == ["Olivia Hartley"]
    assert results[0].band == "Strong match"


def test_search_by_names_and_postcode_finds_a_record_without_a_postcode(agencies):
    # No key holds the postcode searched for, and no record is at it: only the names
    # (with each year of birth the index may hold) find Olivia.
    ingest(agencies, postcode="")

    results = search(SearchQuery("Hartley", given_name="Olivia", postcode="NM4 2PL"))

    assert names(results) == ["Olivia Hartley"]


def test_search_by_names_and_postcode_leaves_out_someone_of_other_names(agencies):
    ingest(agencies, postcode="")

    assert search(SearchQuery("Hartley", given_name="Amelia", postcode="NM4 2PL")) == []
