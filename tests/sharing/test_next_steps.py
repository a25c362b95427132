"""What a refused practitioner can do next, read from the reasons real decisions give."""

from __future__ import annotations

import dataclasses

import pytest

from fame.sharing import NextSteps, decide, next_steps

from .test_decision import DENY_ALL, PROTOCOL, asks, person, region

ALICE_AT_SCHOOL = "alice"


def steps_for(request, facts) -> NextSteps:
    decision = decide(request, facts)
    assert not decision.permitted
    return next_steps(decision.reasons)


def offered(steps: NextSteps) -> set[str]:
    return {name for name, value in dataclasses.asdict(steps).items() if value}


def test_no_consent_offers_consent_and_an_override():
    steps = steps_for(asks("case"), region(protocols=[PROTOCOL]))
    assert offered(steps) == {"record_consent", "safeguarding_override"}


def test_a_family_refusal_offers_their_change_of_mind_and_an_override():
    steps = steps_for(asks("case"), region(protocols=[PROTOCOL], consents=[DENY_ALL]))
    assert offered(steps) == {"family_refused", "safeguarding_override"}


def test_a_failed_override_still_offers_one():
    request = asks("case", "safeguarding", override_reason="Bruising")
    steps = steps_for(request, region(protocols=[PROTOCOL], consents=[DENY_ALL]))
    assert "safeguarding_override" in offered(steps)


def test_without_a_protocol_neither_consent_nor_override_helps():
    assert offered(steps_for(asks("case"), region())) == {"no_protocol"}


@pytest.mark.parametrize(
    ("flags", "step"),
    [
        ({"mfa": False}, "sign_in_again"),
        ({"vetted": False}, "renew_vetting"),
        ({"trained": False}, "renew_training"),
    ],
)
def test_rule_one_offers_its_own_remedy_only(flags, step):
    alice = person(ALICE_AT_SCHOOL, "sch-001", **flags)
    assert offered(steps_for(asks("case"), region(alice, protocols=[PROTOCOL]))) == {step}


def test_someone_without_the_practitioner_role_is_told_so():
    manager = person(ALICE_AT_SCHOOL, "sch-001", "manager")
    assert offered(steps_for(asks("basic"), region(manager))) == {"practitioner_role"}


def test_steps_for_several_refusals_join():
    joined = NextSteps(record_consent=True) | NextSteps(no_protocol=True)
    assert offered(joined) == {"record_consent", "no_protocol"}
    assert not NextSteps().any and joined.any
