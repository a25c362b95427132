"""Receiving a stepped-up CAF at social care's node: kept once, with its disclosure and audit event,
or refused with nothing kept."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date

import pytest

from fame.audit.models import AuditEvent
from fame.caf.models import ReferralCopy
from fame.caf.node import referral_receipt
from fame.caf.node.actions import Actor
from fame.caf.node.referral_receipt import Referral, ReferralRefused, receive_referral
from fame.sharing import Decision, Disclosure

pytestmark = pytest.mark.django_db

ALICE = Actor(username="alice", name="Alice Smith", organisation="sch-001")


def referral(**changes) -> Referral:
    """Olivia's CAF, version 1, stepped up by Alice from the school to social care."""
    made = Referral(
        uid=uuid.UUID("0b6f9c2e-4d1a-4f7b-9a55-1c2d3e4f5a6b"),
        received_by="lasc-001",
        child_ref="5f0c7a52-2b8e-4a51-9d6e-0e3a1b2c4d5e",
        from_agency="sch-001",
        from_agency_name="Hollins Lane Primary School",
        reason="Neglect concerns.",
        referred_on=date(2026, 11, 20),
        version_number=1,
        content={"conclusions": {"conclusions": "Olivia needs help with morning routines."}},
        decision=Decision(
            decision="permit", policies=["safeguarding"], reasons=["protocol"], decision_id="d-1"
        ),
    )
    return dataclasses.replace(made, **changes)


def receipts() -> int:
    return AuditEvent.objects.filter(action="node.caf_referral_received").count()


def test_a_permitted_referral_is_kept_with_its_disclosure_and_audit_event(embedded_node):
    copy, new = receive_referral(referral=referral(), by=ALICE)

    assert new
    assert ReferralCopy.objects.get() == copy
    assert (copy.received_by, copy.from_agency, copy.referred_by) == (
        "lasc-001",
        "sch-001",
        "alice",
    )
    assert copy.referred_by_name == "Alice Smith"
    assert copy.reason == "Neglect concerns."
    kept = Disclosure.objects.get(request_ref="caf.step_up")
    assert (kept.decision, kept.holder_organisation, kept.decision_id) == (
        "permit",
        "sch-001",
        "d-1",
    )
    event = AuditEvent.objects.get(action="node.caf_referral_received")
    assert event.target == f"referral:{copy.uid.hex}"
    assert event.details["by"] == "alice" and event.details["decision_id"] == "d-1"


def test_a_resent_referral_keeps_one_copy_and_one_receipt(embedded_node):
    first, _ = receive_referral(referral=referral(), by=ALICE)

    again, new = receive_referral(referral=referral(reason="Sent again."), by=ALICE)

    assert not new
    assert again == first and again.reason == "Neglect concerns."
    assert ReferralCopy.objects.count() == 1
    assert receipts() == 1
    assert Disclosure.objects.filter(request_ref="caf.step_up").count() == 1


def test_a_referral_without_a_permit_is_refused_and_nothing_is_kept(embedded_node):
    denied = Decision(decision="deny", policies=["no-protocol"], reasons=["no protocol"])

    with pytest.raises(ReferralRefused) as refused:
        receive_referral(referral=referral(decision=denied), by=ALICE)

    assert refused.value.status == 403
    assert "permit" in refused.value.reason
    assert not ReferralCopy.objects.exists()
    assert receipts() == 0
    assert not Disclosure.objects.filter(request_ref="caf.step_up").exists()


def test_a_referral_for_an_agency_not_hosted_here_is_refused(embedded_node):
    with pytest.raises(ReferralRefused) as refused:
        receive_referral(referral=referral(received_by="pol-001"), by=ALICE)

    assert refused.value.status == 404
    assert not ReferralCopy.objects.exists()
    assert receipts() == 0


def test_when_the_audit_event_fails_the_copy_is_not_kept(embedded_node, monkeypatch):
    def audit_log_fails(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(referral_receipt, "record_event", audit_log_fails)

    with pytest.raises(RuntimeError):
        receive_referral(referral=referral(), by=ALICE)

    assert not ReferralCopy.objects.exists()
    assert not Disclosure.objects.filter(request_ref="caf.step_up").exists()
