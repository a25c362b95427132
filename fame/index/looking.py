"""A search of the Child Index and a record opened with a stated purpose, each audited.

What the search and open-record pages do beneath their forms and the practitioner's
session: the pages call these, and so does the demo's played past (``fame.index.history``),
so a history's searches and openings are decided, recorded and audited as a person's are.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from fame.accounts.facilitated import ActingAs
from fame.accounts.models import User
from fame.audit import record_event
from fame.sharing import Decision

from . import queries
from .forms import PURPOSES
from .models import Person
from .sharing import permitted_results

__all__ = ["audited_search", "record_opened"]


def audited_search(
    query: queries.SearchQuery, *, who: ActingAs, mfa: bool, request: HttpRequest | None = None
) -> tuple[list[queries.SearchResult], dict[int, Person]]:
    """Search, keep only the people whose basic details ``who`` may see (a disclosure record
    of each decision), audit the search with what was shown; the results shown and the people
    found, by key."""
    found = queries.search(query)
    people = Person.objects.in_bulk([r.person_id for r in found])
    decided = permitted_results(people, who, mfa=mfa)
    shown = decided.shown
    found = [r for r in found if r.person_id in shown]
    with transaction.atomic():  # the decisions' records and the search's event: one write
        decided.keep_records()
        _audit_search(query, who, found, people, decided.decisions, request)
    return found, people


def _audit_search(
    query: queries.SearchQuery,
    who: ActingAs,
    found: list[queries.SearchResult],
    people: dict[int, Person],
    decisions: dict[int, Decision],
    request: HttpRequest | None,
) -> None:
    record_event(
        "index.search",
        actor=who.user,
        target="child-index",
        details={
            "query": query.as_audit(),
            "results": [
                {"person": str(people[r.person_id].uid), "weight": f"{r.match_weight:.2f}"}
                for r in found
            ],
            "decisions": {
                str(people[pk].uid): {"decision": d.decision, "id": d.decision_id}
                for pk, d in decisions.items()
            },
        },
        request=request,
    )


def record_opened(
    person: Person,
    *,
    by: User,
    purpose: str,
    detail: str = "",
    query: dict[str, Any] | None = None,
    shown: int = 0,
    request: HttpRequest | None = None,
) -> None:
    """Audit a record opened from a search, with the purpose stated (one of ``PURPOSES``)."""
    record_event(
        "index.record_opened",
        actor=by,
        target=f"person:{person.uid}",
        details={
            "purpose": purpose,
            "reason": dict(PURPOSES)[purpose],
            "detail": detail,
            "query": query,
            "results_shown": shown,
        },
        request=request,
    )
