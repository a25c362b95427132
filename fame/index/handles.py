"""Handles: how a practitioner's session reaches search results and opened records.

No page shows a person's identifier. A search's results, and each record
opened with a reason, get a random handle that lives only in this session;
pages of other apps (a CAF, a detail request, consents) reach the child
through the handle of a record opened here.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import Person

RESULTS = "index_results"  # session: handle -> person pk, for the last search
OPENED = "index_opened"  # session: handle -> person pk, records opened with a reason
QUERY = "index_query"
PURPOSE = "index_purposes"  # session: record handle -> the purpose it was opened for


def new_handle() -> str:
    return secrets.token_urlsafe(9)


def _person_for(request: HttpRequest, key: str, handle: str) -> Person:
    person_pk = request.session.get(key, {}).get(handle)
    if person_pk is None:
        raise Http404("That record is not open in this session.")
    return get_object_or_404(Person, pk=person_pk)


def result_person(request: HttpRequest, handle: str) -> Person:
    """The person a result handle of the last search stands for (404 if there is none)."""
    return _person_for(request, RESULTS, handle)


def opened_person(request: HttpRequest, handle: str) -> Person:
    """The person a record handle in this session stands for (404 if it is not open)."""
    return _person_for(request, OPENED, handle)


def handle_for(request: HttpRequest, person: Person) -> str | None:
    """The handle under which ``person``'s record is open in this session, if it is."""
    opened = request.session.get(OPENED, {})
    return next((h for h, pk in opened.items() if pk == person.pk), None)


def opened_handles(request: HttpRequest) -> dict[int, str]:
    """Person pk -> the handle of their record open in this session, for each open record."""
    return {pk: handle for handle, pk in request.session.get(OPENED, {}).items()}


def opened_purpose(request: HttpRequest, handle: str) -> str:
    """The purpose the record under ``handle`` was opened for."""
    return str(request.session.get(PURPOSE, {}).get(handle, "service_coordination"))


def remember_results(request: HttpRequest, people: dict[str, int], query: dict[str, Any]) -> None:
    """Keep the last search: result handle -> person pk, and the query as audited."""
    request.session[RESULTS] = people
    request.session[QUERY] = query


def last_search(request: HttpRequest) -> tuple[dict[str, Any], int]:
    """The last search's query, as audited, and how many results it showed."""
    return request.session.get(QUERY, {}), len(request.session.get(RESULTS, {}))


def remember_opened(request: HttpRequest, person: Person, *, purpose: str) -> str:
    """Open ``person``'s record in this session for ``purpose``; its new handle."""
    handle = new_handle()
    opened = request.session.get(OPENED, {})
    opened[handle] = person.pk
    request.session[OPENED] = opened
    purposes = request.session.get(PURPOSE, {})
    purposes[handle] = purpose
    request.session[PURPOSE] = purposes
    return handle
