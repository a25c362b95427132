"""A CAF region in one process: the hub's pages reach the school's node through the federation.

Olivia is known to the index through the school (whose node also holds her
record) and the health trust. Alice (the school's class teacher) assesses;
Bob (a health visitor) is of another organisation.
"""

from __future__ import annotations

from typing import Any

import pytest

from fame.index.actions import ingest_record
from fame.index.models import Person
from fame.node.models import NodeRecord

from ..federation.conftest import (  # noqa: F401 - fixtures
    agencies,
    embedded_node,
    federation_settings,
)
from ..index.conftest import record
from ..index.test_pages import open_first_result

CHECKLIST: dict[str, Any] = {
    "concern_healthy": "no",
    "concern_safe": "not_sure",
    "concern_enjoy_achieve": "yes",
    "concern_contribution": "no",
    "concern_wellbeing": "yes",
    "family_agrees": "yes",
    "notes": "Attendance has fallen this term.",
}
ELEMENT = {"strengths": "Enjoys reading with her grandmother.", "needs": ""}
ANSWERS: dict[str, dict[str, Any]] = {
    "identifying_details": {
        "given_names": "Olivia Grace",
        "family_name": "Hartley",
        "sex": "female",
        "date_of_birth-day": "4",
        "date_of_birth-month": "3",
        "date_of_birth-year": "2017",
        "address": "12 Mill Lane, Northmoor, NM4 2PL",
        "ethnicity": "white_british",
        "child_language": "English",
        "disability": "no",
        "interpreter": "no",
    },
    "assessment_information": {
        "people_present": "Olivia, her mother, Alice (class teacher)",
        "what_led": "Attendance below 85% and tiredness in class",
        "parental_responsibility": "Jo Hartley, mother",
        "family_situation": "Lives with her mother and younger brother",
        "assessor": "Alice, class teacher, Hollins Lane Primary School",
    },
    "conclusions": {
        "conclusions": "Olivia needs help with morning routines.",
        "solutions": "Breakfast club; family support worker.",
        "actions": "School: breakfast club place from Monday (Alice).",
    },
    "views": {"child_views": "I like school when I am not tired.", "family_views": ""},
    "consent": {
        "storage": "yes",
        "sharing": "yes",
        "share_with": ["hlt-001"],
        "given_by": "parent",
        "how": "written",
        "given_on-day": "20",
        "given_on-month": "11",
        "given_on-year": "2026",
    },
}
DOMAIN_SECTIONS = (
    "health",
    "emotional_social",
    "behavioural",
    "identity",
    "family_social",
    "self_care",
    "learning",
    "basic_care",
    "emotional_warmth",
    "guidance",
    "family_history",
    "wider_family",
    "housing_finance",
    "community",
)


def answers_for(section: str) -> dict[str, Any]:
    return ANSWERS.get(section, ELEMENT)


@pytest.fixture
def olivia(embedded_node, agencies) -> Person:  # noqa: F811 - the imported fixtures
    ingest_record(record(), organisation=agencies["sch-001"], by=None)
    ingest_record(
        record(agency_id="hlt-001", local_id="N1", service="Health visiting"),
        organisation=agencies["hlt-001"],
        by=None,
    )
    NodeRecord.objects.create(agency_id="sch-001", local_id="UPN-1001", data={}, content_hash="")
    return Person.objects.get()


def open_caf_record(client) -> str:
    """Search for Olivia and open her record for early help; the record's handle."""
    return open_first_result(client, purpose="early_help").rsplit("/", 1)[-1]


def caf_url(handle: str, rest: str = "") -> str:
    return f"/children/record/{handle}/caf{rest}"


def start_caf(client, handle: str) -> None:
    response = client.post(caf_url(handle, "/start"), CHECKLIST)
    assert response.status_code == 302, response.content


def save(client, handle: str, section: str, data: dict[str, Any], *, draft: bool = False):
    action = "draft" if draft else "continue"
    return client.post(caf_url(handle, f"/sections/{section}"), {**data, "action": action})


def fill_every_section(client, handle: str) -> None:
    for section in (
        "identifying_details",
        "assessment_information",
        *DOMAIN_SECTIONS,
        "conclusions",
        "views",
        "consent",
    ):
        response = save(client, handle, section, answers_for(section))
        assert response.status_code == 302, (section, response.content.decode()[:3000])
