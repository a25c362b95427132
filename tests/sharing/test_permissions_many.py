"""Many children decided at once: the same decisions as one at a time, from the same few queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fame.sharing import permission, permissions_for

from .conftest import OLIVIA

pytestmark = pytest.mark.django_db

CHILDREN = {
    OLIVIA: ("hlt-001", False),  # consent for the school to see her assessment
    "person-jack": ("hlt-001", False),  # no consent
    "person-mia": ("sch-001", False),  # the school's own record (rule 2)
    "person-noah": ("sch-001", True),  # shielded
}


@pytest.mark.parametrize("category", ["basic", "assessment", "case"])
def test_permissions_decide_each_child_as_permission_does(
    school_teacher, early_help_protocol, consent_for_school, category
):
    many = permissions_for(
        school_teacher, children=CHILDREN, purpose="early_help", category=category, mfa=True
    )

    for ref, (holder, shielded) in CHILDREN.items():
        one = permission(
            school_teacher,
            child_ref=ref,
            holder=holder,
            purpose="early_help",
            category=category,
            shielded=shielded,
            mfa=True,
        )
        assert (many[ref].decision, many[ref].policies, many[ref].grounds) == (
            one.decision,
            one.policies,
            one.grounds,
        ), ref
    if category == "assessment":  # the children differ, so a mix-up would show
        assert {d.decision for d in many.values()} == {"permit", "deny"}


def test_permissions_read_the_same_queries_for_one_child_or_many(
    school_teacher, early_help_protocol, consent_for_school
):
    def queries(children) -> int:
        with CaptureQueriesContext(connection) as captured:
            permissions_for(
                school_teacher, children=children, purpose="early_help", category="case", mfa=True
            )
        return len(captured.captured_queries)

    assert queries(dict(list(CHILDREN.items())[:1])) == queries(CHILDREN)
