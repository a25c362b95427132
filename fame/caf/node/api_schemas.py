"""What the node's CAF endpoints take and answer, declared once (django-ninja schemas), and
the door they share (``HUB_ASKS``).

Requests are checked at the door against these (strict JSON types, lengths no
longer than their columns): a field of the wrong type or too long is a 400
naming it, never coerced or cut short. Answers are what ``queries.describe``
and ``ReferralCopy.summary`` give, field by field, so the OpenAPI document at
/federation/v1/node/openapi.json says exactly what the hub's client reads.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import JsonValue, PlainValidator, StringConstraints, WithJsonSchema

from fame.caf.vocabulary import ActionStatus, Attendance, ClosureReason
from fame.federation import Caller, ErrorOut, RequestBody, SignedRequest
from fame.node import hub_key, trusted_key


def _iso_date(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError("a date is a string, YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date as YYYY-MM-DD") from None


def _uid(value: Any) -> UUID:
    if not isinstance(value, str):
        raise ValueError("a uid is a string of 32 hexadecimal digits")
    try:
        return UUID(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a uid") from None


IsoDate = Annotated[
    date, PlainValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})
]
Uid = Annotated[UUID, PlainValidator(_uid), WithJsonSchema({"type": "string", "format": "uuid"})]


def _one_of(choices: list[str]) -> Any:
    listed: list[JsonValue] = list(choices)
    return Field(pattern=f"^({'|'.join(choices)})$", json_schema_extra={"enum": listed})


AgencyId = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Username = Annotated[str, StringConstraints(max_length=150)]
Name = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=2000)]

HUB_ASKS = SignedRequest(trusted_key, assertion_key=hub_key)
"""Every CAF endpoint's door: the hub's signature with a user assertion, nonces remembered."""


def caller_of(request: HttpRequest) -> Caller:
    """Who sent a request the door let in (``HUB_ASKS`` puts it on ``request.auth``)."""
    return request.auth  # type: ignore[attr-defined]


# Requests -------------------------------------------------------------------


class WithFacts(RequestBody):
    """Every request about a CAF carries the hub's signed facts for the sharing decision."""

    facts: dict[str, Any]
    """The hub's facts (docs/adr/0012): the node decides on them whether the person may see
    the assessment."""


class RecordIn(WithFacts):
    agency_id: AgencyId
    local_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class StartIn(RecordIn):
    checklist: dict[str, Any]
    """The pre-assessment checklist's answers (``structure``'s ``checklist`` section)."""


class SectionIn(WithFacts):
    content: dict[str, Any]
    complete: bool = False


class CompleteIn(WithFacts):
    note: Text = ""


class InviteeIn(RequestBody):
    username: Username = ""
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    organisation: AgencyId
    organisation_name: Name = ""


class MeetingIn(WithFacts):
    held_on: IsoDate
    invitees: list[InviteeIn] = Field(min_length=1)


class MeetingRecordIn(WithFacts):
    attendance: dict[
        Annotated[str, StringConstraints(pattern=r"^[0-9]{1,18}$")],
        Annotated[str, _one_of(list(Attendance.values))],
    ]
    """Each invitation's id (as the meeting lists them) and whether they came."""
    lead_professional: Username = ""
    lead_professional_name: Name = ""
    next_review_on: IsoDate


class ActionIn(WithFacts):
    description: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    owner: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    due_on: IsoDate
    service_id: Annotated[str, StringConstraints(max_length=200)] = ""
    """A service from the hub's directory the action names ("" for none)."""
    service_name: Annotated[str, StringConstraints(max_length=300)] = ""


class ActionStatusIn(WithFacts):
    status: Annotated[str, _one_of(list(ActionStatus.values))]


class EscalationIn(WithFacts):
    reason: Text = ""


class CloseIn(WithFacts):
    reason: Annotated[str, _one_of(list(ClosureReason.values))]
    referred_to: Annotated[str, StringConstraints(max_length=40)] = ""
    note: Text = ""


class HubDecisionIn(RequestBody):
    """The decision point's answer on the step up, as the hub made it."""

    decision: str
    policies: list[str] = []
    reasons: list[str] = []
    decision_id: Annotated[str, StringConstraints(max_length=64)] = ""


class ReferralIn(RequestBody):
    uid: Uid
    received_by: AgencyId
    child_ref: Annotated[str, StringConstraints(max_length=64)] = ""
    from_agency: Annotated[str, StringConstraints(max_length=40)] = ""
    from_agency_name: Name = ""
    reason: Text = ""
    referred_on: IsoDate
    version_number: int = Field(ge=1)
    content: dict[str, Any] = Field(min_length=1)
    decision: HubDecisionIn


class AgencyIn(RequestBody):
    agency_id: AgencyId


class NothingIn(RequestBody):
    """A body that says nothing (the hub sends ``{}``)."""


# Answers --------------------------------------------------------------------


class VersionOut(Schema):
    number: int
    made_by: str
    made_by_name: str
    made_at: str
    reason: str
    note: str


class VersionContentOut(VersionOut):
    content: dict[str, Any]


class SectionOut(Schema):
    state: str
    content: dict[str, Any]
    changed: bool


class InvitationOut(Schema):
    id: int
    username: str
    name: str
    organisation: str
    organisation_name: str
    attendance: str
    attendance_text: str
    escalated: bool


class ActionOut(Schema):
    id: int
    description: str
    owner: str
    due_on: str
    status: str
    status_text: str
    service_id: str = ""
    service_name: str = ""


class MeetingOut(Schema):
    uid: str
    held_on: str
    arranged_by_name: str
    recorded: bool
    lead_professional: str
    next_review_on: str
    invitations: list[InvitationOut]
    actions: list[ActionOut]


class ClosureOut(Schema):
    reason: str
    reason_text: str
    referred_to: str
    note: str
    closed_by_name: str
    closed_at: str


class AssessmentOut(Schema):
    uid: str
    agency_id: str
    local_id: str
    status: str
    assessor: str
    assessor_name: str
    assessor_organisation: str
    lead_professional: str
    lead_professional_name: str
    created_at: str
    working_number: int
    versions: list[VersionOut]
    sections: dict[str, SectionOut]
    meetings: list[MeetingOut]
    closure: ClosureOut | None


class FoundOut(Schema):
    assessment: AssessmentOut | None


class AssessmentAnswer(Schema):
    assessment: AssessmentOut


class CompletedOut(Schema):
    version: VersionOut
    assessment: AssessmentOut


class VersionsOut(Schema):
    versions: list[VersionOut]


class VersionAnswer(Schema):
    version: VersionContentOut


class NotReadyOut(ErrorOut):
    """409 from completing: the assessment is closed, or these sections are not complete."""

    sections: list[str] = []


class ReferralOut(Schema):
    uid: str
    child_ref: str
    from_agency: str
    from_agency_name: str
    referred_by_name: str
    reason: str
    referred_on: str
    version_number: int


class ReferralContentOut(ReferralOut):
    content: dict[str, Any]


class ReferralAnswer(Schema):
    referral: ReferralOut


class ReferralsOut(Schema):
    referrals: list[ReferralOut]


class ReferralContentAnswer(Schema):
    referral: ReferralContentOut
