"""Federation: the signed hub-node protocol, the federation client, the hub's register of nodes.

Other apps use only what ``__all__`` names. Names that need Django's models are
imported lazily, so importing this package never disturbs app loading.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fame.federation._assertions import AssertionRefused, UserAssertion, issue_assertion
from fame.federation._signatures import SignatureRefused, sign_request, verify_request

__all__ = [
    "AssertionRefused",
    "Caller",
    "FederationClient",
    "NoResponse",
    "SignatureRefused",
    "UserAssertion",
    "federation_client",
    "issue_assertion",
    "refuse",
    "sign_request",
    "signed_endpoint",
    "verify_request",
]

_LAZY = {
    "Caller": "fame.federation.guard",
    "FederationClient": "fame.federation.client",
    "NoResponse": "fame.federation.client",
    "federation_client": "fame.federation.client",
    "refuse": "fame.federation.guard",
    "signed_endpoint": "fame.federation.guard",
}

if TYPE_CHECKING:
    from fame.federation.client import FederationClient, NoResponse, federation_client
    from fame.federation.guard import Caller, refuse, signed_endpoint


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
