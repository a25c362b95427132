"""The node's /federation/v1/node/ endpoints: record and CAF updates, and detail requests.

Record and CAF updates come from the agency's own systems (keys the node
trusts, other than the hub's); detail requests come only from the hub, with a
user assertion. Every answer is JSON; every refusal is audited by the guard.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from fame.federation import Caller, refuse, signed_endpoint
from fame.records import RecordFileError, read_records
from fame.sharing import DATA_CATEGORIES

from . import actions
from .disclosure import (
    DisclosureRequest,
    FactsRefused,
    decide_disclosure,
    released_information,
)
from .keys import HUB, hub_key, trusted_key
from .models import NodeAgency, NodeRecord


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _bad(reason: str) -> JsonResponse:
    return JsonResponse({"error": "bad request", "reason": reason}, status=400)


@signed_endpoint(trusted_key)
def records(request: HttpRequest, caller: Caller) -> HttpResponse:
    """New or changed records, as the agency record CSV format, checked all or nothing."""
    if caller.key_id == HUB:
        return refuse(request, "the hub may not change an agency's records", key_id=HUB, status=403)
    text = _json(request).get("csv")
    if not isinstance(text, str) or not text.strip():
        return _bad('send {"csv": "..."}: the agency record CSV format, header first')
    hosted = set(NodeAgency.objects.values_list("agency_id", flat=True))
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "update.csv"
        file.write_text(text, encoding="utf-8")
        try:
            found = read_records(file, known_agencies=None)
        except RecordFileError as error:
            return _bad(error.summary())
    foreign = sorted({r.agency_id for r in found} - hosted)
    if foreign:
        reason = f"this node does not host {', '.join(foreign)}"
        return refuse(request, reason, key_id=caller.key_id, status=403)
    summary = actions.save_records(found, by=caller.key_id, source="api")
    return JsonResponse({"counts": summary.counts})


@signed_endpoint(trusted_key)
def caf(request: HttpRequest, caller: Caller) -> HttpResponse:
    if caller.key_id == HUB:
        return refuse(request, "the hub may not change an agency's records", key_id=HUB, status=403)
    data = _json(request)
    agency_id, local_id, status = data.get("agency_id"), data.get("local_id"), data.get("status")
    if status not in {"exists", "closed"}:
        return _bad("status must be exists or closed")
    if not NodeRecord.objects.filter(agency_id=agency_id, local_id=local_id).exists():
        return JsonResponse({"error": "not found", "reason": "no such record"}, status=404)
    actions.set_caf(
        agency_id=str(agency_id), local_id=str(local_id), status=str(status), by=caller.key_id
    )
    return JsonResponse({"status": status})


def _disclosure_request(data: dict[str, Any]) -> DisclosureRequest | None:
    categories, facts = data.get("categories"), data.get("facts")
    fields = [data.get(name) for name in ("request_id", "agency_id", "local_id", "purpose")]
    if not all(isinstance(value, str) and value for value in fields):
        return None
    if not isinstance(categories, list) or not categories or not isinstance(facts, dict):
        return None
    if not all(c in DATA_CATEGORIES for c in categories) or len(set(categories)) != len(categories):
        return None
    return DisclosureRequest(
        request_id=data["request_id"],
        agency_id=data["agency_id"],
        local_id=data["local_id"],
        purpose=data["purpose"],
        categories=tuple(str(c) for c in categories),
        note=str(data.get("note", "")),
        facts=facts,
        family_told=told if isinstance(told := data.get("family_told"), bool) else None,
        family_not_told_reason=str(data.get("family_not_told_reason") or ""),
    )


@signed_endpoint(trusted_key, assertion_key=hub_key)
def detail_requests(request: HttpRequest, caller: Caller) -> HttpResponse:
    """Decide a detail request for one of this node's records, category by category,
    record each decision, and answer with what is released."""
    assertion = caller.assertion
    wanted = _disclosure_request(_json(request))
    if assertion is None or wanted is None:
        return _bad(
            "request_id, agency_id, local_id, purpose, categories (distinct data categories) "
            "and facts are needed"
        )
    if assertion.child != wanted.child:
        return refuse(request, "the assertion is about another child", key_id=caller.key_id)
    if not NodeAgency.objects.filter(agency_id=wanted.agency_id).exists():
        return JsonResponse({"error": "not found", "reason": "agency not hosted here"}, status=404)
    held = NodeRecord.objects.filter(agency_id=wanted.agency_id, local_id=wanted.local_id).first()
    try:
        decisions = decide_disclosure(assertion, wanted, held)
    except FactsRefused as refused:
        return refuse(request, str(refused), key_id=caller.key_id, status=400)
    actions.record_disclosures(assertion=assertion, wanted=wanted, decisions=decisions)
    answer: dict[str, Any] = {
        "request_id": wanted.request_id,
        "decisions": [decision.as_answer() for decision in decisions],
        "information": released_information(held, decisions) if held is not None else {},
    }
    return JsonResponse(answer)
