"""People and CAF facts for the reports' tests."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from fame.accounts.models import Organisation, OrganisationType
from fame.caf.models.hub import CafOverview

from ..factories import OrganisationFactory


@pytest.fixture
def elsewhere(db) -> Organisation:
    """A school in another area."""
    return OrganisationFactory(
        agency_id="sch-900",
        name="Southmoor High School",
        type=OrganisationType.SCHOOL,
        local_authority="Southmoor",
    )


def caf(initiator: Organisation, started_on: date, **facts: Any) -> CafOverview:
    """A CAF's facts as a node sends them, initiated (and held) by ``initiator``."""
    facts.setdefault("status", "closed" if facts.get("closed_on") else "completed")
    return CafOverview.objects.create(
        caf=uuid.uuid4(),
        holder=initiator,
        local_id=f"caf-{uuid.uuid4().hex[:8]}",
        initiating_organisation=initiator.agency_id,
        started_on=started_on,
        as_of=timezone.now(),
        **facts,
    )
