"""The real federation's nodes as the live technology view draws them.

Each registered node with the demonstrator's agency type (from the type of the
first agency it hosts) and whether the hub can reach it now. Infrastructure
only: no child's or practitioner's data.
"""

from __future__ import annotations

from typing import Any

from fame.accounts.models import Organisation
from fame.federation.queries import node_overview

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
    type, status and whether it is reachable."""
    lines = node_overview()
    hosted = {agency for line in lines for agency in line.node.agencies[:1]}
    types = dict(Organisation.objects.filter(agency_id__in=hosted).values_list("agency_id", "type"))
    return [
        {
            "id": f"node-{line.node.name}",
            "name": line.node.name,
            "agency_type": AGENCY_TYPE_OF.get(
                types.get(line.node.agencies[0], "other") if line.node.agencies else "other",
                "voluntary",
            ),
            "status": line.status,
            "reachable": line.status != "unreachable",
        }
        for line in lines
    ]
