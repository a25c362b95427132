"""This node's decision on a detail request: each category released or refused, with reasons.

The hub forwards, with the signed request, the facts the decision needs from
the regional registers (the requester's standing, the protocols naming either
organisation, the child's consents and shield) as a ``fame sharing explain``
scenario. The node checks those facts against the signed user assertion and
its own knowledge (it holds the record; the requester is who the assertion
says), then decides each category with the same Cedar policy decision point
the hub uses. The hub's registers are read at the moment of the request, so a
consent withdrawn on the hub refuses on every node at once. See
docs/adr/0012-nodes-decide-on-the-hubs-signed-facts.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fame.federation import UserAssertion
from fame.sharing import AccessRequest, Decision, Scenario, ScenarioError, decide, load_scenario

from .models import NodeRecord


class FactsRefused(ValueError):
    """The facts sent with a request do not fit it: nothing is decided or released."""


@dataclass(frozen=True)
class DisclosureRequest:
    """What the hub forwarded: which record, which agency, what is wanted and why."""

    request_id: str
    agency_id: str
    local_id: str
    purpose: str
    categories: tuple[str, ...]
    note: str
    facts: dict[str, Any]
    family_told: bool | None = None
    family_not_told_reason: str = ""

    @property
    def child(self) -> str:
        return f"{self.agency_id}:{self.local_id}"


@dataclass(frozen=True)
class CategoryDecision:
    category: str
    decision: Decision
    items: tuple[str, ...]  # what is released when permitted

    def as_answer(self) -> dict[str, Any]:
        grounds = self.decision.grounds
        return {
            "category": self.category,
            "decision": self.decision.decision,
            "decision_id": self.decision.decision_id,
            "policies": list(self.decision.policies),
            "reasons": list(self.decision.reasons),
            "lawful_basis": grounds.lawful_basis if grounds else "",
            "protocol": grounds.protocol if grounds else "",
            "consents": list(grounds.consents) if grounds else [],
            "items": list(self.items) if self.decision.permitted else [],
        }


# What each category releases from the agency's record, by field.
RELEASES: dict[str, tuple[str, ...]] = {
    "basic": ("given_name", "middle_names", "family_name", "sex", "date_of_birth", "town"),
    "contact": ("address_line_1", "address_line_2", "town", "postcode"),
    "involvement": ("service", "role", "practitioner_email", "started_on", "ended_on"),
    "sensitive": ("service", "role", "practitioner_email", "started_on", "ended_on"),
    "assessment": ("caf",),
    "case": ("case_summary",),
}


def checked_facts(
    assertion: UserAssertion,
    *,
    facts: dict[str, Any],
    child: str,
    holder: str,
    purpose: str,
    categories: Sequence[str],
) -> tuple[Scenario, dict[str, AccessRequest]]:
    """The hub's facts read as a scenario, its requests by category, each checked against
    what this node knows (the child, the holder) and the signed user assertion;
    ``FactsRefused`` when anything does not fit."""
    try:
        scenario = load_scenario(json.dumps(facts))
    except ScenarioError as error:
        raise FactsRefused(f"the facts are not a valid scenario: {error.problems[0]}") from None
    if list(scenario.children) != [child]:
        raise FactsRefused("the facts are about another child")
    if scenario.children[child].holder != holder:
        raise FactsRefused("the facts name another organisation as holder")
    requests = {request.category: request for request in scenario.requests}
    if sorted(requests) != sorted(set(categories)) or len(requests) != len(scenario.requests):
        raise FactsRefused("the facts ask about other categories than the request")
    for request in requests.values():
        user = scenario.users[request.user]
        if request.user != assertion.subject or user.organisation != assertion.organisation:
            raise FactsRefused("the facts are about another requester than the assertion")
        if sorted(user.roles) != sorted(assertion.roles):
            raise FactsRefused("the facts give the requester other roles than the assertion")
        if request.purpose != purpose or request.purpose != assertion.purpose:
            raise FactsRefused("the facts are for another purpose than the request")
        reason = (request.override_reason or "").strip()
        if reason != assertion.override_reason.strip() or (
            (request.override_authorised_by or "") != assertion.override_authoriser
        ):
            raise FactsRefused("the facts' override does not match the assertion")
    return scenario, requests


def decide_on_facts(
    assertion: UserAssertion,
    *,
    facts: dict[str, Any],
    child: str,
    holder: str,
    purpose: str,
    categories: Sequence[str],
) -> dict[str, Decision]:
    """This node's decision for each category, on the checked facts (``FactsRefused`` if not)."""
    scenario, requests = checked_facts(
        assertion,
        facts=facts,
        child=child,
        holder=holder,
        purpose=purpose,
        categories=categories,
    )
    return {c: decide(requests[c], scenario.facts_for(requests[c])) for c in categories}


def decide_disclosure(
    assertion: UserAssertion, wanted: DisclosureRequest, held: NodeRecord | None
) -> list[CategoryDecision]:
    """Each category asked for, decided on the checked facts; ``FactsRefused`` if they do not fit.

    A category is released only on a permit, and only the fields ``RELEASES``
    names for it that the record holds something in (sensitive involvement
    only where this agency's service is one): a permitted category the agency
    holds nothing in releases no items.
    """
    decided = decide_on_facts(
        assertion,
        facts=wanted.facts,
        child=wanted.child,
        holder=wanted.agency_id,
        purpose=wanted.purpose,
        categories=wanted.categories,
    )
    answers = []
    for category in wanted.categories:
        decision = decided[category]
        if held is None:
            decision = Decision(
                decision="deny",
                policies=[],
                reasons=["Refused: this agency holds no record for that child."],
            )
            answers.append(CategoryDecision(category, decision, ()))
        else:
            answers.append(CategoryDecision(category, decision, held_items(held, category)))
    return answers


def _values(record: NodeRecord) -> dict[str, Any]:
    return {**record.data, "caf": record.caf_status, "case_summary": record.case_summary}


def held_items(record: NodeRecord, category: str) -> tuple[str, ...]:
    """The fields of ``category`` this agency's record holds something in."""
    sensitive = str(record.data.get("sensitive", "")).lower() == "true"
    if (category == "involvement" and sensitive) or (category == "sensitive" and not sensitive):
        return ()  # a sensitive service's involvement is released only as "sensitive"
    values = _values(record)
    held = tuple(name for name in RELEASES.get(category, ()) if str(values.get(name) or "").strip())
    if category == "assessment" and not held and _caf_copy(record):
        held = ("caf",)
    return held


def _caf_copy(record: NodeRecord) -> dict[str, Any]:
    from fame.caf import released_copy  # (the CAF app builds on this one)

    return released_copy(record.agency_id, record.local_id)


def released_information(record: NodeRecord, decisions: list[CategoryDecision]) -> dict[str, Any]:
    """What a node sends back: for each permitted category, only the fields it releases;
    ``{}`` for a permitted category this agency holds nothing in.

    For ``assessment``, the CAF's status and, when one is saved, the current
    version of the CAF kept here: its number, date, Lead Professional and
    answers, section by section, as people read them.
    """
    values = _values(record)
    released: dict[str, Any] = {}
    for answer in decisions:
        if not answer.decision.permitted:
            continue
        released[answer.category] = {name: values.get(name, "") for name in answer.items}
        if answer.category == "assessment" and answer.items:
            released["assessment"].update(_caf_copy(record))
    return released
