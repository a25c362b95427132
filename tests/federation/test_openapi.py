"""Schemathesis against both OpenAPI documents: no 5xx, and every answer fits its schema.

The documents are loaded from the WSGI application as a peer would fetch them.
A ``before_call`` hook signs each generated request with this process's key:
as the registered node for the hub's endpoints, as an agency's system for a
node's record and CAF updates, and as the hub, with a user assertion about the
body's child, for the rest of a node's endpoints. Generated bodies are mostly
wrong in some way; the door must answer each with a 4xx in the error shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core import NotSet
from schemathesis.generation import GenerationMode

from fame.federation import issue_assertion, sign_request
from fame.federation.keys import private_key, public_pem
from fame.node.actions import trust_key

from .conftest import NODE, ORIGIN

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

AGENCY_SYSTEM = "sch-001-system"
"""The key id of an agency's own system, which sends a node record and CAF updates."""
FROM_AN_AGENCY = ("/federation/v1/node/records", "/federation/v1/node/caf")
WITH_AN_ASSERTION = ("/federation/v1/node/detail-requests", "/federation/v1/node/cafs")
"""Paths (and the paths under them) the hub asks for a person, with a user assertion."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _sender(path: str) -> str:
    if path.startswith("/federation/v1/hub/"):
        return NODE
    return AGENCY_SYSTEM if path in FROM_AN_AGENCY else "hub"


def _assertion_for(body: Any) -> str:
    about = body if isinstance(body, dict) else {}
    child = f"{about.get('agency_id', 'sch-001')}:{about.get('local_id', 'UPN-1001')}"
    purpose = about.get("purpose")
    return issue_assertion(
        subject="bob",
        name="Bob",
        organisation="hlt-001",
        roles=["practitioner"],
        purpose=purpose if isinstance(purpose, str) else "early_help",
        child=child,
        audience=NODE,
        private_key=private_key(),
    )


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Sign the request as its endpoint's sender would (the body is serialised here, once,
    so that the signed bytes are the bytes sent)."""
    path = case.operation.path
    if not path.startswith("/federation/"):
        return
    if isinstance(case.body, NotSet):
        body = b""
    elif isinstance(case.body, bytes):
        body = case.body
    else:
        body = json.dumps(case.body).encode()
    kwargs["data"] = body
    assertion = _assertion_for(case.body) if path.startswith(WITH_AN_ASSERTION) else None
    headers = sign_request(
        method=case.method.upper(),
        url=ORIGIN + case.formatted_path,
        body=body,
        key_id=_sender(path),
        private_key=private_key(),
        assertion=assertion,
    )
    case.headers = {**(case.headers or {}), **headers, "Host": "testserver"}


@pytest.fixture
def region(embedded_node) -> Iterator[None]:
    """The embedded hub and node, and an agency system the node trusts; the WSGI handler
    keeps the test's database connection, as Django's test client does."""
    trust_key(name=AGENCY_SYSTEM, public_key=public_pem(), base_url="")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def run_examples(operation: Any, mode: GenerationMode, statuses: set[int]) -> None:
    """Send generated requests for one operation; check each answer; note its status."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @EXAMPLES
    def answers_within_its_schema(case: Any) -> None:
        response = case.call(base_url=ORIGIN)
        statuses.add(response.status_code)
        case.validate_response(response, checks=CHECKS)

    answers_within_its_schema()


def exercise(document: str) -> dict[str, set[int]]:
    """Run each operation of the document at ``document`` on generated requests, valid and
    not; the statuses each operation answered."""
    schema = schemathesis.openapi.from_wsgi(document, WSGIHandler())
    answered: dict[str, set[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_examples(operation, mode, answered.setdefault(operation.path, set()))
    return answered


def test_hub_api_answers_every_request_within_its_schema(region):
    answered = exercise("/federation/v1/hub/openapi.json")

    assert len(answered) == 3
    assert all(401 not in statuses for statuses in answered.values())  # (signed as the peer)


def test_node_api_answers_every_request_within_its_schema(region):
    answered = exercise("/federation/v1/node/openapi.json")

    assert len(answered) >= 6
    assert all(401 not in statuses for statuses in answered.values())
