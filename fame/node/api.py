"""The node's /federation/v1/node/ endpoints: record and CAF updates, detail requests, status.

Record and CAF updates come from the agency's own systems (keys the node
trusts, other than the hub's); detail requests come only from the hub, with a
user assertion; so does the request for this node's status. The door checks
signatures and bodies; every refusal is audited.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import field_validator

from fame.federation import ERRORS, ApiError, Caller, Refusal, RequestBody, SignedRequest
from fame.records import RecordFileError, read_records
from fame.sharing import DATA_CATEGORIES, PURPOSES

from . import actions
from .disclosure import (
    DisclosureRequest,
    FactsRefused,
    decide_disclosure,
    released_information,
)
from .keys import HUB, hub_key, trusted_key
from .models import NodeAgency, NodeRecord
from .queries import node_health

router = Router(tags=["node"])


def _not_the_hub(caller: Caller) -> None:
    if caller.key_id == HUB:
        raise Refusal("the hub may not change an agency's records", key_id=HUB, status=403)


class RecordsIn(RequestBody):
    csv: str = Field(min_length=1, pattern=r"\S")
    """The agency record CSV format, header first."""


class Counts(Schema):
    counts: dict[str, int]


@router.post("/records", auth=SignedRequest(trusted_key), response={200: Counts, **ERRORS})
def records(request: HttpRequest, update: RecordsIn) -> dict[str, Any]:
    """New or changed records, as the agency record CSV format, checked all or nothing."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    _not_the_hub(caller)
    hosted = set(NodeAgency.objects.values_list("agency_id", flat=True))
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "update.csv"
        file.write_text(update.csv, encoding="utf-8")
        try:
            found = read_records(file, known_agencies=None)
        except RecordFileError as error:
            raise ApiError(400, error.summary()) from None
    foreign = sorted({r.agency_id for r in found} - hosted)
    if foreign:
        reason = f"this node does not host {', '.join(foreign)}"
        raise Refusal(reason, key_id=caller.key_id, status=403)
    summary = actions.save_records(found, by=caller.key_id, source="api")
    return {"counts": summary.counts}


class CafIn(RequestBody):
    agency_id: str = Field(min_length=1, max_length=40)
    local_id: str = Field(min_length=1, max_length=64)
    status: Literal["exists", "closed"]


class CafStatus(Schema):
    status: Literal["exists", "closed"]


@router.post("/caf", auth=SignedRequest(trusted_key), response={200: CafStatus, **ERRORS})
def caf(request: HttpRequest, flag: CafIn) -> dict[str, str]:
    """Whether one of the agency's records has a CAF open (``exists``) or ``closed``."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    _not_the_hub(caller)
    if not NodeRecord.objects.filter(agency_id=flag.agency_id, local_id=flag.local_id).exists():
        raise ApiError(404, "no such record")
    actions.set_caf(
        agency_id=flag.agency_id, local_id=flag.local_id, status=flag.status, by=caller.key_id
    )
    return {"status": flag.status}


class DetailRequestIn(RequestBody):
    """What the hub forwards of a practitioner's detail request (``DisclosureRequest``)."""

    request_id: str = Field(min_length=1, max_length=64)
    agency_id: str = Field(min_length=1, max_length=40)
    local_id: str = Field(min_length=1, max_length=64)
    purpose: str = Field(json_schema_extra={"enum": list(PURPOSES)})
    categories: list[str] = Field(
        min_length=1,
        json_schema_extra={
            "items": {"type": "string", "enum": list(DATA_CATEGORIES)},
            "uniqueItems": True,
        },
    )
    """Distinct data categories."""
    note: str = Field("", max_length=1000)
    facts: dict[str, Any]
    """The hub's facts for the sharing decision (docs/adr/0012)."""
    family_told: bool | None = None
    family_not_told_reason: str = Field("", max_length=1000)

    @field_validator("purpose")
    @classmethod
    def _a_purpose(cls, value: str) -> str:
        if value not in PURPOSES:
            raise ValueError(f"the purpose must be one of {', '.join(PURPOSES)}")
        return value

    @field_validator("categories")
    @classmethod
    def _distinct_categories(cls, value: list[str]) -> list[str]:
        if not set(value) <= set(DATA_CATEGORIES) or len(set(value)) != len(value):
            raise ValueError(f"distinct categories of {', '.join(DATA_CATEGORIES)}")
        return value

    def as_request(self) -> DisclosureRequest:
        return DisclosureRequest(
            request_id=self.request_id,
            agency_id=self.agency_id,
            local_id=self.local_id,
            purpose=self.purpose,
            categories=tuple(self.categories),
            note=self.note,
            facts=self.facts,
            family_told=self.family_told,
            family_not_told_reason=self.family_not_told_reason,
        )


class CategoryAnswer(Schema):
    category: str
    decision: str
    decision_id: str
    policies: list[str]
    reasons: list[str]
    lawful_basis: str
    protocol: str
    consents: list[str]
    items: list[str]


class DetailAnswer(Schema):
    request_id: str
    decisions: list[CategoryAnswer]
    information: dict[str, Any]
    """What is released, by permitted category and field; ``{}`` for a permitted category
    the agency holds nothing in (its decision then names no items)."""


@router.post(
    "/detail-requests",
    auth=SignedRequest(trusted_key, assertion_key=hub_key),
    response={200: DetailAnswer, **ERRORS},
)
def detail_requests(request: HttpRequest, asked: DetailRequestIn) -> dict[str, Any]:
    """Decide a detail request for one of this node's records, category by category,
    record each decision, and answer with what is released."""
    caller: Caller = request.auth  # type: ignore[attr-defined]
    assertion = caller.assertion
    wanted = asked.as_request()
    if assertion is None:  # (the door demands one; this keeps the type checker honest)
        raise Refusal("a user assertion is required", key_id=caller.key_id, status=401)
    if assertion.child != wanted.child:
        raise Refusal("the assertion is about another child", key_id=caller.key_id, status=401)
    if not NodeAgency.objects.filter(agency_id=wanted.agency_id).exists():
        raise ApiError(404, "agency not hosted here")
    held = NodeRecord.objects.filter(agency_id=wanted.agency_id, local_id=wanted.local_id).first()
    try:
        decisions = decide_disclosure(assertion, wanted, held)
    except FactsRefused as refused:
        raise Refusal(str(refused), key_id=caller.key_id, status=400) from None
    actions.record_disclosures(assertion=assertion, wanted=wanted, decisions=decisions)
    return {
        "request_id": wanted.request_id,
        "decisions": [decision.as_answer() for decision in decisions],
        "information": released_information(held, decisions) if held is not None else {},
    }


class NodeStatus(Schema):
    node: str
    agencies: list[str]
    records: int
    outbox_backlog: int
    """Index updates waiting to go to the hub."""
    last_error: str
    """The last delivery error of an update still waiting, or empty."""


class StatusIn(RequestBody):
    """Nothing: ``{}``."""


@router.post("/status", auth=SignedRequest(hub_key), response={200: NodeStatus, **ERRORS})
def status(request: HttpRequest, ask: StatusIn) -> dict[str, Any]:
    """This node's name, agencies, records and outbox, for the hub (signed with its key)."""
    return node_health()
