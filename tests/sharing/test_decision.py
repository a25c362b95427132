"""The decision point on its own: the policy files, the reasons, failing closed. No database."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import cedarpy
import pytest

from fame.sharing import (
    AccessRequest,
    ChildFacts,
    ConsentFacts,
    Facts,
    OrganisationFacts,
    ProtocolFacts,
    UserFacts,
    _pdp,
    decide,
)
from fame.sharing._pdp import PolicyError, loaded_policies
from fame.sharing._reasons import REASONS

ON = date(2026, 11, 22)


def person(id_: str, organisation: str, *roles: str, **flags: bool) -> UserFacts:
    cleared = {"mfa": True, "vetted": True, "trained": True, **flags}
    return UserFacts(id_, organisation, frozenset(roles or ["practitioner"]), **cleared)


def region(*people: UserFacts, shielded: bool = False, **parts: object) -> Facts:
    return Facts(
        child=ChildFacts("olivia", holder="hlt-001", shielded=shielded),
        organisations={
            "sch-001": OrganisationFacts("sch-001", accredited=True),
            "hlt-001": OrganisationFacts("hlt-001", accredited=True),
        },
        users={p.id: p for p in (person("alice", "sch-001"), *people)},
        **parts,  # type: ignore[arg-type]
    )


PROTOCOL = ProtocolFacts(
    "p1",
    parties=frozenset({"sch-001", "hlt-001"}),
    purposes=frozenset({"safeguarding", "early_help"}),
    categories=frozenset({"case"}),
    starts=date(2026, 1, 1),
    ends=None,
)
DENY_ALL = ConsentFacts(
    "k1",
    "deny",
    organisations=frozenset({"*"}),
    purposes=frozenset({"safeguarding", "early_help"}),
    categories=frozenset({"case"}),
    starts=date(2026, 1, 1),
    ends=None,
    withdrawn_on=None,
)


def asks(category: str, purpose: str = "early_help", **options: object) -> AccessRequest:
    return AccessRequest("alice", "olivia", purpose, category, ON, **options)  # type: ignore[arg-type]


@pytest.fixture
def policy_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A scratch copy of the policy files that the decision point loads instead."""
    shutil.copy(_pdp.SCHEMA_FILE, tmp_path / _pdp.SCHEMA_FILE.name)
    monkeypatch.setattr(_pdp, "POLICY_DIR", tmp_path)
    monkeypatch.setattr(_pdp, "SCHEMA_FILE", tmp_path / _pdp.SCHEMA_FILE.name)
    loaded_policies.cache_clear()
    yield tmp_path
    loaded_policies.cache_clear()


def test_every_policy_has_a_plain_english_reason() -> None:
    assert set(loaded_policies().ids) == set(REASONS)


def test_misspelt_attribute_stops_loading(policy_dir: Path) -> None:
    (policy_dir / "rule.cedar").write_text(
        '@id("typo")\npermit (principal, action, resource) when { principal.mfaa };\n'
    )

    with pytest.raises(PolicyError, match=r"do not match fame\.cedarschema"):
        loaded_policies()


def test_policy_without_id_stops_loading(policy_dir: Path) -> None:
    (policy_dir / "rule.cedar").write_text("permit (principal, action, resource);\n")

    with pytest.raises(PolicyError, match="@id"):
        loaded_policies()


def test_decision_comes_from_cedar_alone(policy_dir: Path) -> None:
    (policy_dir / "all.cedar").write_text(
        '@id("allow-all")\npermit (principal, action, resource);\n'
    )

    decision = decide(asks("case"), region())

    assert (decision.decision, decision.policies) == ("permit", ["allow-all"])


def test_evaluation_error_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = cedarpy.AuthzResult(
        {"decision": "Allow", "diagnostics": {"reason": ["policy0"], "errors": ["overflow"]}}
    )
    monkeypatch.setattr(_pdp.cedarpy, "is_authorized", lambda *args: broken)

    decision = decide(asks("basic"), region())

    assert decision.decision == "deny"
    assert decision.reasons == ["Refused: the sharing rules could not be checked. Try again later."]


def test_every_decision_has_its_own_id() -> None:
    first, second = decide(asks("basic"), region()), decide(asks("basic"), region())

    assert first.decision_id != second.decision_id
    assert len(first.decision_id) == 32


def test_several_rule1_failures_are_all_given() -> None:
    facts = region()
    facts = dataclasses.replace(
        facts, users={"alice": person("alice", "sch-001", mfa=False, trained=False)}
    )

    decision = decide(asks("basic"), facts)

    assert decision.policies == ["rule1-refuse-no-mfa", "rule1-refuse-not-trained"]


def test_person_without_practitioner_role_is_told_why() -> None:
    facts = region()
    facts = dataclasses.replace(facts, users={"alice": person("alice", "sch-001", "administrator")})

    decision = decide(asks("basic"), facts)

    assert decision.reasons == [
        "Refused: only practitioners may see children's information, "
        "and your account does not have the practitioner role."
    ]


def test_safeguarding_refusal_mentions_the_override() -> None:
    decision = decide(asks("case", "safeguarding"), region(protocols=[PROTOCOL]))

    assert decision.reasons == [
        "Refused: no consent in force permits sharing case information with your "
        "organisation for safeguarding.",
        "For safeguarding, a manager or information-sharing officer of your organisation "
        "may authorise an override, giving a reason.",
    ]


def test_override_by_colleague_without_role_explains_each_problem() -> None:
    colleague = person("dave", "sch-001", "practitioner", vetted=False)
    request = asks("case", "safeguarding", override_reason="", override_authorised_by="dave")

    decision = decide(request, region(colleague, protocols=[PROTOCOL], consents=[DENY_ALL]))

    assert decision.policies == ["rule5-refuse-consent-denied"]
    overriding = decide(
        dataclasses.replace(request, override_reason="Disclosure"),
        region(colleague, protocols=[PROTOCOL]),
    )
    assert overriding.reasons[1:] == [
        "Refused: the person authorising the safeguarding override is not a manager or "
        "information-sharing officer.",
        "Refused: the person authorising the safeguarding override has no enhanced vetting "
        "check in date.",
    ]


def test_manager_may_authorise_their_own_request() -> None:
    facts = region()
    facts = dataclasses.replace(
        facts, users={"alice": person("alice", "sch-001", "practitioner", "manager")}
    )
    facts = dataclasses.replace(facts, protocols=[PROTOCOL], consents=[DENY_ALL])
    request = asks("case", "safeguarding", override_reason="Urgent", override_authorised_by="alice")

    assert decide(request, facts).policies == ["rule6-permit-safeguarding-override"]


def test_facts_about_another_child_are_refused() -> None:
    request = dataclasses.replace(asks("basic"), child="noah")

    with pytest.raises(ValueError, match="not 'noah'"):
        decide(request, region())


@pytest.mark.parametrize(("purpose", "category"), [("fun", "basic"), ("early_help", "all")])
def test_request_for_unknown_purpose_or_category_is_refused(purpose: str, category: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        AccessRequest("alice", "olivia", purpose, category, ON)
