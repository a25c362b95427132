"""Team Around the Child, the Lead Professional on the index, escalation, the co-ordinator's
queue, the family's copy and closure, through the hub's pages and the school's node."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta

import pytest
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.caf.models import (
    Assessment,
    CafOverview,
    Escalation,
    EscalationFollowUp,
    Invitation,
    Meeting,
)
from fame.caf.node import team
from fame.caf.node.actions import Actor
from fame.index.actions import ingest_record
from fame.index.models import Person
from fame.node.outbox import deliver_once
from fame.sharing import Disclosure, create_protocol, record_consent

from ..conftest import UserFactory, signed_in_client
from ..index.conftest import record
from .conftest import caf_url, fill_every_section, open_caf_record, start_caf

pytestmark = pytest.mark.django_db


def day_parts(prefix: str, when) -> dict[str, str]:
    return {
        f"{prefix}-day": str(when.day),
        f"{prefix}-month": str(when.month),
        f"{prefix}-year": str(when.year),
    }


@pytest.fixture
def caf(school_teacher, olivia, agencies):
    """Olivia's completed CAF, with three agencies involved (school, health, social care)."""
    ingest_record(
        record(agency_id="lasc-001", local_id="SC1", service="Family support"),
        organisation=agencies["lasc-001"],
        by=None,
    )
    client = signed_in_client(school_teacher)
    handle = open_caf_record(client)
    start_caf(client, handle)
    fill_every_section(client, handle)
    client.post(caf_url(handle, "/check"), {"note": ""})
    deliver_once()
    return client, handle


def arrange(client, handle, held_on=None) -> str:
    form = client.get(caf_url(handle, "/meetings/new")).content.decode()
    keys = [
        line.split('value="')[1].split('"')[0]
        for line in form.split("\n")
        if 'name="invitees"' in line
    ]
    response = client.post(
        caf_url(handle, "/meetings/new"),
        {**day_parts("held_on", held_on or timezone.localdate()), "invitees": keys},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_more_than_two_agencies_means_a_meeting_is_needed(caf):
    client, handle = caf
    page = client.get(caf_url(handle)).content.decode()
    assert "a Team Around the Child meeting is needed" in page


def test_meeting_absence_escalation_reach_the_index_and_the_coordinator(caf, local_authority):
    client, handle = caf
    meeting_url = arrange(client, handle)
    invitations = {i.organisation: i for i in Invitation.objects.all()}
    assert set(invitations) == {"sch-001", "hlt-001", "lasc-001"}

    bad = client.post(meeting_url, {"step": "record"})
    assert "There is a problem" in bad.content.decode()
    review = timezone.localdate() + timedelta(weeks=6)
    recorded = client.post(
        meeting_url,
        {
            "step": "record",
            f"attendance_{invitations['sch-001'].pk}": "attended",
            f"attendance_{invitations['hlt-001'].pk}": "absent",
            f"attendance_{invitations['lasc-001'].pk}": "apologies",
            "lead_professional": "alice",
            **day_parts("next_review_on", review),
        },
    )
    assert recorded.status_code == 302
    overdue = timezone.localdate() - timedelta(days=2)
    client.post(
        meeting_url,
        {
            "step": "action",
            "description": "Breakfast club place",
            "owner": "Alice",
            **day_parts("due_on", overdue),
        },
    )
    escalated = client.post(
        meeting_url,
        {"step": "escalate", "item": invitations["hlt-001"].pk, "reason": "Second meeting missed"},
    )
    assert escalated.status_code == 302
    assert Escalation.objects.get().invitation.organisation == "hlt-001"
    assert Assessment.objects.get().lead_professional == "alice"

    deliver_once()
    person = Person.objects.get()
    assert person.lead_professional.username == "alice"
    overview = CafOverview.objects.get()
    assert overview.review_due == review
    assert overview.escalations[0]["agency"] == "Northmoor Community Health"
    assert "Breakfast club" not in str(overview.__dict__)  # no content at the hub

    coordinator = UserFactory(
        username="cora", organisation=local_authority, roles=["caf_coordinator"]
    )
    queue = signed_in_client(coordinator).get("/caf/queue").content.decode()
    assert "Northmoor Community Health did not attend" in queue
    assert "1 of 1 open" in queue and "Overdue" in queue
    assert "School" in queue  # initiated by a school
    assert "1 to follow up" in queue
    assert signed_in_client(UserFactory(username="pat")).get("/caf/queue").status_code == 403

    # The co-ordinator follows the absence up; a blank note or a made-up escalation changes nothing.
    cora = signed_in_client(coordinator)
    escalation = overview.escalations[0]
    follow_up = {
        "caf": overview.pk,
        "agency": escalation["agency"],
        "raised_on": escalation["raised_on"],
    }
    blank = cora.post("/caf/queue", {**follow_up, "note": "  "})
    assert blank.status_code == 400
    assert "Enter what was done to follow up the absence" in blank.content.decode()
    made_up = cora.post("/caf/queue", {**follow_up, "agency": "Wealdshire Police", "note": "x"})
    assert made_up.status_code == 400
    garbled = cora.post("/caf/queue", {**follow_up, "caf": "CAF-0001", "note": "x"})
    assert "That escalation is not in the queue any more" in garbled.content.decode()
    assert not EscalationFollowUp.objects.exists()
    done = cora.post("/caf/queue", {**follow_up, "note": "Spoke to the health visitors' manager"})
    assert done.status_code == 302
    queue = cora.get("/caf/queue").content.decode()
    assert "0 to follow up, 1 followed up" in queue
    assert "Followed up by" in queue and "Spoke to the health visitors&#39; manager" in queue
    assert AuditEvent.objects.filter(
        action="caf.escalation_followed_up", actor_username="cora"
    ).exists()
    again = cora.post("/caf/queue", {**follow_up, "note": "Again"})
    assert again.status_code == 400
    assert EscalationFollowUp.objects.count() == 1


def test_only_the_lead_professional_escalates(caf, school):
    client, handle = caf
    meeting_url = arrange(client, handle)
    gina = signed_in_client(UserFactory(username="gina", organisation=school))
    open_caf_record(gina)
    hlt = Invitation.objects.get(organisation="hlt-001")
    response = gina.post(
        meeting_url.replace(handle, open_caf_record(gina)), {"step": "escalate", "item": hlt.pk}
    )
    assert response.status_code == 403
    assert not Escalation.objects.exists()


def test_the_familys_copy_is_a_pdf_without_identifiers(caf):
    from fame.caf.hub.client import CafView
    from fame.caf.hub.family_copy import family_copy_html

    client, handle = caf
    response = client.get(caf_url(handle, "/family-copy.pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assessment = Assessment.objects.get()
    version = assessment.versions.get()
    html = family_copy_html(
        caf=CafView.from_json(
            {
                "uid": str(assessment.uid),
                "status": "completed",
                "assessor": "alice",
                "assessor_name": "Alice",
                "working_number": 2,
                "versions": [],
            }
        ),
        version={"number": 1, "made_at": version.made_at.isoformat(), "content": version.content},
        holder=assessment
        and __import__("fame.accounts.models", fromlist=["Organisation"]).Organisation.objects.get(
            agency_id="sch-001"
        ),
        organisations={},
    )
    assert "Olivia Grace" in html
    for identifier in ("UPN-1001", str(assessment.uid), str(Person.objects.get().uid), "alice"):
        assert identifier not in html


def test_closing_when_needs_are_met_updates_the_index_and_keeps_it_read_only(caf):
    client, handle = caf
    response = client.post(caf_url(handle, "/close"), {"reason": "needs_met"})
    assert response.status_code == 302
    deliver_once()
    assert Person.objects.get().caf_status == "closed"
    page = client.get(caf_url(handle)).content.decode()
    assert "This CAF is closed" in page
    closed_on = timezone.localtime(Assessment.objects.get().closure.closed_at)
    assert f" on {closed_on.day} {closed_on:%B %Y}. It is kept" in page
    assert "Check your answers" not in page
    assert client.post(caf_url(handle, "/sections/health"), {"strengths": "x"}).status_code == 403


def test_a_step_up_passes_only_when_the_rules_permit_it(caf, isa_officer):
    client, handle = caf
    refused = client.post(
        caf_url(handle, "/close"), {"reason": "stepped_up", "referred_to": "lasc-001"}
    )
    assert refused.status_code == 200
    assert "do not let this CAF pass" in refused.content.decode()
    assert Assessment.objects.get().status == "completed"
    create_protocol(
        reference="safeguarding",
        title="Safeguarding referrals",
        scope="regional",
        parties=["sch-001", "lasc-001"],
        purposes=["safeguarding"],
        data_categories=["assessment"],
        lawful_basis="Children Act 1989 s17",
        in_force_from=timezone.localdate() - timedelta(days=1),
        by=isa_officer,
    )
    record_consent(
        child_ref=str(Person.objects.get().uid),
        grantor="parent",
        decision="permit",
        organisations=["lasc-001"],
        purposes=["safeguarding"],
        data_categories=["assessment"],
        in_force_from=timezone.localdate() - timedelta(days=1),
        recorded_how="written",
        by=isa_officer,
    )
    passed = client.post(
        caf_url(handle, "/close"), {"reason": "stepped_up", "referred_to": "lasc-001"}
    )
    assert passed.status_code == 302
    assert Assessment.objects.get().closure.referred_to == "lasc-001"
    kept = Disclosure.objects.filter(request_ref="caf.step_up", recorded_at_end="hub").order_by(
        "id"
    )
    assert [d.decision for d in kept] == ["deny", "permit"]
    deliver_once()
    assert Person.objects.get().caf_status == "closed"


def recording(when_review, invitations: dict[str, Invitation], lead: str = "alice") -> dict:
    return {
        "step": "record",
        f"attendance_{invitations['sch-001'].pk}": "attended",
        f"attendance_{invitations['hlt-001'].pk}": "absent",
        f"attendance_{invitations['lasc-001'].pk}": "apologies",
        "lead_professional": lead,
        **day_parts("next_review_on", when_review),
    }


def test_a_recorded_meeting_does_not_offer_the_empty_form_again(caf):
    client, handle = caf
    meeting_url = arrange(client, handle)
    assert (
        '<h2 class="govuk-heading-m">Record the meeting</h2>'
        in client.get(meeting_url).content.decode()
    )
    invitations = {i.organisation: i for i in Invitation.objects.all()}
    review = timezone.localdate() + timedelta(weeks=6)
    assert client.post(meeting_url, recording(review, invitations)).status_code == 302

    page = client.get(meeting_url).content.decode()
    assert "Record the meeting" not in page
    # What was recorded can be corrected, starting from what was recorded, folded away.
    folded = page.split('<details class="govuk-details"', 1)[1].split("</details>", 1)[0]
    assert "Correct what was recorded" in folded
    assert re.search(
        rf'name="attendance_{invitations["hlt-001"].pk}"[^>]*value="absent" checked', folded
    )
    assert f'value="{review.year}"' in folded
    assert '<option value="alice" selected>' in folded


def test_a_meeting_in_the_future_cannot_be_recorded_at_the_hub(caf):
    client, handle = caf
    next_week = timezone.localdate() + timedelta(days=7)
    meeting_url = arrange(client, handle, held_on=next_week)
    written = f"{next_week.day} {next_week:%B %Y}"
    page = client.get(meeting_url).content.decode()
    assert f"once the meeting has taken place, on or after {written}" in page
    assert 'name="step" value="record"' not in page

    invitations = {i.organisation: i for i in Invitation.objects.all()}
    refused = client.post(meeting_url, recording(next_week + timedelta(weeks=6), invitations))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "<title>Error: Team Around the Child meeting" in page
    assert (
        "You cannot record a meeting that has not taken place yet: "
        f"this meeting is on {written}" in page
    )
    meeting = Meeting.objects.get()
    assert not meeting.recorded and meeting.next_review_on is None
    assert set(Invitation.objects.values_list("attendance", flat=True)) == {"invited"}
    assert Assessment.objects.get().lead_professional == ""


def test_a_meeting_in_the_future_cannot_be_recorded_at_the_node(caf):
    next_week = timezone.localdate() + timedelta(days=7)
    assessment = Assessment.objects.get()
    meeting = team.arrange_meeting(
        assessment=assessment, held_on=next_week, invitees=[], by=Actor("alice", "Alice", "sch-001")
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="it can be recorded once it has taken place"):
        team.record_meeting(
            meeting=meeting,
            attendance={},
            lead_professional="alice",
            lead_professional_name="Alice",
            next_review_on=next_week + timedelta(weeks=6),
            by=Actor("alice", "Alice", "sch-001"),
        )
    meeting.refresh_from_db()
    assert not meeting.recorded and meeting.next_review_on is None
    assert Assessment.objects.get().lead_professional == ""
    assert AuditEvent.objects.count() == events


def inflated(pdf: bytes) -> bytes:
    """The PDF with every compressed stream inflated (objects too: WeasyPrint packs them)."""
    parts = [pdf]
    for found in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(found.group(1)))
        except zlib.error:
            continue  # not a Flate stream
    return b"\n".join(parts)


def shown_text(pdf: bytes) -> list[str]:
    """Each run of text the pages show, read through the fonts' ToUnicode maps.

    A run is decoded with each font's map in turn and kept where every glyph maps:
    a run read through the wrong font's map does not come out as the words sought.
    """
    body = inflated(pdf)
    maps = [
        {
            int(glyph, 16): chr(int(code, 16))
            for glyph, code in re.findall(rb"<([0-9a-f]{4})> <([0-9a-f]{4})>", block)
        }
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", body, re.S)
    ]
    runs = []
    for run in re.findall(rb"\[([^\]]*)\] TJ", body):
        glyphs = [
            int(chunk[i : i + 4], 16)
            for chunk in re.findall(rb"<([0-9a-f]+)>", run)
            for i in range(0, len(chunk), 4)
        ]
        runs.extend("".join(m[g] for g in glyphs) for m in maps if all(g in m for g in glyphs))
    return runs


def test_the_familys_copy_says_how_to_reach_the_lead_professional_and_is_tagged(
    caf, health_visitor, school_teacher
):
    client, handle = caf
    before = " ".join(shown_text(client.get(caf_url(handle, "/family-copy.pdf")).content))
    assert "Until a Lead Professional is agreed, contact" in before
    assert school_teacher.secure_email in before  # the assessor, meanwhile

    Assessment.objects.update(lead_professional="bob", lead_professional_name="Bob")
    response = client.get(caf_url(handle, "/family-copy.pdf"))
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    text = " ".join(shown_text(pdf))
    assert f"{health_visitor.display_name}, Health visitor, Northmoor Community Health" in text
    assert health_visitor.phone in text and health_visitor.secure_email in text
    assert "Your family's copy of the Common Assessment" in text  # the reader reads the page
    body = inflated(pdf)
    assert b"/StructTreeRoot" in body
    assert b"/MarkInfo <</Marked true>>" in body
    assert b"/Lang (en-GB)" in body
    assert b"/DisplayDocTitle true" in body
    assert b'pdfuaid:part="1"' in body
    assert b"Your family's copy of the Common Assessment</rdf:li>" in body  # its title
    assert f"mailto:{health_visitor.secure_email}".encode() in body
