"""Plain-English reasons for sharing decisions.

Each policy id maps to one sentence. When no policy fires (Cedar denies by
default), ``explain_refusal`` says which condition was missing, reading the
same facts Cedar was given. These functions explain; they never decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ._facts import AccessRequest, Facts, UserFacts
from ._vocabulary import CONSENT_GOVERNED, DataCategory, Purpose, category_name, purpose_name

REASONS: dict[str, str] = {
    "rule1-refuse-no-mfa": "Refused: you have not used your second factor in this session.",
    "rule1-refuse-not-vetted": "Refused: your enhanced vetting check is missing or has expired.",
    "rule1-refuse-not-trained": ("Refused: your required training is missing or has expired."),
    "rule1-refuse-organisation-not-accredited": (
        "Refused: your organisation is not accredited to see children's information."
    ),
    "rule2-permit-holding-organisation": (
        "Permitted: your organisation holds this record, so you may see all of it."
    ),
    "rule3-permit-basic-and-involvement": (
        "Permitted: {category} may be shared with any vetted practitioner for a listed purpose."
    ),
    "rule4-permit-contact": (
        "Permitted: contact details may be shared with any vetted practitioner "
        "for a listed purpose."
    ),
    "rule4-permit-shielded-contact-to-shielding-officer": (
        "Permitted: this child's record is shielded and you are a shielding officer."
    ),
    "rule5-permit-protocol-and-consent": (
        "Permitted: an information-sharing protocol in force covers both organisations, "
        "this purpose and {category}, and a consent in force permits it."
    ),
    "rule5-refuse-consent-denied": (
        "Refused: a consent in force refuses sharing {category} with your organisation "
        "for {purpose}."
    ),
    "rule6-permit-safeguarding-override": (
        "Permitted: safeguarding override, with a reason, authorised by a manager or "
        "information-sharing officer of your organisation; an information-sharing protocol "
        "in force covers both organisations, this purpose and {category}."
    ),
}

NOT_A_PRACTITIONER = (
    "Refused: only practitioners may see children's information, "
    "and your account does not have the practitioner role."
)
SHIELDED_CONTACT = (
    "Refused: this child's record is shielded; only shielding officers may see contact details."
)
NO_PROTOCOL = (
    "Refused: no information-sharing protocol in force covers both organisations, "
    "this purpose and {category}."
)
NO_CONSENT = (
    "Refused: no consent in force permits sharing {category} with your organisation for {purpose}."
)
OVERRIDE_HINT = (
    "For safeguarding, a manager or information-sharing officer of your organisation "
    "may authorise an override, giving a reason."
)
NO_RULE = "Refused: no sharing rule permits this request."

ALL_YES_PROTOCOL = {
    "in_force": True,
    "names_requester": True,
    "names_holder": True,
    "covers_purpose": True,
    "covers_category": True,
}
ALL_YES_PERMIT = {
    "decision": "permit",
    "in_force": True,
    "covers_requester": True,
    "covers_purpose": True,
    "covers_category": True,
}


def _words(request: AccessRequest) -> dict[str, str]:
    return {"category": category_name(request.category), "purpose": purpose_name(request.purpose)}


def reason_for(policy_id: str, request: AccessRequest, facts: Facts) -> str:
    """The sentence for a policy that fired."""
    template = REASONS.get(policy_id)
    if template is None:
        return f"Policy {policy_id} applied."
    return template.format(**_words(request))


def explain_refusal(
    request: AccessRequest,
    facts: Facts,
    *,
    protocols: Sequence[dict[str, Any]],
    consents: Sequence[dict[str, Any]],
) -> list[str]:
    """Why no permit policy fired: the conditions that were missing, most basic first."""
    words = _words(request)
    user = facts.users[request.user]
    shielded_contact = request.category == DataCategory.CONTACT and facts.child.shielded
    if shielded_contact and user.organisation != facts.child.holder:
        return [SHIELDED_CONTACT]
    if "practitioner" not in user.roles:
        return [NOT_A_PRACTITIONER]
    if request.category not in CONSENT_GOVERNED:
        return [NO_RULE]
    if ALL_YES_PROTOCOL not in protocols:
        return [NO_PROTOCOL.format(**words)]
    reasons = [] if ALL_YES_PERMIT in consents else [NO_CONSENT.format(**words)]
    if request.purpose == Purpose.SAFEGUARDING:
        attempted = bool(request.reason_given) or request.override_authorised_by is not None
        if attempted:
            reasons += override_problems(request, facts, user)
        elif reasons:
            reasons.append(OVERRIDE_HINT)
    return reasons or [NO_RULE]


def override_problems(request: AccessRequest, facts: Facts, user: UserFacts) -> list[str]:
    """Why a safeguarding override that was attempted does not apply."""
    problems = []
    if not request.reason_given:
        problems.append("Refused: the safeguarding override needs a reason.")
    if request.override_authorised_by is None:
        problems.append(
            "Refused: the safeguarding override needs a manager or information-sharing "
            "officer of your organisation to authorise it."
        )
        return problems
    authoriser = facts.users[request.override_authorised_by]
    who = "Refused: the person authorising the safeguarding override"
    if authoriser.organisation != user.organisation:
        problems.append(f"{who} is not in your organisation.")
    if not {"manager", "isa_officer"} & authoriser.roles:
        problems.append(f"{who} is not a manager or information-sharing officer.")
    if not authoriser.mfa:
        problems.append(f"{who} has not used their second factor in this session.")
    if not authoriser.vetted:
        problems.append(f"{who} has no enhanced vetting check in date.")
    if not authoriser.trained:
        problems.append(f"{who} has not completed the required training.")
    organisation = facts.organisations.get(authoriser.organisation)
    if organisation is None or not organisation.accredited:
        problems.append(f"{who} belongs to an organisation that is not accredited.")
    return problems


def _opening(template: str) -> str:
    """The fixed start of a reason's sentence, before its first blank."""
    return template.split("{", 1)[0]


@dataclass(frozen=True)
class NextSteps:
    """What a refused practitioner can do next, read from the reasons they were given."""

    record_consent: bool = False
    """No consent in force permits it: if the family agrees, record their consent."""
    family_refused: bool = False
    """A consent in force refuses it: only if the family changes their mind."""
    safeguarding_override: bool = False
    """For safeguarding, a manager or ISA officer of their organisation may authorise it."""
    no_protocol: bool = False
    """No protocol covers it: neither consent nor an override is enough."""
    sign_in_again: bool = False
    renew_vetting: bool = False
    renew_training: bool = False
    organisation_accreditation: bool = False
    practitioner_role: bool = False

    @property
    def any(self) -> bool:
        return any(vars(self).values())

    def __or__(self, other: NextSteps) -> NextSteps:
        """Every step either offers: the steps for a request refused in several parts."""
        return NextSteps(**{k: v or getattr(other, k) for k, v in vars(self).items()})


def next_steps(reasons: Iterable[str]) -> NextSteps:
    """What could turn a refusal with these reasons into a share."""
    given = list(reasons)

    def said(template: str) -> bool:
        return any(reason.startswith(_opening(template)) for reason in given)

    blocked = {
        "sign_in_again": said(REASONS["rule1-refuse-no-mfa"]),
        "renew_vetting": said(REASONS["rule1-refuse-not-vetted"]),
        "renew_training": said(REASONS["rule1-refuse-not-trained"]),
        "organisation_accreditation": said(REASONS["rule1-refuse-organisation-not-accredited"]),
        "practitioner_role": said(NOT_A_PRACTITIONER),
    }
    no_protocol = said(NO_PROTOCOL)
    no_consent = said(NO_CONSENT)
    family_refused = said(REASONS["rule5-refuse-consent-denied"])
    consent_matters = not any(blocked.values()) and not no_protocol
    return NextSteps(
        record_consent=consent_matters and no_consent,
        family_refused=consent_matters and family_refused,
        safeguarding_override=consent_matters and (no_consent or family_refused),
        no_protocol=no_protocol and not any(blocked.values()),
        **blocked,
    )
