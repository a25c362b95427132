"""An embedded region for federation tests: the hub and one node in this process.

The hub reaches the node through the federation client over an in-process
transport (a Django test client): the same signing, checking and code path
as over HTTP, without a network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

import fame.urls  # noqa: F401 - built now, with the embedded role, before a test changes FAME_ROLE
from fame.federation import client as federation_client_module
from fame.federation._breaker import breakers
from fame.federation._signatures import sign_request
from fame.federation.actions import register_node
from fame.federation.keys import private_key, public_pem
from fame.federation.transports import DjangoClientTransport
from fame.node.actions import host_agencies, trust_key

ORIGIN = "http://testserver"
NODE = "northmoor-node"


@pytest.fixture(autouse=True)
def federation_settings(settings, data_dir) -> Iterator[None]:
    settings.FAME_PUBLIC_URL = ORIGIN
    settings.FAME_HUB_URL = ORIGIN
    settings.FAME_NODE_NAME = NODE
    settings.FAME_OUTBOX_MAX_BACKOFF = 0.01
    breakers.reset()
    federation_client_module.use_transport(DjangoClientTransport())
    yield
    federation_client_module.use_transport(None)
    breakers.reset()


@pytest.fixture
def agencies(school, health_trust, local_authority):
    return {"sch-001": school, "hlt-001": health_trust, "lasc-001": local_authority}


@pytest.fixture
def embedded_node(agencies):
    """This process as hub and node, hosting the three test agencies; each trusts the other."""
    node = register_node(
        name=NODE, base_url=ORIGIN, agencies=list(agencies), public_key=public_pem()
    )
    host_agencies(agencies={agency: org.name for agency, org in agencies.items()}, by="test")
    trust_key(name="hub", public_key=public_pem(), base_url=ORIGIN)
    return node


def signed_post(
    path: str,
    payload: Any,
    *,
    key_id: str,
    key: Ed25519PrivateKey | None = None,
    assertion: str | None = None,
    url: str | None = None,
    body: bytes | None = None,
    host: str = "testserver",
    headers: dict[str, str] | None = None,
    **sign_options: Any,
):
    """POST a signed request with the test client; ``url``, ``body``, ``headers`` can tamper."""
    signed_body = json.dumps(payload).encode()
    signed = sign_request(
        method="POST",
        url=url or f"{ORIGIN}{path}",
        body=signed_body,
        key_id=key_id,
        private_key=key or private_key(),
        assertion=assertion,
        **sign_options,
    )
    sent = {k: v for k, v in signed.items() if k.lower() != "content-type"}
    sent.update(headers or {})
    return Client().generic(
        "POST",
        path,
        data=signed_body if body is None else body,
        content_type="application/json",
        headers={**sent, "host": host},
    )


def signed_bytes(
    path: str,
    body: bytes,
    *,
    key_id: str,
    assertion: str | None = None,
    content_type: str = "application/json",
):
    """POST ``body`` exactly as given (bad JSON, bad bytes), correctly signed."""
    signed = sign_request(
        method="POST",
        url=f"{ORIGIN}{path}",
        body=body,
        key_id=key_id,
        private_key=private_key(),
        assertion=assertion,
    )
    sent = {k: v for k, v in signed.items() if k.lower() != "content-type"}
    return Client().generic("POST", path, data=body, content_type=content_type, headers=sent)
