"""The real federation's nodes as the live technology view draws them.

Each registered node with the demonstrator's agency type (the type most of the
agencies it hosts have) and whether the hub can reach it now. Infrastructure
only: no child's or practitioner's data.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fame.accounts.models import Organisation
from fame.federation.queries import node_overview

from .scenario import AGENCY_TYPES

AGENCY_TYPE_OF = {
    "school": "school",
    "early_years": "school",
    "gp_practice": "gp",
    "health_trust": "health",
    "social_care": "social_care",
    "police": "police",
    "youth_offending": "youth",
    "youth_service": "youth",
    "voluntary": "voluntary",
    "other": "voluntary",
}
"""An organisation's type as one of the simulation's agency types (``scenario.AGENCY_TYPES``)."""


def registered_nodes() -> list[dict[str, Any]]:
    """Every registered node: its object id in the live feed (``node-<name>``), name, agency
    type (the type most of the agencies it hosts have, the first of the simulation's types
    on a tie), status and whether it is reachable."""
    lines = node_overview()
    hosted = {agency for line in lines for agency in line.node.agencies}
    types = dict(Organisation.objects.filter(agency_id__in=hosted).values_list("agency_id", "type"))

    def usual_type(agencies: list[str]) -> str:
        counted = Counter(AGENCY_TYPE_OF.get(types.get(a, "other"), "voluntary") for a in agencies)
        if not counted:
            return "voluntary"
        return max(AGENCY_TYPES, key=lambda t: (counted[t], -AGENCY_TYPES.index(t)))

    return [
        {
            "id": f"node-{line.node.name}",
            "name": line.node.name,
            "agency_type": usual_type(list(line.node.agencies)),
            "status": line.status,
            "reachable": line.status != "unreachable",
        }
        for line in lines
    ]
