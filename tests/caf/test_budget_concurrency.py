"""Two commitments made at the same moment cannot both take the last of a CAF's budget: the
write locks the CAF's row first (PostgreSQL; SQLite writes one at a time anyway)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from fame.caf.hub.budget import budget_of
from fame.caf.hub.budget_actions import BudgetRefused, commission_service
from fame.caf.hub.directory_pick import PickedService
from fame.caf.models import BudgetAllocation, BudgetCommitment, CafOverview

from ..factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_commitments_at_once_never_overspend():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite takes one writer at a time")
    school = OrganisationFactory(agency_id="sch-001")
    lead = UserFactory(username="alice", organisation=school)
    coordinator = UserFactory(username="cora", roles=["caf_coordinator"])
    overview = CafOverview.objects.create(
        caf=uuid.uuid4(),
        holder=school,
        local_id="UPN-1",
        status="completed",
        initiating_organisation="sch-001",
        lead_professional_username="alice",
        as_of=timezone.now(),
    )
    BudgetAllocation.objects.create(overview=overview, amount_pence=50000, by=coordinator)
    service = PickedService(id="svc-1", name="Parenting course", organisation="Trust")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def commit() -> None:
        start.wait()
        try:
            commission_service(
                overview=overview, service=service, amount_pence=30000, note="", by=lead
            )
            outcomes.append("committed")
        except BudgetRefused as refused:
            outcomes.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes)[0] == "committed"
    assert "is more than the £200.00 left" in sorted(outcomes)[1]
    assert BudgetCommitment.objects.count() == 1
    assert budget_of(overview).remaining == 20000
