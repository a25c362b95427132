"""Named people, a protocol and a consent for the sharing tests.

Olivia's health record is held by Northmoor Community Health (hlt-001); Alice,
a teacher at Hollins Lane Primary School (sch-001), asks to see parts of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from fame.accounts.models import User
from fame.sharing import Consent, Decision, Protocol, create_protocol, permission, record_consent

from ..factories import UserFactory

OLIVIA = "person-7f3a9c"


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def school_manager(school) -> User:
    return UserFactory(
        username="grace",
        first_name="Grace",
        organisation=school,
        job_title="Head teacher",
        roles=["manager"],
    )


@pytest.fixture
def shielding_officer(local_authority) -> User:
    return UserFactory(
        username="heidi",
        first_name="Heidi",
        organisation=local_authority,
        job_title="Shielding officer",
        roles=["shielding_officer"],
    )


@pytest.fixture
def untrained_teacher(school) -> User:
    return UserFactory(
        username="ivan", first_name="Ivan", organisation=school, job_title="Teacher", trained=False
    )


@pytest.fixture
def early_help_protocol(isa_officer, school, health_trust, local_authority) -> Protocol:
    """A regional protocol: school, health and the local authority share CAF and case work."""
    return create_protocol(
        reference="northmoor-early-help",
        title="Northmoor early help information-sharing protocol",
        scope="regional",
        parties=["sch-001", "hlt-001", "lasc-001"],
        purposes=["early_help", "safeguarding"],
        data_categories=["assessment", "case", "sensitive"],
        lawful_basis="Children Act 2004 s.10; UK GDPR Art. 6(1)(e)",
        in_force_from=days_ago(60),
        by=isa_officer,
    )


@pytest.fixture
def consent_for_school(health_visitor, school) -> Consent:
    """Olivia's mother agrees the school may see her assessment for early help."""
    return record_consent(
        child_ref=OLIVIA,
        grantor="parent",
        decision="permit",
        organisations=["sch-001"],
        purposes=["early_help", "safeguarding"],
        data_categories=["assessment"],
        in_force_from=days_ago(30),
        recorded_how="written",
        by=health_visitor,
    )


@pytest.fixture
def ask(health_trust) -> Callable[..., Decision]:
    """Ask about Olivia's record at health, with a second factor, unless told otherwise."""

    def ask(user: User, category: str, purpose: str = "early_help", **options: Any) -> Decision:
        options.setdefault("mfa", True)
        options.setdefault("shielded", False)
        return permission(
            user,
            child_ref=OLIVIA,
            holder=health_trust,
            purpose=purpose,
            category=category,
            **options,
        )

    return ask
