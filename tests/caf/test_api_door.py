"""The node's CAF endpoints at the API door: bodies checked against their schemas before anything
runs, every refusal in one error shape, and the OpenAPI document saying what each one takes.

Each endpoint is asked as the hub asks (signed, with Alice's assertion), so that only the body
is wrong; none of them reaches a CAF, so none needs one.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from fame.audit.models import AuditEvent
from fame.caf.models import Assessment, ReferralCopy
from fame.caf.node import queries

from ..federation.conftest import signed_bytes, signed_post
from .conftest import caf_url
from .test_api import assertion_for, post_as
from .test_team import arrange, caf  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

NODE_API = "/federation/v1/node"
CAFS = f"{NODE_API}/cafs"
UID = uuid.uuid4()
MEETING = uuid.uuid4()
PERMIT = {"decision": "permit", "policies": ["p"], "reasons": ["r"], "decision_id": "d1"}
REFERRAL = {
    "uid": uuid.uuid4().hex,
    "received_by": "lasc-001",
    "child_ref": str(uuid.uuid4()),
    "from_agency": "sch-001",
    "from_agency_name": "Hollins Lane Primary School",
    "reason": "Neglect concerns.",
    "referred_on": "2026-11-20",
    "version_number": 1,
    "content": {"conclusions": {"conclusions": "Needs help."}},
    "decision": PERMIT,
}

# (endpoint, path, a body with one field of the wrong type, that field)
ENDPOINTS = [
    ("find", f"{CAFS}/find", {"agency_id": 1, "local_id": "UPN-1001"}, "agency_id"),
    (
        "start",
        f"{CAFS}/start",
        {"agency_id": "sch-001", "local_id": "UPN-1001", "checklist": "yes"},
        "checklist",
    ),
    ("current", f"{CAFS}/{UID}", {"facts": ["not", "an", "object"]}, "facts"),
    (
        "save_section",
        f"{CAFS}/{UID}/sections/health",
        {"content": {"strengths": "x"}, "complete": "yes"},
        "complete",
    ),
    ("complete", f"{CAFS}/{UID}/complete", {"note": 5}, "note"),
    ("versions", f"{CAFS}/{UID}/versions", {"facts": "all of them"}, "facts"),
    ("version", f"{CAFS}/{UID}/versions/1", {"facts": 1}, "facts"),
    (
        "arrange_meeting",
        f"{CAFS}/{UID}/meetings",
        {
            "held_on": "2026-13-01",
            "invitees": [{"name": "Bob", "organisation": "hlt-001"}],
        },
        "held_on",
    ),
    (
        "record_meeting",
        f"{CAFS}/{UID}/meetings/{MEETING}",
        {"attendance": {"1": 2}, "lead_professional": "alice", "next_review_on": "2027-01-04"},
        "1",
    ),
    (
        "add_action",
        f"{CAFS}/{UID}/meetings/{MEETING}/actions",
        {"description": "Breakfast club", "owner": "Alice", "due_on": 20270104},
        "due_on",
    ),
    ("action_status", f"{CAFS}/{UID}/actions/3", {"status": True}, "status"),
    ("escalate", f"{CAFS}/{UID}/invitations/4/escalate", {"reason": ["absent"]}, "reason"),
    ("close", f"{CAFS}/{UID}/close", {"reason": "needs_met", "note": {"a": 1}}, "note"),
    (
        "receive_referral",
        f"{CAFS}/referrals",
        {**REFERRAL, "version_number": "1"},
        "version_number",
    ),
    ("referrals_received", f"{CAFS}/referrals/received", {"agency_id": None}, "agency_id"),
    ("referral", f"{CAFS}/referrals/{UID}", {}, ""),  # it reads no field of its body
]
IDS = [e[0] for e in ENDPOINTS]
WITH_FIELDS = [e for e in ENDPOINTS if e[3]]


def asked(path: str, payload: object):
    """``payload`` signed by the hub with Alice's assertion, and the hub's (empty) facts."""
    body = {"facts": {}, **payload} if isinstance(payload, dict) else payload
    return signed_post(path, body, key_id="hub", assertion=assertion_for("alice", "sch-001"))


def bytes_asked(path: str, body: bytes):
    return signed_bytes(path, body, key_id="hub", assertion=assertion_for("alice", "sch-001"))


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    body = json.loads(response.content)
    assert set(body) <= {"error", "reason", "details"}
    assert body["error"] and body["reason"]
    return body


@pytest.mark.parametrize(("endpoint", "path", "wrong", "field"), ENDPOINTS, ids=IDS)
def test_a_body_nested_100000_levels_deep_is_400_not_500(
    embedded_node, endpoint, path, wrong, field
):
    response = bytes_asked(path, b"[" * 100_000 + b"]" * 100_000)

    assert "nests deeper than" in error_of(response, 400)["reason"]


@pytest.mark.parametrize(("endpoint", "path", "wrong", "field"), ENDPOINTS, ids=IDS)
def test_a_body_that_is_not_utf8_is_400_saying_so(embedded_node, endpoint, path, wrong, field):
    response = bytes_asked(path, b'{"agency_id": "sch-\xff\xfe", "facts": {}}')

    assert "not UTF-8" in error_of(response, 400)["reason"]


@pytest.mark.parametrize(
    ("endpoint", "path", "wrong", "field"), WITH_FIELDS, ids=[e[0] for e in WITH_FIELDS]
)
def test_a_field_of_the_wrong_type_is_400_naming_the_field(
    embedded_node, endpoint, path, wrong, field
):
    response = asked(path, wrong)

    found = error_of(response, 400)
    assert [d["field"].rsplit(".", 1)[-1] for d in found["details"]] == [field]
    assert not AuditEvent.objects.filter(action__startswith="node.caf").exists()


@pytest.mark.parametrize(("endpoint", "path", "wrong", "field"), ENDPOINTS, ids=IDS)
def test_a_body_that_is_not_an_object_is_400(embedded_node, endpoint, path, wrong, field):
    error_of(asked(path, [1, 2]), 400)


@pytest.mark.parametrize(
    ("path", "payload", "field", "most"),
    [
        (f"{CAFS}/referrals", REFERRAL, "reason", 2000),
        (f"{CAFS}/referrals", REFERRAL, "from_agency_name", 200),
        (f"{CAFS}/{UID}/complete", {}, "note", 2000),
        (f"{CAFS}/{UID}/close", {"reason": "needs_met"}, "note", 2000),
        (f"{CAFS}/{UID}/invitations/4/escalate", {}, "reason", 2000),
        (
            f"{CAFS}/{UID}/meetings/{MEETING}/actions",
            {"owner": "Alice", "due_on": "2027-01-04"},
            "description",
            2000,
        ),
    ],
    ids=[
        "referral reason",
        "referral from",
        "version note",
        "closure note",
        "escalation",
        "action",
    ],
)
def test_over_long_text_is_refused_saying_how_long_it_may_be(
    embedded_node, path, payload, field, most
):
    response = asked(path, {**payload, field: "x" * (most + 1)})

    found = error_of(response, 400)
    assert [d["field"].rsplit(".", 1)[-1] for d in found["details"]] == [field]
    assert f"at most {most} characters" in found["details"][0]["reason"]
    assert field in found["reason"]
    assert not ReferralCopy.objects.exists()


def test_a_referral_reason_at_the_limit_is_kept_whole(embedded_node):
    reason = "Neglect concerns. " * 111 + "xx"  # 2,000 characters

    response = asked(f"{CAFS}/referrals", {**REFERRAL, "reason": reason})

    assert response.status_code == 200, response.content[:500]
    assert ReferralCopy.objects.get().reason == reason
    assert response.json()["referral"]["reason"] == reason


def test_a_referral_without_a_permit_is_refused_audited_and_not_kept(embedded_node):
    response = asked(f"{CAFS}/referrals", {**REFERRAL, "decision": {"decision": "deny"}})

    assert "permit" in error_of(response, 403)["reason"]
    assert AuditEvent.objects.filter(action="federation.refused").exists()
    assert not ReferralCopy.objects.exists()


def test_a_referral_for_an_agency_not_hosted_here_is_404(embedded_node):
    response = asked(f"{CAFS}/referrals", {**REFERRAL, "received_by": "pol-001"})

    assert "not hosted here" in error_of(response, 404)["reason"]
    assert not ReferralCopy.objects.exists()


def test_an_answer_holds_every_field_the_node_describes(caf):  # noqa: F811 - the fixture
    client, handle = caf
    arrange(client, handle)
    closed = client.post(caf_url(handle, "/close"), {"reason": "needs_met", "note": "Done."})
    assert closed.status_code == 302, closed.content.decode()[:2000]
    assessment = Assessment.objects.get()

    response = post_as(f"{CAFS}/{assessment.uid}", {}, "alice", "sch-001")

    assert response.status_code == 200, response.content[:500]
    described = queries.describe(assessment)
    assert described["meetings"][0]["invitations"] and described["closure"]
    assert response.json() == {"assessment": described}


def test_a_missing_caf_is_404_in_the_error_shape(embedded_node):
    found = error_of(asked(f"{CAFS}/{UID}", {}), 404)

    assert found["error"] == "not found"


def test_another_method_is_405_in_the_error_shape():
    found = error_of(Client().get(f"{CAFS}/find"), 405)

    assert "POST" in found["reason"]


def test_the_node_openapi_document_declares_every_caf_endpoint(embedded_node):
    document = Client().get(f"{NODE_API}/openapi.json").json()

    paths = document["paths"]
    for path, method in (
        ("/cafs/find", "post"),
        ("/cafs/{uid}/sections/{section}", "post"),
        ("/cafs/{uid}/meetings/{meeting}/actions", "post"),
        ("/cafs/referrals", "post"),
        ("/cafs/referrals/{uid}", "post"),
    ):
        operation = paths[f"{NODE_API}{path}"][method]
        assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
        assert operation["security"] == [{"SignedRequest": []}]
    schemas = document["components"]["schemas"]
    complete = paths[f"{NODE_API}/cafs/{{uid}}/complete"]["post"]
    not_ready = complete["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert "sections" in schemas[not_ready.rsplit("/", 1)[-1]]["properties"]
    assert schemas["ReferralIn"]["properties"]["reason"]["maxLength"] == 2000
