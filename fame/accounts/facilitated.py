"""Facilitated access: an ISA officer searches and asks on behalf of a practitioner
who has no account, and both identities are recorded.

The officer starts a facilitated session naming the practitioner; until they
end it, every audit event from their requests carries ``on_behalf_of`` (see
``fame.audit.actions.record_event``), as do detail requests and disclosure
records. Sharing decisions are the officer's own: the officer is the one
signed in, vetted and trained, and passes the answer on.
"""

from __future__ import annotations

from django.http import HttpRequest

from fame.audit import record_event

from .models import User

SESSION_KEY = "fame_facilitated_for"
FIELDS = ("name", "job_title", "organisation", "contact", "reason")


def facilitated_for(request: HttpRequest) -> dict[str, str]:
    """The practitioner this session acts for, or ``{}``."""
    session = getattr(request, "session", None)
    found = session.get(SESSION_KEY) if session is not None else None
    return {k: str(found.get(k, "")) for k in FIELDS} if isinstance(found, dict) else {}


def start(request: HttpRequest, *, practitioner: dict[str, str], by: User) -> None:
    wanted = {k: practitioner.get(k, "").strip() for k in FIELDS}
    request.session[SESSION_KEY] = wanted
    record_event(
        "access.facilitated_started",
        actor=by,
        target=f"practitioner:{wanted['name']}",
        details={"practitioner": wanted},
        request=request,
    )


def end(request: HttpRequest, *, by: User) -> None:
    acting_for = facilitated_for(request)
    if not acting_for:
        return
    record_event(
        "access.facilitated_ended",
        actor=by,
        target=f"practitioner:{acting_for['name']}",
        request=request,
    )
    request.session.pop(SESSION_KEY, None)
