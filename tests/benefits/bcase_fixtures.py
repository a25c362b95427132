"""Fixtures for the business case's tests: the issue's model saved once, and a readiness
round of the small test bank (as the readiness tests make it) to draw in. Import the
``fixture_*`` names into a test module to use the fixtures by their own names."""

from __future__ import annotations

import pytest

from fame.accounts.models import User
from fame.benefits.models import BenefitsModel
from fame.readiness.bank import read_bank
from fame.readiness.models import BankVersion, Lead, Partner, Respondent, Round
from tests.factories import UserFactory
from tests.readiness.banks import small_bank_text

from .examples import example


@pytest.fixture(name="benefits_model")
def fixture_benefits_model(partnership_officer) -> BenefitsModel:
    model = BenefitsModel.objects.create(
        name="Finding who is involved", partnership="Northshire", created_by=partnership_officer
    )
    model.save_version(example(), by=partnership_officer, note="From the issue")
    return model


@pytest.fixture(name="readiness_round")
def fixture_readiness_round(partnership_officer, local_authority, school, health_trust) -> Round:
    """Autumn 2026, with a governance lead, a practice lead and an ICT lead invited."""
    round_ = Round.objects.create(
        partnership="Northshire Children's Trust",
        title="Autumn 2026",
        bank_version=BankVersion.keep(read_bank(small_bank_text())),
        opened_by=partnership_officer,
    )
    people: list[User] = [
        UserFactory(username="la.governance", organisation=local_authority, roles=["manager"]),
        UserFactory(username="school.practice", organisation=school, roles=["practitioner"]),
        UserFactory(username="health.ict", organisation=health_trust, roles=["practitioner"]),
    ]
    for user, lead in zip(people, (Lead.GOVERNANCE, Lead.PRACTICE, Lead.ICT), strict=True):
        partner = Partner.objects.create(round=round_, name=user.organisation.name)
        Respondent.objects.create(round=round_, user=user, partner=partner, lead=lead)
    return round_
