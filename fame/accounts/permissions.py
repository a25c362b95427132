"""One door for what a signed-in person may do on the platform's own registers.

Access to child data is decided by fame.accounts.access (rule 1) and, for
what is shared, by the sharing policy decision point. This module answers
questions about administration only.
"""

from __future__ import annotations

from .models import Role, User

_ACTIONS: dict[str, frozenset[str]] = {
    "manage_organisations": frozenset({Role.ADMINISTRATOR, Role.ISA_OFFICER}),
    "manage_users": frozenset({Role.ADMINISTRATOR, Role.ISA_OFFICER}),
    "view_audit": frozenset({Role.AUDITOR, Role.ADMINISTRATOR}),
    "review_matches": frozenset({Role.ISA_OFFICER}),
    "manage_protocols": frozenset({Role.ISA_OFFICER}),
    "family_report": frozenset({Role.ISA_OFFICER}),
    "facilitate_access": frozenset({Role.ISA_OFFICER}),
    "shield_records": frozenset({Role.SHIELDING_OFFICER}),
    "see_shielded_contact": frozenset({Role.SHIELDING_OFFICER}),
    "coordinate_cafs": frozenset({Role.CAF_COORDINATOR, Role.MANAGER}),
    "view_nodes": frozenset({Role.ADMINISTRATOR, Role.AUDITOR}),
}


def can(user: User, action: str) -> bool:
    """Whether ``user`` may perform ``action``. Unknown actions are refused."""
    if not user.is_authenticated or not user.is_active:
        return False
    allowed = _ACTIONS.get(action)
    if allowed is None:
        return False
    return any(role in allowed for role in user.roles)


def known_actions() -> frozenset[str]:
    return frozenset(_ACTIONS)
