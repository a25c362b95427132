"""Detail requests as a practitioner's home page lists them: their own, and those waiting
for their organisation's answer."""

from __future__ import annotations

import pytest

from fame.federation.models import DetailRequest, DetailRequestStatus
from fame.federation.queries import requests_awaiting, requests_made_by
from fame.index.actions import ingest_record
from fame.index.models import Person

from ..factories import DetailRequestFactory, UserFactory
from ..index.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def olivia(school) -> Person:
    ingest_record(record(), organisation=school, by=None)
    return Person.objects.get()


def asked(person, *, of, by, status=DetailRequestStatus.SENT) -> DetailRequest:
    return DetailRequestFactory(person=person, agency=of, requested_by=by, status=status)


def test_requests_made_are_the_practitioners_own_newest_first(
    olivia, school, health_visitor, school_teacher
):
    first = asked(olivia, of=school, by=health_visitor, status=DetailRequestStatus.REFUSED)
    second = asked(olivia, of=school, by=health_visitor, status=DetailRequestStatus.RELEASED)
    asked(olivia, of=school, by=UserFactory(username="gina"))

    assert requests_made_by(health_visitor) == [second, first]
    assert requests_made_by(health_visitor, limit=1) == [second]
    assert requests_made_by(school_teacher) == []


def test_requests_awaiting_are_the_unanswered_ones_made_to_the_organisation(
    olivia, school, health_trust, health_visitor, school_teacher
):
    silent = asked(olivia, of=school, by=health_visitor, status=DetailRequestStatus.NO_RESPONSE)
    asked(olivia, of=school, by=health_visitor, status=DetailRequestStatus.RELEASED)
    asked(olivia, of=school, by=health_visitor, status=DetailRequestStatus.REFUSED)
    asked(olivia, of=health_trust, by=school_teacher, status=DetailRequestStatus.NO_RESPONSE)

    assert requests_awaiting(school) == [silent]
    assert requests_awaiting(None) == []
