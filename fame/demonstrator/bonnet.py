"""Under the bonnet: what one of the technology view's messages really carries.

Each message is built here by the federation's own code (``fame.federation``:
RFC 9421 request signatures, the signed user assertion; ``fame.node``: the
holding node's decision with the sharing policy decision point; ``fame.audit``:
the signed tree head), for a made-up practitioner and a pseudonymous child, and
signed with a throwaway key made for this one message and then forgotten. It is
then checked the way its receiver checks it, and the result shown beside it.
Nothing is read from, or written to, the database: no real person is in it.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict, Field

from fame.audit import sign_tree_head
from fame.federation import issue_assertion, read_assertion, sign_request, verify_request
from fame.federation.keys import public_pem
from fame.node import CategoryDecision, decide_on_facts
from fame.records import COLUMNS
from fame.sharing import (
    AccessRequest,
    ChildFacts,
    ConsentFacts,
    Facts,
    OrganisationFacts,
    ProtocolFacts,
    UserFacts,
    scenario_document,
)

from .scenario import AgencyType

Message = Literal[
    "details_requested", "request_answered", "request_refused", "index_updated", "tree_head_signed"
]
HUB_KEY_ID = "hub"
DETAIL_PATH = "/federation/v1/node/detail-requests"  # as fame.federation.detail sends it
UPDATES_PATH = "/federation/v1/hub/index-updates"  # as fame.node.outbox sends it
TREE_HEADS_PATH = "/federation/v1/node/audit/tree-heads"  # as fame.audit.publish sends it
HUB_URL = "https://hub.fame.example"
PURPOSE = "early_help"
CATEGORIES = ("assessment",)
TREE_SIZE_MAX = 200_000
_PREFIX = {
    "school": "sch",
    "health": "hlt",
    "gp": "gp",
    "social_care": "sc",
    "police": "pol",
    "youth": "yth",
    "voluntary": "vol",
}


class BonnetQuery(BaseModel):
    """What the bonnet may be asked for: the kind of message, the agency type at the node's
    end, whether the request is refused, and (a tree head) the audit log's size."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    message: Message
    agency_type: AgencyType = "health"
    refused: Literal["0", "1"] = "0"
    size: int = Field(1, ge=1, le=TREE_SIZE_MAX)


def _node(agency_type: str) -> tuple[str, str, str]:
    """A made-up node for ``agency_type``: its name, its address and an agency it hosts."""
    name = f"{agency_type.replace('_', '-')}-node"
    return name, f"https://{name}.fame.example", f"{_PREFIX[agency_type]}-001"


def _requester(holder_type: str) -> tuple[str, str]:
    """The asking practitioner's agency: a school's, or a health visitor's when a school holds."""
    kind = "health" if holder_type == "school" else "school"
    return kind, f"{_PREFIX[kind]}-002"


def _facts(*, holder: str, asking: str, child: str, subject: str, refused: bool) -> Facts:
    """A made-up world: an accredited practitioner, a protocol naming both agencies, and the
    child's consent to share their assessment, withdrawn yesterday when ``refused``."""
    today = date.today()
    return Facts(
        child=ChildFacts(id=child, holder=holder, shielded=False),
        organisations={
            o: OrganisationFacts(id=o, accredited=True) for o in sorted({holder, asking})
        },
        users={
            subject: UserFacts(
                id=subject,
                organisation=asking,
                roles=frozenset({"practitioner"}),
                mfa=True,
                vetted=True,
                trained=True,
            )
        },
        protocols=[
            ProtocolFacts(
                id="regional-early-help@1",
                parties=frozenset({holder, asking}),
                purposes=frozenset({PURPOSE}),
                categories=frozenset(CATEGORIES),
                starts=today - timedelta(days=365),
                ends=None,
            )
        ],
        consents=[
            ConsentFacts(
                id="consent-1",
                decision="permit",
                organisations=frozenset({asking}),
                purposes=frozenset({PURPOSE}),
                categories=frozenset(CATEGORIES),
                starts=today - timedelta(days=30),
                ends=None,
                withdrawn_on=today - timedelta(days=1) if refused else None,
            )
        ],
    )


def _signed(
    *, url: str, payload: dict[str, Any], key_id: str, key: Ed25519PrivateKey, **extra: Any
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return body, sign_request(
        method="POST", url=url, body=body, key_id=key_id, private_key=key, **extra
    )


def _checked(
    *, url: str, body: bytes, headers: dict[str, str], key_id: str, key: Ed25519PrivateKey
) -> dict[str, Any]:
    """The receiver's check of the signature (``verify_request``), as it reports it."""
    public = key.public_key()
    verified = verify_request(
        method="POST",
        url=url,
        headers=headers.items(),
        body=body,
        public_key_for=lambda asked: public if asked == key_id else None,
        origin=url,
    )
    return {
        "verified": True,
        "key_id": verified.key_id,
        "nonce": verified.nonce,
        "created": verified.created.isoformat(),
        "expires": verified.expires.isoformat(),
        "covers_assertion": verified.covers_assertion,
    }


def _request(
    message: str, url: str, body: bytes, headers: dict[str, str], key: Ed25519PrivateKey
) -> dict[str, Any]:
    return {
        "message": message,
        "method": "POST",
        "url": url,
        "headers": headers,
        "body": json.loads(body),
        "public_key": public_pem(key.public_key()),
    }


def details_request(agency_type: str, *, refused: bool) -> dict[str, Any]:
    """The hub asks a node for a child's assessment: signed, with the user assertion and the
    facts; the node's check and its decision, by the node's own code."""
    key = Ed25519PrivateKey.generate()
    name, base, holder = _node(agency_type)
    asking_type, asking = _requester(agency_type)
    subject = f"practitioner-{secrets.token_hex(4)}"
    local_id = f"case-{secrets.token_hex(6)}"  # the node's own reference, made up
    child = f"{holder}:{local_id}"
    facts = _facts(holder=holder, asking=asking, child=child, subject=subject, refused=refused)
    requests = [
        AccessRequest(user=subject, child=child, purpose=PURPOSE, category=c, on=date.today(), id=c)
        for c in CATEGORIES
    ]
    assertion = issue_assertion(
        subject=subject,
        name="A made-up practitioner",
        organisation=asking,
        roles=["practitioner"],
        purpose=PURPOSE,
        child=child,
        audience=name,
        private_key=key,
        consent_reference="consent-1",
    )
    facts_sent = scenario_document(facts, requests)
    payload: dict[str, Any] = {
        "request_id": secrets.token_hex(16),
        "agency_id": holder,
        "local_id": local_id,
        "purpose": PURPOSE,
        "categories": list(CATEGORIES),
        "note": "",
        "family_told": True,
        "family_not_told_reason": "",
        "facts": facts_sent,
    }
    url = base + DETAIL_PATH
    body, headers = _signed(
        url=url, payload=payload, key_id=HUB_KEY_ID, key=key, assertion=assertion
    )
    checked = _checked(url=url, body=body, headers=headers, key_id=HUB_KEY_ID, key=key)
    read = read_assertion(assertion, public_key=key.public_key(), audience=name)
    decided = decide_on_facts(
        read,
        facts=facts_sent,
        child=child,
        holder=holder,
        purpose=PURPOSE,
        categories=list(CATEGORIES),
    )
    answers = [CategoryDecision(c, decided[c], ()).as_answer() for c in CATEGORIES]
    return {
        **_request("details requested", url, body, headers, key),
        "from": "hub",
        "to": name,
        "about": (
            f"A practitioner at a {asking_type.replace('_', ' ')} asks the "
            f"{agency_type.replace('_', ' ')} "
            f"node for a child's assessment, for {PURPOSE.replace('_', ' ')}."
        ),
        "signature": checked,
        "assertion": {
            "header": jwt.get_unverified_header(assertion),
            "claims": jwt.decode(assertion, key.public_key(), algorithms=["EdDSA"], audience=name),
            "verified": True,
        },
        "decisions": answers,
    }


def details_answer(agency_type: str, *, refused: bool) -> dict[str, Any]:
    """The node's answer to a details request: its decision for each category, what it
    releases (field names only here), on the connection the request came on."""
    asked = details_request(agency_type, refused=refused)
    released = {
        d["category"]: {item: "(withheld in this view)" for item in ("caf",)}
        for d in asked["decisions"]
        if d["decision"] == "permit"
    }
    return {
        "message": "request refused" if refused else "request answered",
        "from": asked["to"],
        "to": "hub",
        "about": "The node's answer: its decision on each category, with the reasons, and "
        "only what it permits.",
        "status": 200,
        "body": {"decisions": asked["decisions"], "information": released},
        "decisions": asked["decisions"],
        "request": {k: asked[k] for k in ("url", "signature")},
    }


def index_update(agency_type: str) -> dict[str, Any]:
    """A node's delivery of an index update to the hub, signed with the node's key."""
    key = Ed25519PrivateKey.generate()
    name, _, holder = _node(agency_type)
    record = {column: "(withheld in this view)" for column in COLUMNS}
    record.update(agency_id=holder, local_id=f"case-{secrets.token_hex(6)}")
    payload = {
        "backlog": 0,
        "updates": [
            {
                "idempotency_key": secrets.token_hex(16),
                "kind": "involvement_started",
                "agency_id": holder,
                "payload": {"record": record},
            }
        ],
    }
    url = HUB_URL + UPDATES_PATH
    body, headers = _signed(url=url, payload=payload, key_id=name, key=key)
    return {
        **_request("index updated", url, body, headers, key),
        "from": name,
        "to": "hub",
        "about": "A node tells the hub that its agency started working with a child: the "
        "record the index matches on. Names, dates and addresses are withheld here.",
        "signature": _checked(url=url, body=body, headers=headers, key_id=name, key=key),
    }


def tree_head(agency_type: str, *, size: int) -> dict[str, Any]:
    """The hub's signed tree head of an audit log of ``size`` entries, sent to a node."""
    key = Ed25519PrivateKey.generate()
    name, base, _ = _node(agency_type)
    entries = [f"entry {n}".encode() for n in range(size)]  # stand-ins for the log's entries
    head = sign_tree_head(entries, private_key=key, timestamp=datetime.now(UTC))
    url = base + TREE_HEADS_PATH
    body, headers = _signed(url=url, payload=head.as_json(), key_id=HUB_KEY_ID, key=key)
    return {
        **_request("tree head signed", url, body, headers, key),
        "from": "hub",
        "to": name,
        "about": f"The hub signs the root of its audit log's hash tree at {size:,} entries and "
        "sends it to every node, which keeps it as a witness: a log changed later would "
        "not match. The entries here are stand-ins; the hash tree and signature are real.",
        "signature": _checked(url=url, body=body, headers=headers, key_id=HUB_KEY_ID, key=key),
        "tree_head": {"signed_by_hub": head.signed_by(key.public_key())},
    }


def opened(query: BonnetQuery) -> dict[str, Any]:
    """What the message ``query`` names carries, built and checked."""
    refused = query.refused == "1"
    if query.message == "details_requested":
        return details_request(query.agency_type, refused=refused)
    if query.message in ("request_answered", "request_refused"):
        return details_answer(query.agency_type, refused=query.message == "request_refused")
    if query.message == "index_updated":
        return index_update(query.agency_type)
    return tree_head(query.agency_type, size=query.size)
