"""Facilitated access (both identities recorded) and practitioners' view of disclosures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fame.accounts.models import TrainingCourse
from fame.audit.models import AuditEvent
from fame.federation.models import DetailRequest
from fame.sharing import Disclosure

from ..conftest import signed_in_client
from ..index.test_pages import SEARCH, open_first_result
from .test_detail_requests import ASK, olivia  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def date_parts(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def for_dee(**changes: str) -> dict[str, str]:
    """The facilitated form for Dee Nurse, a health visitor without an account, cleared."""
    checked = timezone.localdate() - timedelta(days=200)
    form = {
        "name": "Dee Nurse",
        "job_title": "School nurse",
        "organisation": "hlt-001",
        "role": "practitioner",
        "contact": "01632 960111",
        "reason": "Asked on the phone who else is involved",
        **date_parts("vetting_checked_on", checked),
    }
    for course in TrainingCourse.objects.filter(required=True):
        form.update(date_parts(f"training_{course.code}", checked))
    return {**form, **changes}


def test_isa_officer_acting_for_a_practitioner_finds_what_they_may_see(isa_only, olivia):  # noqa: F811
    client = signed_in_client(isa_only)
    # On their own roles the officer may not see a child's details (no practitioner role),
    # and is told so rather than shown "0 children found".
    alone = client.post("/children", SEARCH)
    assert alone.status_code == 403
    assert b"Your roles do not include searching for children" in alone.content

    response = client.post("/acting-for", for_dee())
    assert response.status_code == 302
    started = AuditEvent.objects.get(action="access.facilitated_started")
    assert started.details["practitioner"]["name"] == "Dee Nurse"
    assert started.details["practitioner"]["agency_id"] == "hlt-001"

    page = client.get("/children")
    assert b"You are acting for Dee Nurse, School nurse, Northmoor Community Health" in page.content
    record_url = open_first_result(client)
    search = AuditEvent.objects.filter(action="index.search").latest("seq")
    assert search.actor_username == "ines"
    assert search.details["on_behalf_of"]["name"] == "Dee Nurse"
    assert len(search.details["results"]) == 1
    opened = AuditEvent.objects.get(action="index.record_opened")
    assert opened.details["on_behalf_of"]["organisation"] == "Northmoor Community Health"

    record = client.get(record_url)
    assert record.status_code == 200
    assert b"Hartley" in record.content
    viewed = Disclosure.objects.filter(request_ref="index.record_viewed")
    assert {(d.requester, d.on_behalf_of["name"]) for d in viewed} == {("ines", "Dee Nurse")}
    # Dee works for the health trust: its own record is hers by rule 2, so contact is shown.
    assert {d.category: d.decision for d in viewed}["contact"] == "permit"

    handle = record_url.rsplit("/", 1)[-1]
    client.post(f"/children/record/{handle}/ask/sch-001", ASK)
    detail = DetailRequest.objects.get()
    assert (detail.requested_by, detail.on_behalf_of["name"]) == (isa_only, "Dee Nurse")
    at_hub = Disclosure.objects.filter(recorded_at_end="hub", request_ref=detail.uid.hex)
    assert {d.on_behalf_of["name"] for d in at_hub} == {"Dee Nurse"}
    assert {d.requester for d in at_hub} == {"ines"}
    # The node decided on Dee's standing and names both of them.
    at_node = Disclosure.objects.exclude(recorded_at_end="hub")
    assert {(d.requester, d.requester_organisation) for d in at_node} == {("ines", "hlt-001")}
    assert {d.requester_name for d in at_node} == {"Ines Ward for Dee Nurse"}

    client.post("/acting-for/end")
    assert AuditEvent.objects.filter(action="access.facilitated_ended").exists()
    # Acting for no one again, the officer may not search on their own roles.
    searches = AuditEvent.objects.filter(action="index.search").count()
    after = client.post("/children", SEARCH)
    assert after.status_code == 403
    assert b"You are acting for" not in after.content
    assert AuditEvent.objects.filter(action="index.search").count() == searches


def test_facilitated_access_needs_every_detail(isa_officer):
    client = signed_in_client(isa_officer)
    response = client.post("/acting-for", {**for_dee(name="", reason=""), "organisation": ""})
    assert response.status_code == 200
    assert b"Enter the practitioner&#39;s full name" in response.content
    assert b"Enter why you are acting for them" in response.content
    assert b"Select the organisation they work for" in response.content
    assert not AuditEvent.objects.filter(action="access.facilitated_started").exists()


def test_facilitated_access_refuses_expired_vetting_naming_the_day(isa_officer):
    client = signed_in_client(isa_officer)
    form = for_dee(**date_parts("vetting_checked_on", date(2022, 3, 4)))
    response = client.post("/acting-for", form)
    assert response.status_code == 200
    assert "Their enhanced vetting check expired on 4 March 2025" in response.content.decode()
    assert "fame_facilitated_for" not in client.session


def test_facilitated_access_names_missing_and_expired_training(isa_officer):
    client = signed_in_client(isa_officer)
    form = for_dee(**date_parts("training_information_sharing", date(2020, 1, 6)))
    del form["training_safeguarding-day"], form["training_safeguarding-month"]
    del form["training_safeguarding-year"]
    page = client.post("/acting-for", form).content.decode()
    assert "Enter the date they completed Safeguarding children" in page
    assert "Their training “Information sharing and consent” expired on 6 January 2023" in page
    assert not AuditEvent.objects.filter(action="access.facilitated_started").exists()


def test_facilitated_access_refuses_an_unaccredited_organisation(isa_officer, pending_charity):
    client = signed_in_client(isa_officer)
    page = client.post("/acting-for", for_dee(organisation="vol-009")).content.decode()
    assert (
        "Riverside Family Trust is not accredited to use child data (awaiting accreditation), "
        "so nobody can act for its practitioners"
    ) in page
    assert "fame_facilitated_for" not in client.session


def test_an_officer_who_is_not_cleared_cannot_act_for_anyone(isa_officer):
    isa_officer.vetting_checked_on = None
    isa_officer.save()
    client = signed_in_client(isa_officer)
    response = client.post("/acting-for", for_dee())
    assert response.status_code == 403
    assert b"no enhanced vetting check on your record" in response.content
    assert not AuditEvent.objects.filter(action="access.facilitated_started").exists()


def test_practitioners_cannot_act_for_others(school_teacher):
    response = signed_in_client(school_teacher).post("/acting-for", for_dee())
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
