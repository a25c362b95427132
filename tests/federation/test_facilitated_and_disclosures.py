"""Facilitated access (both identities recorded) and practitioners' view of disclosures."""

from __future__ import annotations

import pytest

from fame.audit.models import AuditEvent
from fame.federation.models import DetailRequest
from fame.sharing import Disclosure

from ..conftest import signed_in_client
from ..index.test_pages import SEARCH, open_first_result
from .test_detail_requests import ASK, olivia  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

FOR_DEE = {
    "name": "Dee Nurse",
    "job_title": "School nurse",
    "organisation": "Northmoor GP practice",
    "contact": "01632 960111",
    "reason": "Asked on the phone who else is involved",
}


def test_isa_officer_acts_for_a_practitioner_and_both_are_recorded(isa_officer, olivia):  # noqa: F811
    client = signed_in_client(isa_officer)
    response = client.post("/acting-for", FOR_DEE)
    assert response.status_code == 302
    started = AuditEvent.objects.get(action="access.facilitated_started")
    assert started.details["practitioner"]["name"] == "Dee Nurse"

    page = client.get("/children")
    assert b"You are acting for Dee Nurse, School nurse, Northmoor GP practice" in page.content
    record_url = open_first_result(client)
    search = AuditEvent.objects.get(action="index.search")
    assert search.actor_username == "charlie"
    assert search.details["on_behalf_of"]["name"] == "Dee Nurse"
    opened = AuditEvent.objects.get(action="index.record_opened")
    assert opened.details["on_behalf_of"]["organisation"] == "Northmoor GP practice"

    handle = record_url.rsplit("/", 1)[-1]
    client.post(f"/children/record/{handle}/ask/sch-001", ASK)
    detail = DetailRequest.objects.get()
    assert (detail.requested_by, detail.on_behalf_of["name"]) == (isa_officer, "Dee Nurse")
    at_hub = Disclosure.objects.filter(recorded_at_end="hub", request_ref=detail.uid.hex)
    assert {d.on_behalf_of["name"] for d in at_hub} == {"Dee Nurse"}
    assert {d.requester for d in at_hub} == {"charlie"}

    client.post("/acting-for/end")
    assert AuditEvent.objects.filter(action="access.facilitated_ended").exists()
    assert b"You are acting for" not in client.get("/children").content
    client.post("/children", SEARCH)
    latest = AuditEvent.objects.filter(action="index.search").order_by("-seq").first()
    assert "on_behalf_of" not in latest.details


def test_facilitated_access_needs_every_detail(isa_officer):
    client = signed_in_client(isa_officer)
    response = client.post("/acting-for", {**FOR_DEE, "name": "", "reason": ""})
    assert response.status_code == 200
    assert b"Enter the practitioner&#39;s full name" in response.content
    assert b"Enter why you are acting for them" in response.content
    assert not AuditEvent.objects.filter(action="access.facilitated_started").exists()


def test_practitioners_cannot_act_for_others(school_teacher):
    response = signed_in_client(school_teacher).post("/acting-for", FOR_DEE)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="access.facilitated_started").exists()


def disclosures_page(client) -> str:
    handle = open_first_result(client).rsplit("/", 1)[-1]
    return client.get(f"/children/record/{handle}/disclosures").content.decode()


def test_practitioners_see_the_disclosures_they_could_see_themselves(
    health_visitor,
    school_teacher,
    isa_officer,
    olivia,  # noqa: F811
):
    bob = signed_in_client(health_visitor)
    handle = open_first_result(bob).rsplit("/", 1)[-1]
    bob.post(f"/children/record/{handle}/ask/sch-001", ASK)

    # Bob sees his own request refused, though the rules would not show him the information.
    page = bob.get(f"/children/record/{handle}/disclosures").content.decode()
    assert page.count("Refused</strong>") == 2

    # The school holds the record asked about: its teacher sees both refusals.
    page = disclosures_page(signed_in_client(school_teacher))
    assert page.count("Refused</strong>") == 2
    assert "Bob" in page and "Case information, for early help" in page

    # The local authority has no protocol or consent for the school's case records or
    # assessments, so its officer sees neither entry.
    page = disclosures_page(signed_in_client(isa_officer))
    assert "No information has been shared about this child that you can see." in page
    viewed = AuditEvent.objects.filter(action="index.disclosures_viewed")
    assert viewed.count() == 3
