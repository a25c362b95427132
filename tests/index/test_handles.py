"""Handles in the session: how other apps' pages reach a child whose record is open."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404
from django.test import RequestFactory

from fame.index import handle_for, opened_person
from fame.index.handles import opened_purpose, remember_opened, remember_results, result_person
from fame.index.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_with_session():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def test_opened_person_is_the_person_opened_under_the_handle(request_with_session) -> None:
    olivia, jack = Person.objects.create(), Person.objects.create()
    remember_opened(request_with_session, jack, purpose="early_help")

    handle = remember_opened(request_with_session, olivia, purpose="safeguarding")

    assert opened_person(request_with_session, handle) == olivia
    assert handle_for(request_with_session, olivia) == handle
    assert opened_purpose(request_with_session, handle) == "safeguarding"


def test_opened_person_with_an_unknown_handle_is_not_found(request_with_session) -> None:
    remember_opened(request_with_session, Person.objects.create(), purpose="early_help")

    with pytest.raises(Http404):
        opened_person(request_with_session, "not-a-handle")


def test_a_search_result_is_not_an_opened_record(request_with_session) -> None:
    olivia = Person.objects.create()
    remember_results(request_with_session, {"result-1": olivia.pk}, {"family_name": "Hartley"})

    assert result_person(request_with_session, "result-1") == olivia
    assert handle_for(request_with_session, olivia) is None
    with pytest.raises(Http404):
        opened_person(request_with_session, "result-1")
