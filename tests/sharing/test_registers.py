"""The registers: every protocol version kept, consents recorded and withdrawn, all audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fame.appendonly import AppendOnlyError
from fame.audit import AuditEvent
from fame.sharing import (
    Disclosure,
    ProtocolVersion,
    Requester,
    create_protocol,
    facts_for,
    new_protocol_version,
    record_consent,
    record_disclosure,
    withdraw_consent,
)
from fame.sharing.queries import current_protocol_versions, protocol_versions

from .conftest import OLIVIA, days_ago

pytestmark = pytest.mark.django_db


def test_new_protocol_version_keeps_every_version(early_help_protocol, isa_officer) -> None:
    new_protocol_version(
        protocol=early_help_protocol,
        purposes=["safeguarding"],
        change_note="Early help moves to the team protocol.",
        by=isa_officer,
    )

    versions = list(protocol_versions(early_help_protocol))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].purposes == ["early_help", "safeguarding"]
    assert versions[1].purposes == ["safeguarding"]
    assert versions[1].parties == versions[0].parties
    assert early_help_protocol.current_version() == versions[1]


def test_protocol_version_cannot_be_changed_or_removed(early_help_protocol) -> None:
    version = early_help_protocol.current_version()
    version.lawful_basis = "Something else"

    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        version.delete()
    assert ProtocolVersion.objects.get(pk=version.pk).lawful_basis.startswith("Children Act")


def test_decisions_use_the_current_version(
    ask, school_teacher, isa_officer, early_help_protocol, consent_for_school
) -> None:
    assert ask(school_teacher, "assessment").decision == "permit"

    new_protocol_version(protocol=early_help_protocol, purposes=["safeguarding"], by=isa_officer)

    assert ask(school_teacher, "assessment").decision == "deny"


def test_protocol_end_date_carried_over_unless_given(early_help_protocol, isa_officer) -> None:
    ends = days_ago(-365)
    second = new_protocol_version(protocol=early_help_protocol, in_force_to=ends, by=isa_officer)
    third = new_protocol_version(protocol=early_help_protocol, lawful_basis="DPA", by=isa_officer)
    fourth = new_protocol_version(protocol=early_help_protocol, in_force_to=None, by=isa_officer)

    assert (second.in_force_to, third.in_force_to, fourth.in_force_to) == (ends, ends, None)


def test_protocol_writes_are_audited(early_help_protocol, isa_officer) -> None:
    new_protocol_version(protocol=early_help_protocol, change_note="Review", by=isa_officer)

    events = AuditEvent.objects.filter(target="protocol:northmoor-early-help").order_by("seq")
    assert [e.action for e in events] == [
        "sharing.protocol_created",
        "sharing.protocol_version_added",
    ]
    assert events[1].actor_username == "charlie"
    assert events[1].details["version"] == 2


def test_protocol_with_unknown_party_is_refused_and_nothing_recorded(isa_officer) -> None:
    with pytest.raises(ValidationError, match="xyz-404"):
        create_protocol(
            reference="team-protocol",
            title="Team protocol",
            scope="team",
            parties=["sch-001", "xyz-404"],
            purposes=["early_help"],
            data_categories=["case"],
            lawful_basis="Consent",
            in_force_from=days_ago(1),
            by=isa_officer,
        )

    assert not ProtocolVersion.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="sharing.").exists()


def test_protocol_with_unknown_purpose_is_refused(isa_officer, school) -> None:
    with pytest.raises(ValidationError, match="fun is not a purpose"):
        create_protocol(
            reference="fun-protocol",
            title="Fun",
            scope="team",
            parties=["sch-001"],
            purposes=["fun"],
            data_categories=["case"],
            lawful_basis="None",
            in_force_from=days_ago(1),
            by=isa_officer,
        )


def test_protocol_ending_before_it_starts_is_refused(isa_officer, school) -> None:
    with pytest.raises(ValidationError, match="on or after the start date"):
        create_protocol(
            reference="backwards",
            title="Backwards",
            scope="team",
            parties=["sch-001"],
            purposes=["early_help"],
            data_categories=["case"],
            lawful_basis="Consent",
            in_force_from=days_ago(1),
            in_force_to=days_ago(2),
            by=isa_officer,
        )


def test_facts_hold_only_protocols_naming_either_organisation(
    early_help_protocol, isa_officer, school_teacher, pending_charity, local_authority
) -> None:
    create_protocol(
        reference="charity-and-council",
        title="Charity and council",
        scope="team",
        parties=["vol-009", "lasc-001"],
        purposes=["early_help"],
        data_categories=["case"],
        lawful_basis="Consent",
        in_force_from=days_ago(1),
        by=isa_officer,
    )

    facts = facts_for(
        school_teacher, OLIVIA, "hlt-001", timezone.localdate(), mfa=True, shielded=False
    )

    assert [p.id for p in facts.protocols] == ["northmoor-early-help@1"]
    assert len(current_protocol_versions()) == 2


def test_consent_withdrawal_takes_effect_the_same_day(
    ask, school_teacher, health_visitor, early_help_protocol, consent_for_school
) -> None:
    assert ask(school_teacher, "assessment").decision == "permit"

    withdrawn = withdraw_consent(consent=consent_for_school, by=health_visitor)

    assert withdrawn.withdrawn_on == timezone.localdate()
    assert withdrawn.withdrawn_by == health_visitor
    assert ask(school_teacher, "assessment").decision == "deny"
    yesterday = timezone.localdate() - timedelta(days=1)
    assert ask(school_teacher, "assessment", on=yesterday).decision == "permit"


def test_consent_writes_are_audited(consent_for_school, health_visitor) -> None:
    withdraw_consent(consent=consent_for_school, by=health_visitor)

    events = AuditEvent.objects.filter(target=f"consent:{consent_for_school.pk}").order_by("seq")
    assert [e.action for e in events] == ["sharing.consent_recorded", "sharing.consent_withdrawn"]
    assert events[0].details["child"] == OLIVIA
    assert events[0].details["organisations"] == ["sch-001"]


def test_consent_cannot_be_withdrawn_twice(consent_for_school, health_visitor) -> None:
    withdraw_consent(consent=consent_for_school, by=health_visitor)

    with pytest.raises(ValidationError, match="already withdrawn"):
        withdraw_consent(consent=consent_for_school, by=health_visitor)


@pytest.mark.parametrize(
    ("organisations", "message"),
    [
        (["*", "sch-001"], "stands alone"),
        ([], "at least one organisation"),
        (["nowhere-1"], "nowhere-1"),
    ],
)
def test_consent_with_bad_organisations_is_refused(
    health_visitor, school, organisations, message
) -> None:
    with pytest.raises(ValidationError, match=message):
        record_consent(
            child_ref=OLIVIA,
            grantor="parent",
            decision="permit",
            organisations=organisations,
            purposes=["early_help"],
            data_categories=["case"],
            in_force_from=days_ago(1),
            recorded_how="written",
            by=health_visitor,
        )


def test_refused_decision_is_recorded_with_its_reasons(ask, school_teacher) -> None:
    decision = ask(school_teacher, "case", mfa=False)

    disclosure = record_disclosure(
        decision=decision,
        child_ref=OLIVIA,
        category="case",
        purpose="early_help",
        requester=Requester.of(school_teacher),
        holder="hlt-001",
        data_items=["case_summary"],
        by=school_teacher,
    )

    event = AuditEvent.objects.get(action="sharing.disclosure")
    assert (event.outcome, event.target, event.actor_username) == (
        "refused",
        f"child:{OLIVIA}",
        "alice",
    )
    assert event.details["decision_id"] == decision.decision_id
    assert event.details["policies"] == ["rule1-refuse-no-mfa"]
    assert event.details["disclosure"] == disclosure.pk
    stored = Disclosure.objects.get()
    assert (stored.decision, stored.requester, stored.requester_organisation) == (
        "deny",
        "alice",
        "sch-001",
    )
    assert stored.reasons == decision.reasons
    assert stored.data_items == []  # nothing released on a refusal
    assert (stored.family_told, stored.recorded_at_end) == ("not_applicable", "hub")


def test_permitted_share_records_protocol_consent_and_lawful_basis(
    ask, school_teacher, early_help_protocol, consent_for_school
) -> None:
    decision = ask(school_teacher, "assessment")
    assert decision.permitted

    stored = record_disclosure(
        decision=decision,
        child_ref=OLIVIA,
        category="assessment",
        purpose="early_help",
        requester=Requester.of(school_teacher),
        holder="hlt-001",
        data_items=["caf"],
        by=school_teacher,
    )

    assert stored.protocol == "northmoor-early-help@1"
    assert stored.consent_references == [str(consent_for_school.pk)]
    assert "northmoor-early-help@1" in stored.lawful_basis
    assert stored.data_items == ["caf"]
    assert stored.family_told == "yes"
    with pytest.raises(AppendOnlyError):
        stored.save()
