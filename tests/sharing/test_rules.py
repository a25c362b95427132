"""The six sharing rules, one named person at a time, through ``permission``."""

from __future__ import annotations

import pytest

from fame.sharing import record_consent

from .conftest import OLIVIA, days_ago

pytestmark = pytest.mark.django_db


# Rule 1: no second factor, vetting, training or accreditation: nothing at all.


def test_rule1_without_second_factor_refuses_even_basic_details(ask, school_teacher) -> None:
    decision = ask(school_teacher, "basic", mfa=False)

    assert decision.decision == "deny"
    assert decision.policies == ["rule1-refuse-no-mfa"]
    assert decision.reasons == ["Refused: you have not used your second factor in this session."]


def test_rule1_unvetted_volunteer_is_refused(ask, unvetted_volunteer) -> None:
    decision = ask(unvetted_volunteer, "basic")

    assert decision.policies == ["rule1-refuse-not-vetted"]
    assert decision.reasons == ["Refused: your enhanced vetting check is missing or has expired."]


def test_rule1_untrained_teacher_is_refused(ask, untrained_teacher) -> None:
    decision = ask(untrained_teacher, "involvement")

    assert decision.policies == ["rule1-refuse-not-trained"]


def test_rule1_worker_of_unaccredited_charity_is_refused(ask, unaccredited_worker) -> None:
    decision = ask(unaccredited_worker, "basic")

    assert decision.decision == "deny"
    assert decision.policies == ["rule1-refuse-organisation-not-accredited"]


def test_rule1_holder_without_second_factor_is_refused_own_record(ask, health_visitor) -> None:
    decision = ask(health_visitor, "case", mfa=False)

    assert decision.policies == ["rule1-refuse-no-mfa"]


# Rule 2: the holding organisation's practitioners see all of their own record.


def test_rule2_health_visitor_sees_own_case_record_without_protocol(ask, health_visitor) -> None:
    decision = ask(health_visitor, "case", purpose="health_care")

    assert decision.decision == "permit"
    assert decision.policies == ["rule2-permit-holding-organisation"]


# Rule 3: basic details and involvement for any vetted practitioner, no consent needed.


@pytest.mark.parametrize("category", ["basic", "involvement"])
def test_rule3_teacher_sees_basic_and_involvement_without_consent(
    ask, school_teacher, category
) -> None:
    decision = ask(school_teacher, category, purpose="education_welfare")

    assert decision.decision == "permit"
    assert decision.policies == ["rule3-permit-basic-and-involvement"]


def test_rule3_reason_names_basic_details(ask, school_teacher) -> None:
    decision = ask(school_teacher, "basic")

    assert decision.reasons == [
        "Permitted: basic details may be shared with any vetted practitioner for a listed purpose."
    ]


# Rule 4: contact details as rule 3, but a shielded child's only for shielding officers.


def test_rule4_teacher_sees_contact_details_of_unshielded_child(ask, school_teacher) -> None:
    assert ask(school_teacher, "contact").policies == ["rule4-permit-contact"]


def test_rule4_teacher_is_refused_contact_details_of_shielded_child(ask, school_teacher) -> None:
    decision = ask(school_teacher, "contact", shielded=True)

    assert decision.decision == "deny"
    assert decision.reasons == [
        "Refused: this child's record is shielded; only shielding officers may see contact details."
    ]


def test_rule4_shielding_officer_sees_contact_details_of_shielded_child(
    ask, shielding_officer
) -> None:
    decision = ask(shielding_officer, "contact", purpose="safeguarding", shielded=True)

    assert decision.policies == ["rule4-permit-shielded-contact-to-shielding-officer"]


def test_rule4_holder_still_sees_own_shielded_contact_details(ask, health_visitor) -> None:
    decision = ask(health_visitor, "contact", shielded=True)

    assert decision.policies == ["rule2-permit-holding-organisation"]


def test_rule4_shielded_child_basic_details_still_shared(ask, school_teacher) -> None:
    assert ask(school_teacher, "basic", shielded=True).decision == "permit"


# Rule 5: assessment, case and sensitive need a protocol AND a permit consent; deny wins.


def test_rule5_without_protocol_assessment_is_refused(
    ask, school_teacher, consent_for_school
) -> None:
    decision = ask(school_teacher, "assessment")

    assert decision.decision == "deny"
    assert decision.policies == []
    assert decision.reasons == [
        "Refused: no information-sharing protocol in force covers both organisations, "
        "this purpose and assessment."
    ]


def test_rule5_protocol_without_consent_is_refused(
    ask, school_teacher, early_help_protocol
) -> None:
    decision = ask(school_teacher, "assessment")

    assert decision.decision == "deny"
    assert decision.reasons == [
        "Refused: no consent in force permits sharing assessment with your organisation "
        "for early help."
    ]


def test_rule5_protocol_and_consent_permit_assessment(
    ask, school_teacher, early_help_protocol, consent_for_school
) -> None:
    decision = ask(school_teacher, "assessment")

    assert decision.decision == "permit"
    assert decision.policies == ["rule5-permit-protocol-and-consent"]


def test_rule5_consent_covers_only_its_categories(
    ask, school_teacher, early_help_protocol, consent_for_school
) -> None:
    assert ask(school_teacher, "sensitive").decision == "deny"


def test_rule5_consent_for_another_organisation_does_not_cover_police(
    ask, isa_officer, early_help_protocol, consent_for_school
) -> None:
    assert ask(isa_officer, "assessment").decision == "deny"


def test_rule5_deny_consent_refuses_even_with_permit(
    ask, school_teacher, health_visitor, early_help_protocol, consent_for_school
) -> None:
    record_consent(
        child_ref=OLIVIA,
        grantor="child",
        decision="deny",
        organisations=["*"],
        purposes=["early_help"],
        data_categories=["assessment"],
        in_force_from=days_ago(1),
        recorded_how="verbal",
        by=health_visitor,
    )

    decision = ask(school_teacher, "assessment")

    assert decision.decision == "deny"
    assert decision.policies == ["rule5-refuse-consent-denied"]
    assert decision.reasons == [
        "Refused: a consent in force refuses sharing assessment with your organisation "
        "for early help."
    ]


# Rule 6: for safeguarding, a manager's or ISA officer's override sets consent aside.


@pytest.fixture
def child_refuses_sharing(health_visitor):
    return record_consent(
        child_ref=OLIVIA,
        grantor="child",
        decision="deny",
        organisations=["*"],
        purposes=["safeguarding", "early_help"],
        data_categories=["assessment", "case"],
        in_force_from=days_ago(10),
        recorded_how="verbal",
        by=health_visitor,
    )


def test_rule6_manager_override_permits_despite_deny_consent(
    ask, school_teacher, school_manager, early_help_protocol, child_refuses_sharing
) -> None:
    decision = ask(
        school_teacher,
        "case",
        purpose="safeguarding",
        override_reason="Bruising seen at school today; child says she is afraid to go home.",
        override_authorised_by=school_manager,
        authoriser_mfa=True,
    )

    assert decision.decision == "permit"
    assert decision.policies == ["rule6-permit-safeguarding-override"]


def test_rule6_override_needs_a_reason(
    ask, school_teacher, school_manager, early_help_protocol, child_refuses_sharing
) -> None:
    decision = ask(
        school_teacher,
        "case",
        purpose="safeguarding",
        override_reason="   ",
        override_authorised_by=school_manager,
        authoriser_mfa=True,
    )

    assert decision.decision == "deny"
    assert decision.policies == ["rule5-refuse-consent-denied"]


def test_rule6_override_by_officer_of_another_organisation_is_refused(
    ask, school_teacher, isa_officer, early_help_protocol
) -> None:
    decision = ask(
        school_teacher,
        "case",
        purpose="safeguarding",
        override_reason="Disclosure to a teacher",
        override_authorised_by=isa_officer,
        authoriser_mfa=True,
    )

    assert decision.decision == "deny"
    assert (
        "Refused: the person authorising the safeguarding override is not in your "
        "organisation." in decision.reasons
    )


def test_rule6_authoriser_without_second_factor_is_refused(
    ask, school_teacher, school_manager, early_help_protocol
) -> None:
    decision = ask(
        school_teacher,
        "case",
        purpose="safeguarding",
        override_reason="Disclosure to a teacher",
        override_authorised_by=school_manager,
    )

    assert decision.decision == "deny"
    assert decision.reasons[-1] == (
        "Refused: the person authorising the safeguarding override has not used their "
        "second factor in this session."
    )


def test_rule6_override_still_needs_a_protocol(ask, school_teacher, school_manager) -> None:
    decision = ask(
        school_teacher,
        "case",
        purpose="safeguarding",
        override_reason="Disclosure to a teacher",
        override_authorised_by=school_manager,
        authoriser_mfa=True,
    )

    assert decision.decision == "deny"
    assert decision.reasons == [
        "Refused: no information-sharing protocol in force covers both organisations, "
        "this purpose and case information."
    ]


def test_rule6_override_does_not_apply_to_early_help(
    ask, school_teacher, school_manager, early_help_protocol, child_refuses_sharing
) -> None:
    decision = ask(
        school_teacher,
        "case",
        purpose="early_help",
        override_reason="Disclosure to a teacher",
        override_authorised_by=school_manager,
        authoriser_mfa=True,
    )

    assert decision.policies == ["rule5-refuse-consent-denied"]
