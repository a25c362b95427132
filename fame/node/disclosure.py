"""This node's decision on a detail request: release or refuse, with the reasons.

Until the information-sharing rules (the sharing app's Cedar policy decision
point) are in force on nodes, every request is refused with a reason the
practitioner can read. The sharing work replaces the body of
``decide_disclosure``; its signature and the shape of its answer stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from fame.federation import UserAssertion

RULES_NOT_IN_FORCE = "The information-sharing rules are not in force on this node yet"


@dataclass(frozen=True)
class DisclosureRequest:
    """What the hub forwarded: which record, which agency, what is wanted and why."""

    request_id: str
    agency_id: str
    local_id: str
    purpose: str
    categories: tuple[str, ...]
    note: str


def decide_disclosure(
    assertion: UserAssertion, request: DisclosureRequest
) -> tuple[str, list[str]]:
    """``("released" | "refused", reasons)`` for ``request`` made by the person in ``assertion``."""
    return "refused", [RULES_NOT_IN_FORCE]
