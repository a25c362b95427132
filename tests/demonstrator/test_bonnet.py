"""Under the bonnet: each message the Technology view opens is built by the federation's own
code, and what the panel shows checks with the real verifiers and the policy decision point."""

from __future__ import annotations

import json

import jwt
import pytest

from fame.federation import SignatureRefused, read_assertion, verify_request
from fame.federation.actions import note_contact, note_failure
from fame.federation.keys import load_public_pem
from fame.federation.models import FederationNode
from fame.sharing import decide, load_scenario

from ..conftest import signed_in_client
from ..factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/demonstrator/bonnet.json"


@pytest.fixture
def board_member(health_trust):
    return UserFactory(username="bea", organisation=health_trust, roles=["caf_coordinator"])


@pytest.fixture
def practitioner(health_trust):
    return UserFactory(username="pat", organisation=health_trust, roles=["practitioner"])


def opened(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return response.json()


def verified(shown):
    """The signature as shown, checked by the real verifier with the key shown beside it."""
    key = load_public_pem(shown["public_key"])
    body = json.dumps(shown["body"], separators=(",", ":")).encode()
    return verify_request(
        method=shown["method"],
        url=shown["url"],
        headers=shown["headers"].items(),
        body=body,
        public_key_for=lambda key_id: key if key_id == shown["signature"]["key_id"] else None,
        origin=shown["url"],
    )


@pytest.mark.parametrize(("refused", "expected"), [("0", "permit"), ("1", "deny")])
def test_details_request_shown_verifies_and_its_decision_is_the_pdps(
    board_member, refused, expected
):
    shown = opened(
        signed_in_client(board_member),
        message="details_requested",
        agency_type="health",
        refused=refused,
    )

    signature = verified(shown)
    key = load_public_pem(shown["public_key"])
    token = shown["headers"]["FAME-User-Assertion"]
    assertion = read_assertion(token, public_key=key, audience=shown["to"])
    facts = load_scenario(json.dumps(shown["body"]["facts"]))
    request = facts.requests[0]
    decision = decide(request, facts.facts_for(request))

    assert signature.key_id == "hub" and signature.covers_assertion
    assert assertion.purpose == "early_help" and assertion.child == facts.requests[0].child
    assert shown["assertion"]["claims"] == jwt.decode(
        token, key, algorithms=["EdDSA"], audience=shown["to"]
    )
    assert [d["decision"] for d in shown["decisions"]] == [expected]
    assert shown["decisions"][0]["decision"] == decision.decision
    assert shown["decisions"][0]["reasons"] == decision.reasons


def test_a_message_changed_after_signing_does_not_verify(board_member):
    shown = opened(signed_in_client(board_member), message="details_requested")
    shown["body"]["purpose"] = "safeguarding"

    with pytest.raises(SignatureRefused, match="tampered"):
        verified(shown)


@pytest.mark.parametrize("message", ["index_updated", "tree_head_signed"])
def test_other_federation_messages_shown_verify(board_member, message):
    shown = opened(signed_in_client(board_member), message=message, size="1000")

    assert verified(shown).key_id == shown["signature"]["key_id"]
    if message == "tree_head_signed":
        assert shown["body"]["tree_size"] == 1000 and shown["tree_head"]["signed_by_hub"]


def test_an_index_update_shown_withholds_the_childs_details(board_member):
    shown = opened(signed_in_client(board_member), message="index_updated", agency_type="school")

    record = shown["body"]["updates"][0]["payload"]["record"]
    assert record["family_name"] == "(withheld in this view)"
    assert record["agency_id"].startswith("sch-")


def test_a_refused_answer_carries_the_nodes_reasons(board_member):
    shown = opened(signed_in_client(board_member), message="request_refused")

    assert shown["body"]["decisions"][0]["decision"] == "deny"
    assert shown["body"]["information"] == {}
    assert "consent" in shown["body"]["decisions"][0]["reasons"][0]


@pytest.mark.parametrize(
    "query",
    [
        {"message": "gossip"},
        {"message": "details_requested", "agency_type": "bank"},
        {"message": "tree_head_signed", "size": "0"},
        {"message": "details_requested", "extra": "1"},
    ],
)
def test_bad_questions_get_a_clear_answer(board_member, query):
    response = signed_in_client(board_member).get(URL, query)

    assert response.status_code == 400
    assert response.json()["problems"]


def test_the_nodes_list_is_for_those_who_oversee_the_region(practitioner):
    response = signed_in_client(practitioner).get("/demonstrator/nodes.json")

    assert response.status_code == 403


def test_the_nodes_list_names_each_nodes_type_and_whether_it_answers(health_trust):
    manager = UserFactory(username="meg", organisation=health_trust, roles=["manager"])
    up = FederationNode.objects.create(
        name="health-north", base_url="http://127.0.0.1:9", agencies=["hlt-001"], public_key="-"
    )
    down = FederationNode.objects.create(
        name="elsewhere", base_url="http://127.0.0.1:9", agencies=["zzz-001"], public_key="-"
    )
    note_contact(up)
    note_failure(down, "timed out")

    nodes = signed_in_client(manager).get("/demonstrator/nodes.json").json()["nodes"]

    assert nodes == [
        {
            "id": "node-elsewhere",
            "name": "elsewhere",
            "agency_type": "voluntary",
            "status": "unreachable",
            "reachable": False,
        },
        {
            "id": "node-health-north",
            "name": "health-north",
            "agency_type": "health",
            "status": "ok",
            "reachable": True,
        },
    ]


def test_a_node_is_drawn_as_the_type_most_of_its_agencies_are(health_trust):
    from fame.accounts.models import OrganisationType

    from ..factories import OrganisationFactory

    manager = UserFactory(username="meg", organisation=health_trust, roles=["manager"])
    for agency_id in ("gp-001", "gp-002"):
        OrganisationFactory(agency_id=agency_id, type=OrganisationType.GP_PRACTICE)
    FederationNode.objects.create(
        name="mostly-gps",
        base_url="http://127.0.0.1:9",
        agencies=["hlt-001", "gp-001", "gp-002"],  # the first is a health trust
        public_key="-",
    )
    FederationNode.objects.create(
        name="even", base_url="http://127.0.0.1:9", agencies=["gp-001", "hlt-001"], public_key="-"
    )

    nodes = signed_in_client(manager).get("/demonstrator/nodes.json").json()["nodes"]

    assert {n["name"]: n["agency_type"] for n in nodes} == {"mostly-gps": "gp", "even": "health"}
