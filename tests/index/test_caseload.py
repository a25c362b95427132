"""A practitioner's caseload, and how a list of children names them."""

from __future__ import annotations

from datetime import date

import pytest

from fame.index import involved_children, listed_children
from fame.index.actions import ingest_record
from fame.index.models import Involvement, Person

from ..conftest import UserFactory
from .conftest import record

pytestmark = pytest.mark.django_db


def involve(person, practitioner, *, service="Primary education", **fields) -> Involvement:
    return Involvement.objects.create(
        person=person,
        organisation=practitioner.organisation,
        practitioner=practitioner,
        service=service,
        started_on=fields.pop("started_on", date(2026, 9, 1)),
        **fields,
    )


@pytest.fixture
def two_children(school, health_trust) -> tuple[Person, Person]:
    ingest_record(record(), organisation=school, by=None)
    ingest_record(
        record(
            local_id="UPN-2002",
            given_name="Jack",
            family_name="Marsh",
            date_of_birth=date(2016, 1, 9),
        ),
        organisation=school,
        by=None,
    )
    olivia, jack = Person.objects.order_by("pk")
    return olivia, jack


def test_involved_children_are_the_practitioners_own_current_ones(
    two_children, school_teacher, school
):
    olivia, jack = two_children
    involve(olivia, school_teacher, started_on=date(2025, 9, 1))
    involve(olivia, school_teacher, service="Reading support", started_on=date(2026, 9, 1))
    involve(jack, school_teacher, ended_on=date(2026, 10, 1))
    involve(jack, UserFactory(username="gina", organisation=school))

    involved = involved_children(school_teacher)

    assert [(i.person_id, i.service) for i in involved] == [(olivia.pk, "Reading support")]


def test_archived_children_are_not_listed(two_children, school_teacher):
    olivia, _jack = two_children
    involve(olivia, school_teacher)
    Person.objects.filter(pk=olivia.pk).update(archived_on=date(2026, 11, 1))

    assert involved_children(school_teacher) == []
    assert listed_children([olivia.pk], viewer_agency="sch-001") == []


def test_a_listed_child_is_read_from_the_viewers_own_organisations_record(
    school, health_trust, two_children
):
    olivia, jack = two_children
    ingest_record(
        record(agency_id="hlt-001", local_id="N1", given_name="Livvy"),
        organisation=health_trust,
        by=None,
    )
    assert Person.objects.count() == 2  # Livvy is linked to Olivia

    as_health = {
        c.person_id: c for c in listed_children([olivia.pk, jack.pk], viewer_agency="hlt-001")
    }
    as_police = {c.person_id: c for c in listed_children([olivia.pk], viewer_agency="pol-001")}

    assert (as_health[olivia.pk].name, as_health[olivia.pk].holder) == ("Livvy Hartley", "hlt-001")
    assert (as_health[jack.pk].name, as_health[jack.pk].holder) == ("Jack Marsh", "sch-001")
    assert as_police[olivia.pk].holder == "hlt-001"  # the lowest agency, as on the record page
    assert as_health[olivia.pk].child_ref == str(olivia.uid)
