"""The decision point against an independent oracle of the six sharing rules.

Hypothesis builds small regions as scenario files (organisations, people,
protocols, consents, shielding, requests), runs them through the same path as
``fame sharing explain`` and compares each decision with ``oracle_permits``,
written here from the rules in plain Python and sharing no code with the PDP.

Readings of the rules that the oracle and the policies share (ADR 0007):
"practitioner" is a person with the practitioner role; rules 3 to 6 are about
practitioners of another organisation than the holder; for a shielded child's
contact details only shielding officers (of any organisation) are permitted,
the holder's own practitioners by rule 2; a blank reason is empty or spaces.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fame.sharing import decide
from fame.sharing._scenario import load_scenario

START = date(2026, 3, 1)
ORGANISATIONS = ["sch-1", "hlt-1", "pol-1"]
PURPOSES = ["early_help", "safeguarding", "health_care"]
ALL_CATEGORIES = ["basic", "contact", "involvement", "sensitive", "assessment", "case"]
GOVERNED = ["assessment", "case", "sensitive"]
ROLES = ["practitioner", "shielding_officer", "manager", "isa_officer", "administrator"]
REASONS = [
    None,
    "",
    "   ",
    "Bruising seen at school today",
    "Disclosure to a teacher",
    "Police concern",
]


def oracle_permits(world: dict[str, Any], request: dict[str, Any]) -> bool:
    """The six rules, read plainly."""
    users = {user["id"]: user for user in world["users"]}
    accredited = {org["id"]: org["accredited"] for org in world["organisations"]}
    child = next(c for c in world["children"] if c["id"] == request["child"])
    user = users[request["user"]]
    day = date.fromisoformat(request["on"])
    purpose, category = request["purpose"], request["data_category"]

    def cleared(person: dict[str, Any]) -> bool:  # rule 1
        return (
            person["mfa"]
            and person["vetted"]
            and person["trained"]
            and accredited[person["organisation"]]
        )

    def between(start: str, end: str | None) -> bool:
        return date.fromisoformat(start) <= day and (end is None or day <= date.fromisoformat(end))

    if not cleared(user):
        return False
    practitioner = "practitioner" in user["roles"]
    own_record = user["organisation"] == child["holder"]
    if own_record and practitioner:  # rule 2
        return True
    if category == "contact" and child["shielded"]:  # rule 4, shielded
        return "shielding_officer" in user["roles"]
    if own_record or not practitioner:
        return False
    if category in ("basic", "involvement", "contact"):  # rules 3 and 4
        return True
    # Rule 5: a protocol, and consent.
    protocol = any(
        user["organisation"] in p["parties"]
        and child["holder"] in p["parties"]
        and purpose in p["purposes"]
        and category in p["data_categories"]
        and between(p["from"], p["to"])
        for p in world["protocols"]
    )
    if not protocol:
        return False
    # Rule 6: the safeguarding override sets consent aside.
    authoriser = users.get(request["override_authorised_by"] or "")
    if (
        purpose == "safeguarding"
        and (request["override_reason"] or "").strip() != ""
        and authoriser is not None
        and authoriser["organisation"] == user["organisation"]
        and ("manager" in authoriser["roles"] or "isa_officer" in authoriser["roles"])
        and cleared(authoriser)
    ):
        return True

    def consents(decision: str) -> bool:
        return any(
            c["child"] == child["id"]
            and c["decision"] == decision
            and ("*" in c["organisations"] or user["organisation"] in c["organisations"])
            and purpose in c["purposes"]
            and category in c["data_categories"]
            and between(c["from"], c["to"])
            and (c["withdrawn_on"] is None or day < date.fromisoformat(c["withdrawn_on"]))
            for c in world["consents"]
        )

    return consents("permit") and not consents("deny")


# -- generating regions -------------------------------------------------------------
# Strategies are built once and subsets drawn as bit masks: generation, not the
# decision point, is what costs time here. Broad protocols and consents are
# drawn often so that rules 5 and 6 are reached, not only refusals.

day_numbers = st.integers(min_value=0, max_value=6)
early_days = st.integers(min_value=0, max_value=3)
mostly_true = st.integers(min_value=0, max_value=15).map(bool)
lengths = st.one_of(st.none(), st.none(), st.integers(min_value=0, max_value=5))
reasons = st.sampled_from(REASONS)
decisions = st.sampled_from(["permit", "permit", "deny"])
request_purposes = st.sampled_from([*PURPOSES, "safeguarding"])
request_categories = st.sampled_from([*ALL_CATEGORIES, *GOVERNED, *GOVERNED])


def day(number: int) -> str:
    return (START + timedelta(days=number)).isoformat()


def subsets(values: list[str], *, broad: bool = True) -> st.SearchStrategy[list[str]]:
    """Non-empty subsets; with ``broad``, all of ``values`` half the time."""
    masks = st.integers(min_value=1, max_value=2 ** len(values) - 1)
    if broad:
        masks = st.one_of(st.just(2 ** len(values) - 1), masks)
    return masks.map(lambda mask: [v for i, v in enumerate(values) if mask >> i & 1])


parties = subsets(ORGANISATIONS)
purposes = subsets(PURPOSES)
governed = subsets(GOVERNED)
categories = subsets(ALL_CATEGORIES, broad=False)
consent_organisations = st.one_of(st.just(["*"]), subsets(ORGANISATIONS, broad=False))
extra_roles = subsets(ROLES[1:], broad=False)
organisation_ids = st.sampled_from(ORGANISATIONS)
counts = st.sampled_from([0, 1, 1, 2, 3])


def period(draw: st.DrawFn) -> tuple[str, str | None]:
    start = draw(early_days)
    length = draw(lengths)
    return day(start), None if length is None else day(start + length)


@st.composite
def regions(draw: st.DrawFn) -> dict[str, Any]:
    organisations = [{"id": org, "accredited": draw(mostly_true)} for org in ORGANISATIONS]
    holder = draw(organisation_ids)
    # Mostly practitioners of other organisations: rules 3 to 6 are about them.
    others = [org for org in ORGANISATIONS if org != holder]
    user_organisations = st.sampled_from([*others, *others, holder])
    users = []
    for n in range(draw(st.integers(min_value=1, max_value=3))):
        roles = draw(extra_roles) if n > 0 or draw(st.booleans()) else []
        users.append(
            {
                "id": f"u{n}",
                "organisation": draw(user_organisations),
                "roles": ["practitioner", *roles] if draw(mostly_true) else roles,
                "mfa": draw(mostly_true),
                "vetted": draw(mostly_true),
                "trained": draw(mostly_true),
            }
        )
    protocols = []
    for n in range(draw(counts)):
        start, end = period(draw)
        protocols.append(
            {
                "id": f"p{n}",
                "parties": draw(parties),
                "purposes": draw(purposes),
                "data_categories": draw(governed),
                "from": start,
                "to": end,
            }
        )
    children = [{"id": "c0", "holder": holder, "shielded": draw(st.booleans())}]
    consents = []
    for _ in range(draw(counts)):
        start, end = period(draw)
        consents.append(
            {
                "child": "c0",
                "decision": draw(decisions),
                "organisations": draw(consent_organisations),
                "purposes": draw(purposes),
                "data_categories": draw(governed) if draw(st.booleans()) else draw(categories),
                "from": start,
                "to": end,
                "withdrawn_on": day(draw(day_numbers)) if not draw(mostly_true) else None,
            }
        )
    requests = []
    for n in range(draw(st.integers(min_value=1, max_value=3))):
        user = draw(st.sampled_from(users))
        colleagues = [u["id"] for u in users if u["organisation"] == user["organisation"]]
        authorisers = st.sampled_from([*colleagues, *colleagues, *(u["id"] for u in users)])
        requests.append(
            {
                "id": f"r{n}",
                "user": user["id"],
                "child": "c0",
                "purpose": draw(request_purposes),
                "data_category": draw(request_categories),
                "on": day(draw(day_numbers)),
                "override_reason": draw(reasons),
                "override_authorised_by": draw(authorisers) if draw(mostly_true) else None,
            }
        )
    return {
        "organisations": organisations,
        "users": users,
        "protocols": protocols,
        "children": children,
        "consents": consents,
        "requests": requests,
    }


@pytest.mark.slow
def test_decision_point_agrees_with_oracle_on_generated_regions() -> None:
    fired: Counter[str] = Counter()

    @settings(
        max_examples=3000,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(regions())
    def agrees(world: dict[str, Any]) -> None:
        scenario = load_scenario(json.dumps(world))
        for request, raw in zip(scenario.requests, world["requests"], strict=True):
            decision = decide(request, scenario.facts_for(request))

            expected = "permit" if oracle_permits(world, raw) else "deny"
            assert decision.decision == expected, (raw, decision)
            assert decision.reasons
            assert decision.reasons[0].startswith(
                "Permitted: " if decision.decision == "permit" else "Refused: "
            )
            fired.update(decision.policies or ["(no policy)"])
            fired[decision.decision] += 1

    agrees()

    # The regions reach every rule, so agreement means something.
    for policy in (
        "rule1-refuse-no-mfa",
        "rule2-permit-holding-organisation",
        "rule3-permit-basic-and-involvement",
        "rule4-permit-contact",
        "rule4-permit-shielded-contact-to-shielding-officer",
        "rule5-permit-protocol-and-consent",
        "rule5-refuse-consent-denied",
        "rule6-permit-safeguarding-override",
        "(no policy)",
    ):
        assert fired[policy] >= 5, (policy, fired)
