"""Facilitated access: decisions are taken on the standing of the practitioner the ISA officer
acts for (organisation, role, vetting, training), with the officer's own second factor."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from fame.accounts.facilitated import ActingAs, Practitioner
from fame.accounts.models import Organisation, TrainingCourse, User
from fame.sharing import Decision, create_protocol, permission, record_consent

from .conftest import OLIVIA, days_ago

pytestmark = pytest.mark.django_db


def share_assessments(parties: list[str], by: User) -> None:
    """A protocol between ``parties`` for early help assessments, and the family's consent to
    share Olivia's with any organisation: the protocol is what differs."""
    record_consent(
        child_ref=OLIVIA,
        grantor="parent",
        decision="permit",
        organisations=["*"],
        purposes=["early_help"],
        data_categories=["assessment"],
        in_force_from=days_ago(10),
        recorded_how="written",
        by=by,
    )
    create_protocol(
        reference=f"assessments-{'-'.join(parties)}",
        title="Sharing assessments",
        scope="regional",
        parties=parties,
        purposes=["early_help"],
        data_categories=["assessment"],
        lawful_basis="Children Act 2004 s10",
        in_force_from=days_ago(30),
        by=by,
    )


def dee(organisation: Organisation, *, vetted: date | None = None) -> dict[str, Any]:
    """The record of Dee Nurse, a practitioner without an account, as the officer checked her."""
    checked = days_ago(200)
    return Practitioner(
        name="Dee Nurse",
        job_title="School nurse",
        organisation=organisation,
        role="practitioner",
        contact="01632 960111",
        reason="Asked on the phone",
        vetting_checked_on=vetted or checked,
        training={c.code: checked for c in TrainingCourse.objects.filter(required=True)},
    ).record()


def assessment_decision(who: User | ActingAs, *, mfa: bool = True) -> Decision:
    """Whether ``who`` may see the assessment the school holds about Olivia, for early help."""
    return permission(
        who,
        child_ref=OLIVIA,
        holder="sch-001",
        purpose="early_help",
        category="assessment",
        shielded=False,
        mfa=mfa,
    )


def may_see_assessment(who: User | ActingAs, *, mfa: bool = True) -> bool:
    return assessment_decision(who, mfa=mfa).permitted


def test_acting_for_a_practitioner_whose_organisation_has_no_protocol_is_refused(
    isa_officer, school, health_trust, local_authority
):
    share_assessments(["sch-001", "lasc-001"], by=isa_officer)
    assert may_see_assessment(isa_officer)  # the officer's own organisation may
    assert not may_see_assessment(ActingAs.of(isa_officer, dee(health_trust)))


def test_acting_for_a_practitioner_whose_organisation_has_a_protocol_is_permitted(
    isa_officer, school, health_trust, local_authority
):
    share_assessments(["sch-001", "hlt-001"], by=isa_officer)
    assert not may_see_assessment(isa_officer)  # the officer's own organisation may not
    assert may_see_assessment(ActingAs.of(isa_officer, dee(health_trust)))


def test_acting_for_a_practitioner_whose_vetting_has_expired_is_refused(
    isa_officer, school, health_trust
):
    share_assessments(["sch-001", "hlt-001"], by=isa_officer)
    expired = timezone.localdate() - timedelta(days=4 * 365)
    decision = assessment_decision(ActingAs.of(isa_officer, dee(health_trust, vetted=expired)))
    assert not decision.permitted
    assert "rule1-refuse-not-vetted" in decision.policies


def test_the_second_factor_is_the_officers_own(isa_officer, school, health_trust):
    share_assessments(["sch-001", "hlt-001"], by=isa_officer)
    assert not may_see_assessment(ActingAs.of(isa_officer, dee(health_trust)), mfa=False)


def test_a_record_naming_no_known_organisation_is_refused_not_the_officers(
    isa_officer, school, local_authority
):
    share_assessments(["sch-001", "lasc-001"], by=isa_officer)
    record = {**dee(local_authority), "agency_id": "gone-001"}
    acting = ActingAs.of(isa_officer, record)
    assert acting.organisation is None
    assert not may_see_assessment(acting)


def test_acting_as_names_both_and_takes_the_practitioners_role(isa_officer, health_trust):
    acting = ActingAs.of(isa_officer, dee(health_trust))
    assert acting.user == isa_officer
    assert acting.roles == frozenset({"practitioner"})
    assert acting.agency_id == "hlt-001"
    assert acting.name == f"{isa_officer.display_name} for Dee Nurse"
    assert acting.on_behalf_of["name"] == "Dee Nurse"
