"""Information sharing: protocols, consents and the one policy decision point.

Other apps use only what ``__all__`` names::

    from fame.sharing import permission
    decision = permission(user, child_ref=uid, holder="hlt-001", purpose="early_help",
                          category="assessment", shielded=False, mfa=True)
    record_disclosure(decision=decision, child_ref=uid, category="assessment",
                      purpose="early_help", requester=Requester.of(user), holder="hlt-001",
                      by=user, request=request)
    if decision.permitted: ...

Names that need Django's models are imported lazily, so importing this package
never disturbs app loading.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fame.sharing._facts import (
    AccessRequest,
    ChildFacts,
    ConsentFacts,
    Decision,
    Facts,
    Grounds,
    OrganisationFacts,
    ProtocolFacts,
    UserFacts,
)
from fame.sharing._pdp import decide
from fame.sharing._reasons import NextSteps, next_steps
from fame.sharing._vocabulary import (
    ALL_ORGANISATIONS,
    DATA_CATEGORIES,
    PURPOSES,
    DataCategory,
    Purpose,
)

__all__ = [
    "ALL_ORGANISATIONS",
    "DATA_CATEGORIES",
    "PURPOSES",
    "AccessRequest",
    "ChildFacts",
    "Consent",
    "ConsentFacts",
    "DataCategory",
    "Decision",
    "Disclosure",
    "Facts",
    "Grounds",
    "NextSteps",
    "OrganisationFacts",
    "Protocol",
    "ProtocolFacts",
    "ProtocolVersion",
    "Purpose",
    "Requester",
    "Scenario",
    "ScenarioError",
    "UserFacts",
    "agreements_in_force",
    "consents_for",
    "create_protocol",
    "decide",
    "facts_for",
    "load_scenario",
    "new_protocol_version",
    "next_steps",
    "permission",
    "permissions_for",
    "record_consent",
    "record_disclosure",
    "record_disclosures",
    "scenario_document",
    "withdraw_consent",
]

_LAZY = {
    "Consent": "fame.sharing.models",
    "Protocol": "fame.sharing.models",
    "ProtocolVersion": "fame.sharing.models",
    "create_protocol": "fame.sharing.actions",
    "new_protocol_version": "fame.sharing.actions",
    "record_consent": "fame.sharing.actions",
    "record_disclosure": "fame.sharing.actions",
    "record_disclosures": "fame.sharing.actions",
    "load_scenario": "fame.sharing._scenario",
    "scenario_document": "fame.sharing._scenario",
    "Scenario": "fame.sharing._scenario",
    "ScenarioError": "fame.sharing._scenario",
    "Requester": "fame.sharing.actions",
    "Disclosure": "fame.sharing.models",
    "withdraw_consent": "fame.sharing.actions",
    "facts_for": "fame.sharing.queries",
    "consents_for": "fame.sharing.queries",
    "agreements_in_force": "fame.sharing.queries",
    "permission": "fame.sharing.permissions",
    "permissions_for": "fame.sharing.permissions",
}

if TYPE_CHECKING:
    from fame.sharing._scenario import Scenario, ScenarioError, load_scenario, scenario_document
    from fame.sharing.actions import (
        Requester,
        create_protocol,
        new_protocol_version,
        record_consent,
        record_disclosure,
        record_disclosures,
        withdraw_consent,
    )
    from fame.sharing.models import Consent, Disclosure, Protocol, ProtocolVersion
    from fame.sharing.permissions import permission, permissions_for
    from fame.sharing.queries import agreements_in_force, consents_for, facts_for


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
