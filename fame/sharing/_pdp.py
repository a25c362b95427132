"""The one policy decision point: Cedar policies in ``policies/*.cedar``, evaluated by cedarpy.

``decide(request, facts)`` turns the facts into a handful of Cedar entities and
a context, asks Cedar, and turns Cedar's answer (which policies fired) into a
``Decision`` with plain-English reasons. Only Cedar's answer decides; the
Python here describes the world to Cedar and explains the answer.

Cedar has no quantifiers ("there is a protocol such that ..."), by design, so
each protocol and consent reaches Cedar as a record of yes/no facts about this
request (is it in force on the day, does it name the requesting organisation,
...). The policies then ask whether the set holds the all-yes record: the
combination, the categories, roles, shielding and the override stay in Cedar.
See docs/adr/0007-sharing-policy-decision-point.md.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import cedarpy

from ._facts import (
    AccessRequest,
    ConsentFacts,
    Decision,
    Facts,
    Grounds,
    ProtocolFacts,
    UserFacts,
)
from ._reasons import explain_refusal, reason_for
from ._vocabulary import ALL_ORGANISATIONS

logger = logging.getLogger(__name__)

POLICY_DIR = Path(__file__).resolve().parent / "policies"
SCHEMA_FILE = POLICY_DIR / "fame.cedarschema"
ACTION = {"type": "Fame::Action", "id": "view"}
_POLICY_ID = re.compile(r'^@id\("([^"]+)"\)', re.MULTILINE)


class PolicyError(RuntimeError):
    """The policy files do not parse or do not match the schema."""


@dataclass(frozen=True)
class LoadedPolicies:
    policy_set: cedarpy.PolicySet
    ids: tuple[str, ...]  # in file order: the order reasons are given in


@functools.cache
def loaded_policies() -> LoadedPolicies:
    """Parse and validate the policy files once per process."""
    files = sorted(POLICY_DIR.glob("*.cedar"))
    text = "\n".join(path.read_text(encoding="utf-8") for path in files)
    ids = tuple(_POLICY_ID.findall(text))
    if len(ids) != len(set(ids)):
        raise PolicyError(f"Two sharing policies share an @id in {POLICY_DIR}.")
    try:
        result = cedarpy.validate_policies(text, SCHEMA_FILE.read_text(encoding="utf-8"))
        policy_set = cedarpy.PolicySet.from_str(text)
    except ValueError as error:
        raise PolicyError(f"The sharing policies in {POLICY_DIR} do not parse: {error}") from error
    if not result.validation_passed:
        problems = "; ".join(str(error) for error in result.errors)
        raise PolicyError(f"The sharing policies do not match {SCHEMA_FILE.name}: {problems}")
    if len(policy_set) != len(ids):
        raise PolicyError(f"Every sharing policy needs an @id annotation ({POLICY_DIR}).")
    return LoadedPolicies(policy_set=policy_set, ids=ids)


def in_force(starts: date, ends: date | None, on: date, withdrawn_on: date | None = None) -> bool:
    """From and to are inclusive; withdrawn on a day means not in force that day or after."""
    if withdrawn_on is not None and on >= withdrawn_on:
        return False
    return starts <= on and (ends is None or on <= ends)


def protocol_fact(
    protocol: ProtocolFacts, request: AccessRequest, requester: str, holder: str
) -> dict[str, Any]:
    """What one protocol says about this request, as yes/no facts."""
    return {
        "in_force": in_force(protocol.starts, protocol.ends, request.on),
        "names_requester": requester in protocol.parties,
        "names_holder": holder in protocol.parties,
        "covers_purpose": request.purpose in protocol.purposes,
        "covers_category": request.category in protocol.categories,
    }


def consent_fact(consent: ConsentFacts, request: AccessRequest, requester: str) -> dict[str, Any]:
    """What one consent says about this request, as yes/no facts."""
    return {
        "decision": consent.decision,
        "in_force": in_force(consent.starts, consent.ends, request.on, consent.withdrawn_on),
        "covers_requester": requester in consent.organisations
        or ALL_ORGANISATIONS in consent.organisations,
        "covers_purpose": request.purpose in consent.purposes,
        "covers_category": request.category in consent.categories,
    }


def _ref(kind: str, id_: str) -> dict[str, str]:
    return {"type": f"Fame::{kind}", "id": id_}


def _user_entity(user: UserFacts) -> dict[str, Any]:
    return {
        "uid": _ref("User", user.id),
        "attrs": {
            "organisation": {"__entity": _ref("Organisation", user.organisation)},
            "roles": sorted(user.roles),
            "mfa": user.mfa,
            "vetted": user.vetted,
            "trained": user.trained,
        },
        "parents": [],
    }


@dataclass(frozen=True)
class CedarInput:
    request: dict[str, Any]
    entities: list[dict[str, Any]]
    protocols: list[dict[str, Any]]
    consents: list[dict[str, Any]]


def cedar_input(request: AccessRequest, facts: Facts) -> CedarInput:
    """The Cedar request and the few entities one decision needs."""
    if request.child != facts.child.id:
        raise ValueError(f"the facts are about child {facts.child.id!r}, not {request.child!r}")
    user = facts.users[request.user]
    holder = facts.child.holder
    people = [user]
    authoriser = None
    if request.override_authorised_by is not None:
        authoriser = facts.users[request.override_authorised_by]
        if authoriser.id != user.id:
            people.append(authoriser)
    # Only the people's organisations: no policy reads the holder's attributes.
    organisation_ids = {person.organisation for person in people}
    entities = [_user_entity(person) for person in people]
    for organisation_id in sorted(organisation_ids):
        organisation = facts.organisations.get(organisation_id)
        accredited = organisation is not None and organisation.accredited
        entities.append(
            {
                "uid": _ref("Organisation", organisation_id),
                "attrs": {"accredited": accredited},
                "parents": [],
            }
        )
    entities.append(
        {
            "uid": _ref("ChildRecord", facts.child.id),
            "attrs": {
                "holder": {"__entity": _ref("Organisation", holder)},
                "shielded": facts.child.shielded,
            },
            "parents": [],
        }
    )
    requester = user.organisation
    protocols = _distinct(protocol_fact(p, request, requester, holder) for p in facts.protocols)
    consents = _distinct(consent_fact(c, request, requester) for c in facts.consents)
    context: dict[str, Any] = {
        "purpose": request.purpose,
        "category": request.category,
        "protocols": protocols,
        "consents": consents,
    }
    if authoriser is not None:
        context["override"] = {
            "reason": request.reason_given,
            "authoriser": {"__entity": _ref("User", authoriser.id)},
        }
    cedar_request = {
        "principal": _ref("User", user.id),
        "action": ACTION,
        "resource": _ref("ChildRecord", facts.child.id),
        "context": context,
    }
    return CedarInput(cedar_request, entities, protocols, consents)


def _distinct(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in records:
        seen.setdefault(tuple(record.values()), record)
    return list(seen.values())


def decide(request: AccessRequest, facts: Facts) -> Decision:
    """Permit or deny ``request`` on ``facts``, naming the policies that fired and why."""
    policies = loaded_policies()
    given = cedar_input(request, facts)
    result = cedarpy.is_authorized(given.request, policies.policy_set, given.entities)
    diagnostics = result.diagnostics
    if diagnostics.errors:
        # A policy that cannot be evaluated is skipped by Cedar; for a forbid that
        # would fail open, so any evaluation error refuses.
        logger.error("sharing policy evaluation failed: %s", diagnostics.errors)
        return Decision(
            decision="deny",
            policies=[],
            reasons=["Refused: the sharing rules could not be checked. Try again later."],
        )
    names = diagnostics.id_annotations_by_reason
    fired = {names.get(internal, internal) for internal in diagnostics.reasons}
    ordered = [policy_id for policy_id in policies.ids if policy_id in fired]
    if result.allowed:
        return Decision(
            decision="permit",
            policies=ordered,
            reasons=[reason_for(policy_id, request, facts) for policy_id in ordered],
            grounds=grounds(ordered, request, facts),
        )
    if ordered:
        return Decision(
            decision="deny",
            policies=ordered,
            reasons=[reason_for(policy_id, request, facts) for policy_id in ordered],
        )
    return Decision(
        decision="deny",
        policies=[],
        reasons=explain_refusal(request, facts, protocols=given.protocols, consents=given.consents),
    )


LAWFUL_BASIS = {
    "rule2-permit-holding-organisation": "The holding organisation's own record.",
    "rule3-permit-basic-and-involvement": (
        "Statutory basis: basic details and involvement are shared for a listed purpose "
        "(Children Act 2004, section 12)."
    ),
    "rule4-permit-contact": (
        "Statutory basis: contact details are shared for a listed purpose "
        "(Children Act 2004, section 12)."
    ),
    "rule4-permit-shielded-contact-to-shielding-officer": (
        "Statutory basis: a shielding officer may see a shielded child's contact details."
    ),
}


def grounds(fired: list[str], request: AccessRequest, facts: Facts) -> Grounds:
    """What a permit rests on, read from the same facts Cedar was given (explains, never decides).

    The first permitting policy in file order names the basis; for rules 5 and 6
    the protocols in force covering the request, and for rule 5 the permit
    consents in force covering it, are named.
    """
    requester = facts.users[request.user].organisation
    holder = facts.child.holder
    for policy_id in fired:
        if policy_id in LAWFUL_BASIS:
            return Grounds(lawful_basis=LAWFUL_BASIS[policy_id])
        if policy_id in {"rule5-permit-protocol-and-consent", "rule6-permit-safeguarding-override"}:
            protocols = [
                p.id
                for p in facts.protocols
                if all(protocol_fact(p, request, requester, holder).values())
            ]
            protocol = protocols[0] if protocols else ""
            if policy_id.startswith("rule6"):
                return Grounds(
                    lawful_basis=(
                        f"Safeguarding override under information-sharing protocol {protocol}: "
                        f"{request.reason_given}"
                    ),
                    protocol=protocol,
                )
            consents = tuple(
                c.id
                for c in facts.consents
                if c.decision == "permit"
                and all(
                    value is True
                    for key, value in consent_fact(c, request, requester).items()
                    if key != "decision"
                )
            )
            return Grounds(
                lawful_basis=f"Consent, under information-sharing protocol {protocol}.",
                protocol=protocol,
                consents=consents,
            )
    return Grounds(lawful_basis="")
