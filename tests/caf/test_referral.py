"""A step up passes the CAF on: the school's node gives its current version, the hub forwards
it, and social care's node keeps a read-only copy its practitioners read on the hub's pages.

One process plays hub and every node (as the other CAF tests); the rules are the registers'.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.caf.hub import client as caf_client
from fame.caf.models import Assessment, ReferralCopy
from fame.federation import NoResponse
from fame.index.models import Person
from fame.node.outbox import deliver_once
from fame.sharing import Disclosure, create_protocol, record_consent

from ..conftest import UserFactory, signed_in_client
from .conftest import caf_url
from .test_team import caf  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
STEP_UP = {"reason": "stepped_up", "referred_to": "lasc-001", "note": "Neglect concerns."}


@pytest.fixture
def social_worker(local_authority):
    return UserFactory(
        username="sam", first_name="Sam", organisation=local_authority, job_title="Social worker"
    )


@pytest.fixture
def rules(isa_officer):
    """A safeguarding protocol between the school and social care, and the parent's consent."""
    since = timezone.localdate() - timedelta(days=1)
    create_protocol(
        reference="safeguarding",
        title="Safeguarding referrals",
        scope="regional",
        parties=["sch-001", "lasc-001"],
        purposes=["safeguarding"],
        data_categories=["assessment"],
        lawful_basis="Children Act 1989 s17",
        in_force_from=since,
        by=isa_officer,
    )
    record_consent(
        child_ref=str(Person.objects.get().uid),
        grantor="parent",
        decision="permit",
        organisations=["lasc-001"],
        purposes=["safeguarding"],
        data_categories=["assessment"],
        in_force_from=since,
        recorded_how="written",
        by=isa_officer,
    )


def test_a_permitted_step_up_passes_the_caf_to_social_cares_node(caf, rules, social_worker):  # noqa: F811
    client, handle = caf
    response = client.post(caf_url(handle, "/close"), STEP_UP)
    assert response.status_code == 302, response.content.decode()[:2000]
    copy = ReferralCopy.objects.get()
    assert (copy.received_by, copy.from_agency, copy.version_number) == ("lasc-001", "sch-001", 1)
    assert copy.reason == "Neglect concerns."
    assert copy.content["conclusions"]["conclusions"] == "Olivia needs help with morning routines."
    assert Assessment.objects.get().status == "closed"
    deliver_once()
    assert Person.objects.get().caf_status == "closed"
    ends = sorted(d.recorded_at_end for d in Disclosure.objects.filter(request_ref="caf.step_up"))
    assert ends == ["hub", "northmoor-node"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"caf.passed_on", "node.caf_referral_received"} <= actions


def test_social_care_reads_the_referral_on_the_hubs_pages(caf, rules, social_worker):  # noqa: F811
    client, handle = caf
    client.post(caf_url(handle, "/close"), STEP_UP)
    reader = signed_in_client(social_worker)
    listing = reader.get("/caf/referrals").content.decode()
    uid = str(ReferralCopy.objects.get().uid)
    assert f"/caf/referrals/{uid}" in listing
    page = reader.get(f"/caf/referrals/{uid}")
    assert page.status_code == 200
    assert "Olivia needs help with morning routines." in page.content.decode()
    opened = Disclosure.objects.get(request_ref=f"caf.referral:{uid.replace('-', '')}")
    assert (opened.decision, opened.holder_organisation) == ("permit", "lasc-001")


def test_another_organisation_cannot_read_the_referral(caf, rules, health_visitor):  # noqa: F811
    client, handle = caf
    client.post(caf_url(handle, "/close"), STEP_UP)
    uid = str(ReferralCopy.objects.get().uid)
    other = signed_in_client(health_visitor)
    assert f"/caf/referrals/{uid}" not in other.get("/caf/referrals").content.decode()
    page = other.get(f"/caf/referrals/{uid}")
    assert page.status_code == 403
    assert "Olivia needs help" not in page.content.decode()


def test_a_refused_step_up_passes_nothing_and_the_caf_stays_open(caf):  # noqa: F811
    client, handle = caf
    response = client.post(caf_url(handle, "/close"), STEP_UP)
    assert response.status_code == 200
    assert "do not let this CAF pass" in response.content.decode()
    assert not ReferralCopy.objects.exists()
    assert Assessment.objects.get().status == "completed"


def test_when_social_cares_node_is_down_nothing_changes(caf, rules, monkeypatch):  # noqa: F811
    client, handle = caf
    real = caf_client.federation_client

    class DownForReferrals:
        def post(self, base_url, path, payload, **kwargs):
            if "/referrals" in path:
                raise NoResponse("connection refused")
            return real().post(base_url, path, payload, **kwargs)

    monkeypatch.setattr(caf_client, "federation_client", DownForReferrals)
    response = client.post(caf_url(handle, "/close"), STEP_UP)
    page = response.content.decode()
    assert response.status_code == 200
    assert "did not respond" in page and "still open" in page
    assert not ReferralCopy.objects.exists()
    assert Assessment.objects.get().status == "completed"
    deliver_once()
    assert Person.objects.get().caf_status != "closed"


def test_a_retry_after_the_copy_arrived_keeps_one_copy(caf, rules, monkeypatch):  # noqa: F811
    client, handle = caf
    closing = caf_client.team_write

    def closure_fails_once(*args, **kwargs):
        monkeypatch.setattr(caf_client, "team_write", closing)
        raise caf_client.CafUnavailable("Hollins Lane Primary School did not respond. Try again.")

    monkeypatch.setattr(caf_client, "team_write", closure_fails_once)
    first = client.post(caf_url(handle, "/close"), STEP_UP)
    assert Assessment.objects.get().status == "completed", first.content.decode()[:500]
    second = client.post(caf_url(handle, "/close"), STEP_UP)
    assert second.status_code == 302
    assert ReferralCopy.objects.count() == 1
    assert Assessment.objects.get().status == "closed"
