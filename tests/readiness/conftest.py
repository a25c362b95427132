"""A round of the small test bank with three partners and three respondents."""

from __future__ import annotations

import pytest

from fame.accounts.models import User
from fame.readiness.bank import read_bank
from fame.readiness.models import BankVersion, Lead, Partner, Respondent, Round
from tests.factories import UserFactory

from .banks import small_bank_text


@pytest.fixture
def bank_version(db) -> BankVersion:
    return BankVersion.keep(read_bank(small_bank_text()))


@pytest.fixture
def respondents(local_authority, school, health_trust) -> list[User]:
    return [
        UserFactory(username="la.governance", organisation=local_authority, roles=["manager"]),
        UserFactory(username="school.practice", organisation=school, roles=["practitioner"]),
        UserFactory(username="health.ict", organisation=health_trust, roles=["practitioner"]),
    ]


@pytest.fixture
def readiness_round(bank_version, partnership_officer, respondents) -> Round:
    round_ = Round.objects.create(
        partnership="Northshire Children's Trust",
        title="Autumn 2026",
        bank_version=bank_version,
        opened_by=partnership_officer,
    )
    for user, lead in zip(respondents, (Lead.GOVERNANCE, Lead.PRACTICE, Lead.ICT), strict=True):
        partner = Partner.objects.create(round=round_, name=user.organisation.name)
        Respondent.objects.create(round=round_, user=user, partner=partner, lead=lead)
    return round_
