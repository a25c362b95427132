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
    # The Regional Demonstrator's live feed: pseudonymised activity, for those who run
    # and oversee the region.
    "view_demonstrator": frozenset(
        {Role.MANAGER, Role.PARTNERSHIP_OFFICER, Role.ADMINISTRATOR, Role.AUDITOR}
    ),
    # The Readiness Assessment Tool: open a round, invite respondents, moderate the
    # workshop, plan; and publish the case studies partnerships contribute.
    "run_readiness": frozenset({Role.PARTNERSHIP_OFFICER, Role.MANAGER}),
    "moderate_case_studies": frozenset({Role.PARTNERSHIP_OFFICER}),
    # The Benefits Calculator and the Regional Business Case: build and change models.
    "model_benefits": frozenset({Role.PARTNERSHIP_OFFICER, Role.MANAGER}),
    # Management information for the area: aggregate figures, never a child.
    "view_reports": frozenset({Role.MANAGER, Role.CAF_COORDINATOR, Role.PARTNERSHIP_OFFICER}),
    # Comparator areas' figures the reports set beside this area's.
    "manage_comparators": frozenset({Role.MANAGER, Role.PARTNERSHIP_OFFICER}),
    # The service directory: add, change and check entries; import feeds.
    "edit_directory": frozenset({Role.DIRECTORY_EDITOR}),
    # A CAF's budget for a budget-holding Lead Professional (seed 003).
    "allocate_budgets": frozenset({Role.CAF_COORDINATOR}),
    # Whose work is with children (the home page's offer); whether they may reach a
    # child's data on a given day is fame.accounts.access's question.
    # The sharing rules show a child's details to practitioners (and a shielded child's
    # contact details to shielding officers): a person with neither role finds no one, so
    # is told so rather than offered a search that cannot find anyone.
    "work_with_children": frozenset({Role.PRACTITIONER, Role.SHIELDING_OFFICER}),
    # A safeguarding override is authorised by a manager or ISA officer of the asking
    # practitioner's organisation (sharing rule 6).
    "authorise_override": frozenset({Role.MANAGER, Role.ISA_OFFICER}),
}

_PEOPLE = {
    Role.PRACTITIONER: "practitioners",
    Role.CAF_COORDINATOR: "CAF co-ordinators",
    Role.ISA_OFFICER: "information-sharing officers",
    Role.SHIELDING_OFFICER: "shielding officers",
    Role.MANAGER: "managers",
    Role.PARTNERSHIP_OFFICER: "partnership officers",
    Role.DIRECTORY_EDITOR: "directory editors",
    Role.AUDITOR: "auditors",
    Role.ADMINISTRATOR: "administrators",
}


def can(user: User, action: str) -> bool:
    """Whether ``user`` may perform ``action``. Unknown actions are refused."""
    if not user.is_authenticated or not user.is_active:
        return False
    allowed = _ACTIONS.get(action)
    if allowed is None:
        return False
    return any(role in allowed for role in user.roles)


def roles_for(action: str) -> list[Role]:
    """The roles that may perform ``action``, in the order roles are listed."""
    return [role for role in Role if role in _ACTIONS.get(action, frozenset())]


def known_actions() -> frozenset[str]:
    return frozenset(_ACTIONS)


def who_may(action: str) -> str:
    """The people ``action`` is for, in words: "auditors and administrators"."""
    people = [_PEOPLE[role] for role in roles_for(action)]
    if not people:
        return "nobody"
    if len(people) == 1:
        return people[0]
    return f"{', '.join(people[:-1])} and {people[-1]}"
