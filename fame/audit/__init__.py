"""The tamper-evident audit log (RFC 6962 Merkle tree with signed tree heads).

Other apps use only what ``__all__`` names::

    from fame.audit import record_event
    record_event("auth.login", actor=user, request=request)

One module is public too: ``fame.audit.signing``, the Ed25519 key files
(``signing_key(name)``, ``DATA_DIR/keys/<name>-ed25519.pem``) that sign the
audit log's tree heads and serve any other part of FAME that signs, such as
the federation's process key. It imports nothing else of FAME.

Names that need Django's models are imported lazily, so importing this package
never disturbs app loading.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "AppendOnlyError",
    "AuditEvent",
    "Outcome",
    "QuarterlyCount",
    "SignedTreeHead",
    "TreeHead",
    "TreeHeadPublisher",
    "VerificationResult",
    "check_witnesses",
    "events_for",
    "latest_tree_head",
    "publish_tree_head",
    "quarterly_counts",
    "record_event",
    "sign_tree_head",
    "trust_log_key",
    "verify_audit_log",
]

_LAZY = {
    "AppendOnlyError": "fame.appendonly",
    "AuditEvent": "fame.audit.models",
    "Outcome": "fame.audit.models",
    "TreeHead": "fame.audit.models",
    "TreeHeadPublisher": "fame.audit.publish",
    "VerificationResult": "fame.audit.verify",
    "check_witnesses": "fame.audit.witness_check",
    "events_for": "fame.audit.queries",
    "latest_tree_head": "fame.audit.queries",
    "publish_tree_head": "fame.audit.publish",
    "QuarterlyCount": "fame.audit.queries",
    "quarterly_counts": "fame.audit.queries",
    "record_event": "fame.audit.actions",
    "SignedTreeHead": "fame.audit.witness",
    "sign_tree_head": "fame.audit.witness",
    "trust_log_key": "fame.audit.witness",
    "verify_audit_log": "fame.audit.verify",
}

if TYPE_CHECKING:
    from fame.appendonly import AppendOnlyError
    from fame.audit.actions import record_event
    from fame.audit.models import AuditEvent, Outcome, TreeHead
    from fame.audit.publish import TreeHeadPublisher, publish_tree_head
    from fame.audit.queries import QuarterlyCount, events_for, latest_tree_head, quarterly_counts
    from fame.audit.verify import VerificationResult, verify_audit_log
    from fame.audit.witness import SignedTreeHead, sign_tree_head, trust_log_key
    from fame.audit.witness_check import check_witnesses


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
