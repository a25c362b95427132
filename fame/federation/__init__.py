"""Federation: the signed hub-node protocol, the federation client, the hub's register of nodes.

Other apps use only what ``__all__`` names. Names that need Django's models are
imported lazily, so importing this package never disturbs app loading.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fame.federation._assertions import (
    AssertionRefused,
    UserAssertion,
    issue_assertion,
    read_assertion,
)
from fame.federation._signatures import KeyRing, SignatureRefused, sign_request, verify_request

__all__ = [
    "ERRORS",
    "KEY_OVERLAP",
    "ApiError",
    "AssertionRefused",
    "Caller",
    "ErrorOut",
    "FederationClient",
    "KeyChangeRefused",
    "KeyRing",
    "NoResponse",
    "Refusal",
    "RequestBody",
    "SignatureRefused",
    "SignedRequest",
    "UserAssertion",
    "federation_api",
    "federation_client",
    "issue_assertion",
    "key_lines",
    "key_ring",
    "node_key",
    "read_assertion",
    "refuse",
    "remember_nonces",
    "replace_key",
    "revoke_key",
    "sign_request",
    "verify_request",
]

_LAZY = {
    "ERRORS": "fame.federation._door",
    "ApiError": "fame.federation._door",
    "ErrorOut": "fame.federation._door",
    "Refusal": "fame.federation._door",
    "RequestBody": "fame.federation._door",
    "SignedRequest": "fame.federation._door",
    "federation_api": "fame.federation._door",
    "KEY_OVERLAP": "fame.federation.rotation",
    "KeyChangeRefused": "fame.federation.rotation",
    "key_lines": "fame.federation.rotation",
    "key_ring": "fame.federation.rotation",
    "replace_key": "fame.federation.rotation",
    "revoke_key": "fame.federation.rotation",
    "node_key": "fame.federation.queries",
    "remember_nonces": "fame.federation.guard",
    "Caller": "fame.federation.guard",
    "FederationClient": "fame.federation.client",
    "NoResponse": "fame.federation.client",
    "federation_client": "fame.federation.client",
    "refuse": "fame.federation.guard",
}

if TYPE_CHECKING:
    from fame.federation._door import (
        ERRORS,
        ApiError,
        ErrorOut,
        Refusal,
        RequestBody,
        SignedRequest,
        federation_api,
    )
    from fame.federation.client import FederationClient, NoResponse, federation_client
    from fame.federation.guard import Caller, refuse, remember_nonces
    from fame.federation.queries import node_key
    from fame.federation.rotation import (
        KEY_OVERLAP,
        KeyChangeRefused,
        key_lines,
        key_ring,
        replace_key,
        revoke_key,
    )


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
