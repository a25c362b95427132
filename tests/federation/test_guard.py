"""Every /federation/v1/ endpoint refuses (401, audited, nothing changed) bad signatures."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from fame.audit.models import AuditEvent
from fame.federation import guard, issue_assertion
from fame.federation.keys import private_key
from fame.federation.models import HubReceipt
from fame.index.models import SourceRecord
from fame.node.actions import record_as_row
from fame.node.models import NodeRecord
from fame.sharing import Disclosure

from ..index.conftest import record
from .conftest import NODE, signed_post

pytestmark = pytest.mark.django_db

UPDATES = "/federation/v1/hub/index-updates"
DETAIL = "/federation/v1/node/detail-requests"


def batch(**changes):
    row = record_as_row(record(**changes))
    return {
        "backlog": 1,
        "updates": [
            {
                "idempotency_key": uuid.uuid4().hex,
                "kind": "involvement_started",
                "agency_id": row["agency_id"],
                "payload": {"record": row},
            }
        ],
    }


def refusals() -> list[str]:
    return [e.details["reason"] for e in AuditEvent.objects.filter(action="federation.refused")]


def assert_refused(response, reason: str) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["reason"].startswith(reason)
    assert refusals() and refusals()[-1].startswith(reason)
    assert not SourceRecord.objects.exists()
    assert not HubReceipt.objects.exists()
    assert not Disclosure.objects.exists()


def test_signed_index_update_is_accepted(embedded_node):
    response = signed_post(UPDATES, batch(), key_id=NODE)
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["status"] == "applied"
    assert SourceRecord.objects.count() == 1


def test_unsigned_request_is_refused(embedded_node):
    response = Client().post(UPDATES, batch(), content_type="application/json")
    assert_refused(response, "unsigned")


def test_expired_request_is_refused(embedded_node):
    long_ago = datetime.now(UTC) - timedelta(minutes=3)
    assert_refused(signed_post(UPDATES, batch(), key_id=NODE, created=long_ago), "expired")


def test_replayed_request_is_refused(embedded_node):
    first = signed_post(UPDATES, batch(), key_id=NODE, nonce="same-nonce-twice")
    assert first.status_code == 200
    again = signed_post(UPDATES, batch(given_name="Liv"), key_id=NODE, nonce="same-nonce-twice")
    assert again.status_code == 401
    assert again.json()["reason"].startswith("replayed")
    assert HubReceipt.objects.count() == 1
    assert SourceRecord.objects.get().data["given_name"] == "Olivia"


def test_replay_arriving_while_the_first_is_applied_is_refused_and_undone(
    embedded_node, monkeypatch
):
    # Both copies pass the "seen before?" check, as when the second arrives before the
    # first's transaction has committed: the index-updates endpoint remembers the nonce
    # in the transaction of its effect, and the second copy's effect is undone.
    monkeypatch.setattr(guard, "_already_seen", lambda values: False)
    first = signed_post(UPDATES, batch(), key_id=NODE, nonce="at-the-same-moment")
    assert first.status_code == 200
    again = signed_post(UPDATES, batch(given_name="Liv"), key_id=NODE, nonce="at-the-same-moment")
    assert again.status_code == 401
    assert again.json()["reason"].startswith("replayed")
    assert refusals()[-1].startswith("replayed")
    assert HubReceipt.objects.count() == 1
    assert SourceRecord.objects.get().data["given_name"] == "Olivia"


def test_request_for_another_authority_is_refused(embedded_node):
    response = signed_post(
        UPDATES,
        batch(),
        key_id=NODE,
        url=f"http://127.0.0.1:8102{UPDATES}",
        host="127.0.0.1:8102",
    )
    assert_refused(response, "wrongly addressed")


def test_request_for_another_target_is_refused(embedded_node):
    response = signed_post(
        UPDATES, batch(), key_id=NODE, url="http://testserver/federation/v1/hub/heartbeat"
    )
    assert_refused(response, "bad signature")


def test_tampered_body_is_refused(embedded_node):
    tampered = batch(given_name="Mallory")
    response = signed_post(UPDATES, batch(), key_id=NODE, body=json.dumps(tampered).encode())
    assert_refused(response, "tampered")


def test_tampered_digest_is_refused(embedded_node):
    response = signed_post(
        UPDATES, batch(), key_id=NODE, headers={"Content-Digest": "sha-256=:" + "A" * 43 + "=:"}
    )
    assert response.status_code == 401
    assert not SourceRecord.objects.exists()


def test_unknown_key_is_refused(embedded_node):
    stranger = Ed25519PrivateKey.generate()
    assert_refused(signed_post(UPDATES, batch(), key_id="stranger", key=stranger), "unknown key")


def test_known_name_with_another_key_is_refused(embedded_node):
    impostor = Ed25519PrivateKey.generate()
    assert_refused(signed_post(UPDATES, batch(), key_id=NODE, key=impostor), "bad signature")


def test_update_for_an_agency_the_node_does_not_host_is_forbidden(embedded_node):
    response = signed_post(UPDATES, batch(agency_id="pol-001"), key_id=NODE)
    assert response.status_code == 403
    assert "does not host agency pol-001" in response.json()["reason"]
    assert AuditEvent.objects.filter(action="federation.refused").exists()
    assert not SourceRecord.objects.exists()


# The user assertion on detail requests ------------------------------------------------


def facts(child: str = "sch-001:UPN-1001", **request) -> dict[str, object]:
    """The hub's facts for bob (health visitor) asking the school for case information."""
    return {
        "organisations": [{"id": "hlt-001", "accredited": True}],
        "users": [
            {
                "id": "bob",
                "organisation": "hlt-001",
                "roles": ["practitioner"],
                "mfa": True,
                "vetted": True,
                "trained": True,
            }
        ],
        "protocols": [],
        "children": [{"id": child, "holder": "sch-001", "shielded": False}],
        "consents": [],
        "requests": [
            {
                "id": "case",
                "user": "bob",
                "child": child,
                "purpose": "early_help",
                "data_category": "case",
                "on": "2026-11-23",
                **request,
            }
        ],
    }


def detail(local_id: str = "UPN-1001", **changes) -> dict[str, object]:
    return {
        "request_id": uuid.uuid4().hex,
        "agency_id": "sch-001",
        "local_id": local_id,
        "purpose": "early_help",
        "categories": ["case"],
        "note": "",
        "facts": facts(f"sch-001:{local_id}"),
        **changes,
    }


def assertion(**changes) -> str:
    claims = {
        "subject": "bob",
        "name": "Bob Tester",
        "organisation": "hlt-001",
        "roles": ["practitioner"],
        "purpose": "early_help",
        "child": "sch-001:UPN-1001",
        "audience": NODE,
        "private_key": private_key(),
        "consent_reference": "CONSENT-1",
    }
    claims.update(changes)
    return issue_assertion(**claims)


@pytest.fixture
def held_record(embedded_node):
    NodeRecord.objects.create(
        agency_id="sch-001", local_id="UPN-1001", data=record_as_row(record()), content_hash="x"
    )


def test_detail_request_with_assertion_is_answered_and_logged(held_record):
    response = signed_post(DETAIL, detail(), key_id="hub", assertion=assertion())
    assert response.status_code == 200, response.content
    [decided] = response.json()["decisions"]
    assert (decided["category"], decided["decision"]) == ("case", "deny")
    assert decided["reasons"][0].startswith("Refused: no information-sharing protocol")
    assert response.json()["information"] == {}
    log = Disclosure.objects.get()
    assert (log.requester, log.requester_organisation, log.decision) == ("bob", "hlt-001", "deny")
    assert (log.recorded_at_end, log.child_ref, log.decision_id) == (
        NODE,
        "sch-001:UPN-1001",
        decided["decision_id"],
    )
    assert AuditEvent.objects.filter(action="sharing.disclosure", outcome="refused").exists()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"facts": facts("sch-001:OTHER")}, "the facts are about another child"),
        ({"categories": ["case", "assessment"]}, "the facts ask about other categories"),
        ({"facts": facts(purpose="safeguarding")}, "the facts are for another purpose"),
        ({"facts": {"children": []}}, "the facts are not a valid scenario"),
        ({"facts": facts(user="nobody")}, "the facts are not a valid scenario"),
    ],
)
def test_detail_request_whose_facts_do_not_fit_is_refused(held_record, changes, reason):
    response = signed_post(DETAIL, detail(**changes), key_id="hub", assertion=assertion())
    assert response.status_code == 400, response.content
    assert response.json()["reason"].startswith(reason)
    assert refusals()[-1].startswith(reason)
    assert not Disclosure.objects.exists()


def test_facts_about_someone_other_than_the_asserted_user_are_refused(held_record):
    token = assertion(subject="mallory")
    response = signed_post(DETAIL, detail(), key_id="hub", assertion=token)
    assert response.status_code == 400
    assert "another requester" in response.json()["reason"]
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "a signed user assertion is required"),
        ("not-a-jwt", "the user assertion is not valid"),
        ("expired", "the user assertion has expired"),
        ("audience", "the user assertion is not for"),
        ("forged", "the user assertion is not valid"),
    ],
)
def test_detail_request_with_a_bad_assertion_is_refused(held_record, token, reason):
    made = {
        None: None,
        "not-a-jwt": "not-a-jwt",
        "expired": assertion(now=datetime.now(UTC) - timedelta(minutes=5)),
        "audience": assertion(audience="some-other-node"),
        "forged": assertion(private_key=Ed25519PrivateKey.generate()),
    }[token]
    response = signed_post(DETAIL, detail(), key_id="hub", assertion=made)
    assert response.status_code == 401, response.content
    assert response.json()["reason"].startswith(reason)
    assert refusals()[-1].startswith(reason)
    assert not Disclosure.objects.exists()


def test_replayed_assertion_is_refused(held_record):
    token = assertion()
    assert signed_post(DETAIL, detail(), key_id="hub", assertion=token).status_code == 200
    again = signed_post(DETAIL, detail(), key_id="hub", assertion=token)
    assert again.status_code == 401
    assert again.json()["reason"].startswith("replayed")
    assert Disclosure.objects.count() == 1


def test_assertion_from_an_agency_system_is_refused(held_record):
    from fame.federation.keys import public_pem
    from fame.node.actions import trust_key

    trust_key(name="sch-mis", public_key=public_pem())
    response = signed_post(DETAIL, detail(), key_id="sch-mis", assertion=assertion())
    assert response.status_code == 401
    assert "may not make user assertions" in response.json()["reason"]
