"""What the policy decision point decides about, and what it answers.

Plain, frozen snapshots: the running system builds them from the database
(``fame.sharing.queries.facts_for``), ``fame sharing explain`` from a scenario
file. ``decide`` sees nothing else, so both get the same answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ._vocabulary import DATA_CATEGORIES, PURPOSES


@dataclass(frozen=True)
class AccessRequest:
    """A person asks to see one category of a child's record, for a purpose, on a day."""

    user: str
    child: str
    purpose: str
    category: str
    on: date
    override_reason: str | None = None
    override_authorised_by: str | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if self.purpose not in PURPOSES:
            raise ValueError(f"{self.purpose!r} is not a purpose ({', '.join(PURPOSES)})")
        if self.category not in DATA_CATEGORIES:
            raise ValueError(
                f"{self.category!r} is not a data category ({', '.join(DATA_CATEGORIES)})"
            )

    @property
    def reason_given(self) -> str:
        """The override reason as recorded: surrounding spaces dropped, blank as ""."""
        return (self.override_reason or "").strip()


@dataclass(frozen=True)
class OrganisationFacts:
    id: str
    accredited: bool


@dataclass(frozen=True)
class UserFacts:
    """A person as rule 1 sees them on the day: second factor, vetting, training."""

    id: str
    organisation: str
    roles: frozenset[str]
    mfa: bool
    vetted: bool
    trained: bool


@dataclass(frozen=True)
class ChildFacts:
    id: str
    holder: str
    shielded: bool


@dataclass(frozen=True)
class ProtocolFacts:
    """One information-sharing protocol (its current version). ``to=None`` is open-ended."""

    id: str
    parties: frozenset[str]
    purposes: frozenset[str]
    categories: frozenset[str]
    starts: date
    ends: date | None


@dataclass(frozen=True)
class ConsentFacts:
    """One consent about the child. ``organisations`` may hold "*" for all organisations."""

    id: str
    decision: Literal["permit", "deny"]
    organisations: frozenset[str]
    purposes: frozenset[str]
    categories: frozenset[str]
    starts: date
    ends: date | None
    withdrawn_on: date | None


@dataclass(frozen=True)
class Facts:
    """Everything one decision may look at: the child, the people, protocols and consents.

    ``protocols`` need only be those naming either organisation and
    ``consents`` only the child's own; more does no harm, only costs time.
    """

    child: ChildFacts
    organisations: Mapping[str, OrganisationFacts]
    users: Mapping[str, UserFacts]
    protocols: Sequence[ProtocolFacts] = ()
    consents: Sequence[ConsentFacts] = ()


@dataclass(frozen=True)
class Grounds:
    """What a permit rests on, for the disclosure record: the lawful basis in plain
    English, and the protocol (``reference@version``) and consents it used, if any."""

    lawful_basis: str
    protocol: str = ""
    consents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The answer: permit or deny, the policies that fired and why, in plain English."""

    decision: Literal["permit", "deny"]
    policies: list[str]
    reasons: list[str]
    decision_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    grounds: Grounds | None = None

    @property
    def lawful_basis(self) -> str:
        return self.grounds.lawful_basis if self.grounds else ""

    @property
    def permitted(self) -> bool:
        return self.decision == "permit"

    def as_dict(self, request_id: str | None = None) -> dict[str, Any]:
        answer: dict[str, Any] = {} if request_id is None else {"request": request_id}
        answer.update(
            decision=self.decision, policies=list(self.policies), reasons=list(self.reasons)
        )
        return answer
