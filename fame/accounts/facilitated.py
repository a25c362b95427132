"""Facilitated access: an ISA officer searches and asks on behalf of a practitioner
who has no account, and both identities are recorded.

The officer starts a facilitated session naming the practitioner, their
organisation, role, enhanced vetting check and training; until they end it,
every audit event from their requests carries ``on_behalf_of`` (see
``fame.audit.actions.record_event``), as do detail requests and disclosure
records. What may be seen is what *that practitioner* may see: ``acting_as``
is the one place that says whose standing a request's sharing decisions are
taken on. The second factor is the officer's own (docs/adr/0023).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import HttpRequest

from fame.audit import record_event

from .access import Standing, request_standing, required_courses
from .decorators import acting_user
from .models import Organisation, Role, TrainingCourse, User
from .permissions import can

SESSION_KEY = "fame_facilitated_for"


@dataclass(frozen=True)
class Practitioner:
    """The practitioner without an account an ISA officer acts for, as the officer checked."""

    name: str
    job_title: str
    organisation: Organisation
    role: str
    contact: str
    reason: str
    vetting_checked_on: date
    training: Mapping[str, date] = field(default_factory=dict)

    def standing(self) -> Standing:
        return Standing(self.organisation, self.vetting_checked_on, dict(self.training))

    def record(self) -> dict[str, Any]:
        """What the session, the audit log and the disclosure records keep of them."""
        return {
            "name": self.name,
            "job_title": self.job_title,
            "organisation": self.organisation.name,
            "agency_id": self.organisation.agency_id,
            "role": self.role,
            "contact": self.contact,
            "reason": self.reason,
            "vetting_checked_on": self.vetting_checked_on.isoformat(),
            "training": {code: day.isoformat() for code, day in self.training.items()},
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Practitioner | None:
        """The practitioner a record names; None when it no longer names a known organisation,
        a role or a readable vetting date (decisions are then refused, never the officer's)."""
        organisation = Organisation.objects.filter(agency_id=record.get("agency_id", "")).first()
        role = record.get("role")
        training = record.get("training")
        try:
            vetted = date.fromisoformat(str(record.get("vetting_checked_on")))
            completed = {
                str(code): date.fromisoformat(str(day))
                for code, day in (training.items() if isinstance(training, dict) else ())
            }
        except ValueError:
            return None
        if organisation is None or role not in Role.values:
            return None
        return cls(
            name=str(record.get("name", "")),
            job_title=str(record.get("job_title", "")),
            organisation=organisation,
            role=str(role),
            contact=str(record.get("contact", "")),
            reason=str(record.get("reason", "")),
            vetting_checked_on=vetted,
            training=completed,
        )


@dataclass(frozen=True)
class ActingAs:
    """Whose standing a request's sharing decisions are taken on.

    ``user`` is the person signed in: the actor in every record, whose second
    factor counts. ``organisation``, ``roles`` and ``standing`` are theirs, or,
    while they act for a practitioner without an account (``on_behalf_of``),
    that practitioner's.
    """

    user: User
    organisation: Organisation | None
    roles: frozenset[str]
    standing: Standing
    on_behalf_of: dict[str, Any] = field(default_factory=dict)
    required: tuple[TrainingCourse, ...] | None = field(default=None, compare=False)
    """The training courses rule 1 requires, when already read for this request."""

    @classmethod
    def of(
        cls,
        user: User,
        on_behalf_of: Mapping[str, Any] | None = None,
        *,
        standing: Standing | None = None,
        required: tuple[TrainingCourse, ...] | None = None,
    ) -> ActingAs:
        """``standing``: the user's own, when already read (only used if not acting for
        someone)."""
        if not on_behalf_of:
            own = Standing.of(user) if standing is None else standing
            roles = frozenset(user.roles or ())
            return cls(user, user.organisation, roles, own, required=required)
        practitioner = Practitioner.from_record(on_behalf_of)
        if practitioner is None:
            return cls(user, None, frozenset(), Standing(None, None), dict(on_behalf_of), required)
        return cls(
            user,
            practitioner.organisation,
            frozenset({practitioner.role}),
            practitioner.standing(),
            practitioner.record(),
            required,
        )

    @property
    def agency_id(self) -> str:
        return self.organisation.agency_id if self.organisation else ""

    @property
    def name(self) -> str:
        """Who is asking, in words: "Charlie Ward for Dee Nurse" while acting for someone."""
        if self.on_behalf_of:
            return f"{self.user.display_name} for {self.on_behalf_of.get('name', '')}"
        return self.user.display_name


def facilitated_for(request: HttpRequest) -> dict[str, Any]:
    """The record of the practitioner this session acts for, or ``{}``."""
    session = getattr(request, "session", None)
    found = session.get(SESSION_KEY) if session is not None else None
    return dict(found) if isinstance(found, dict) else {}


def may_search(request: HttpRequest) -> bool:
    """Whether this request may search for children and open their records: its person's roles
    are work with children, or they are an ISA officer acting for a practitioner."""
    user = request.user
    if can(user, "work_with_children"):  # type: ignore[arg-type]
        return True
    return bool(facilitated_for(request)) and can(user, "facilitate_access")  # type: ignore[arg-type]


def acting_as(request: HttpRequest) -> ActingAs:
    """Whose standing this request's decisions are taken on (see ``ActingAs``); the signed-in
    person's own standing and the required courses as this request has read them."""
    user = acting_user(request)
    on_behalf_of = facilitated_for(request)
    standing = None if on_behalf_of else request_standing(request)
    return ActingAs.of(user, on_behalf_of, standing=standing, required=required_courses(request))


def start(request: HttpRequest, *, practitioner: Practitioner, by: User) -> None:
    wanted = practitioner.record()
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
        target=f"practitioner:{acting_for.get('name', '')}",
        request=request,
    )
    request.session.pop(SESSION_KEY, None)
