"""Two CAF roles in the browser, axe on every page: a Lead Professional who works for another
agency than the CAF's holder, and a CAF co-ordinator.

The live server is hub and node at once; the hub reaches the node over real HTTP.
The CAF each journey starts from is made through the hub's own pages (Django's test
client, signed in as the assessor), so the browser walks only the role's own journey.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fame.caf.models import Assessment, AssessmentVersion, EscalationFollowUp, Invitation
from fame.federation import client as federation_client_module
from fame.index.actions import ingest_record
from fame.node.models import NodeRecord
from fame.node.outbox import deliver_once
from fame.sharing import create_protocol

from ..caf.conftest import caf_url, fill_every_section, open_caf_record, start_caf
from ..caf.test_team import arrange, day_parts
from ..conftest import UserFactory, signed_in_client
from ..index.conftest import record
from .test_caf_journey import open_olivia, review_learning
from .test_child_index import signed_in
from .test_detail_requests import node_on_live_server

pytestmark = pytest.mark.django_db(transaction=True)

COMPARE_HEIGHT = 2500
"""How tall, in pixels, a compare of one change may be (each unchanged section folded)."""


@pytest.fixture
def region(settings, live_server, school, health_trust, local_authority, isa_officer):
    """Olivia known to the school, health and social care, each naming its practitioner; the
    school and social care keep CAFs at the live server's node; a protocol shares assessments."""
    node_on_live_server(
        settings,
        live_server,
        agencies=["sch-001", "hlt-001", "lasc-001"],
        hosted={"sch-001": school.name, "lasc-001": local_authority.name},
    )
    people = {
        "alice": UserFactory(
            username="alice", first_name="Alice", organisation=school, job_title="Class teacher"
        ),
        "bob": UserFactory(
            username="bob", first_name="Bob", organisation=health_trust, job_title="Health visitor"
        ),
        "sam": UserFactory(
            username="sam",
            first_name="Sam",
            organisation=local_authority,
            job_title="Family support worker",
        ),
        "cora": UserFactory(
            username="cora",
            first_name="Cora",
            organisation=local_authority,
            job_title="CAF co-ordinator",
            roles=["practitioner", "caf_coordinator"],
        ),
    }
    for agency, local_id, service, who in (
        ("sch-001", "UPN-1001", "Primary education", "alice"),
        ("hlt-001", "N1", "Health visiting", "bob"),
        ("lasc-001", "SC1", "Family support", "sam"),
    ):
        ingest_record(
            record(
                agency_id=agency,
                local_id=local_id,
                service=service,
                practitioner_email=people[who].secure_email,
            ),
            organisation=people[who].organisation,
            by=None,
        )
        if agency != "hlt-001":
            NodeRecord.objects.create(agency_id=agency, local_id=local_id, data={}, content_hash="")
    create_protocol(
        reference="assessments",
        title="Sharing assessments for early help",
        scope="regional",
        parties=["sch-001", "hlt-001", "lasc-001"],
        purposes=["early_help"],
        data_categories=["assessment"],
        lawful_basis="Consent; Children Act 2004 s10",
        in_force_from=timezone.localdate() - timedelta(days=30),
        by=isa_officer,
    )
    yield people
    federation_client_module.use_transport(None)


def fill_date(page, name: str, day) -> None:
    """Type ``day`` into the GOV.UK date input ``name``."""
    for part in ("day", "month", "year"):
        page.locator(f"#id_{name}-{part}").fill(str(getattr(day, part)))


def completed_caf(assessor) -> tuple[object, str]:
    """The assessor completes Olivia's CAF (version 1) through the hub's pages."""
    client = signed_in_client(assessor)
    handle = open_caf_record(client)
    start_caf(client, handle)
    fill_every_section(client, handle)
    assert client.post(caf_url(handle, "/check"), {"note": ""}).status_code == 302
    return client, handle


def meeting_recorded(client, handle: str, *, lead: str, absent: str = "") -> str:
    """A meeting today with everyone involved invited, recorded with ``lead`` agreed as Lead
    Professional and ``absent``'s agency not there; the meeting's address."""
    meeting_url = arrange(client, handle)
    attendance = {
        f"attendance_{i.pk}": "absent" if i.organisation == absent else "attended"
        for i in Invitation.objects.filter(meeting__uid=meeting_url.rsplit("/", 1)[-1])
    }
    recorded = client.post(
        meeting_url,
        {
            "step": "record",
            **attendance,
            "lead_professional": lead,
            **day_parts("next_review_on", timezone.localdate() + timedelta(weeks=6)),
        },
    )
    assert recorded.status_code == 302, recorded.content.decode()[:3000]
    return meeting_url


def test_a_lead_professional_at_another_agency_runs_the_team_around_the_child(page, region):
    bob = region["bob"]
    client, handle = completed_caf(region["alice"])
    meeting_recorded(client, handle, lead="bob")  # agreed with the family at the first meeting
    deliver_once()  # the index learns who the Lead Professional is
    assert Assessment.objects.get().lead_professional == "bob"

    signed_in(page, bob)
    page.save_screenshot("home-lead-professional")
    open_olivia(page)
    page.get_by_role("link", name="Open the CAF").click()
    page.check()
    expect(page.get_by_text("Hollins Lane Primary School", exact=True)).to_be_visible()

    # A review meeting, its attendance and an action.
    page.get_by_role("link", name="Arrange a meeting").click()
    page.check()
    today = timezone.localdate()
    fill_date(page, "held_on", today)
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Arrange the meeting").click()
    page.check()
    for attended in page.locator("input[type=radio][value=attended]").all():
        attended.check()
    page.get_by_label("Lead Professional agreed with the family").select_option("bob")
    fill_date(page, "next_review_on", today + timedelta(weeks=6))
    page.get_by_role("button", name="Record the meeting").click()
    page.check()
    expect(page.get_by_text("The meeting is recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Record the meeting")).to_have_count(0)
    expect(page.page.get_by_role("button", name="Record the meeting")).to_have_count(0)
    expect(page.get_by_text("Correct what was recorded")).to_be_visible()

    page.get_by_label("What needs to be done").fill("Check sleep routine at home visit")
    page.get_by_label("Who will do it").fill("Bob, health visitor")
    fill_date(page, "due_on", today + timedelta(days=14))
    page.get_by_role("button", name="Add the action").click()
    page.check()
    expect(page.get_by_text("The action is added.")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Check sleep routine at home visit", exact=True)
    ).to_be_visible()
    expect(page.page.get_by_role("button", name="Record the meeting")).to_have_count(0)
    page.save_screenshot("caf-meeting-recorded")

    # A review with one change makes version 2; the two versions compared, folded.
    page.get_by_role("link", name="Back to the CAF").click()
    review_learning(page)
    assert AssessmentVersion.objects.count() == 2
    page.get_by_role("button", name="Compare").click()
    page.check()
    expect(page.get_by_role("heading", name="Version 1 and version 2")).to_be_visible()
    expect(page.get_by_role("cell", name="Reading age up a year", exact=True)).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < COMPARE_HEIGHT, height
    page.save_screenshot("caf-compare-one-change")
    page.get_by_text("Identifying details", exact=True).click()  # unfold one section
    expect(page.get_by_text("Olivia Grace", exact=True)).to_be_visible()
    page.check()


def test_a_caf_coordinator_follows_up_an_absence_and_downloads_the_familys_copy(page, region):
    cora = region["cora"]
    client, handle = completed_caf(region["sam"])  # a CAF Cora's own agency holds
    meeting_url = meeting_recorded(client, handle, lead="sam", absent="hlt-001")
    health = Invitation.objects.get(organisation="hlt-001")
    escalated = client.post(
        meeting_url, {"step": "escalate", "item": health.pk, "reason": "Second meeting missed"}
    )
    assert escalated.status_code == 302
    deliver_once()  # the co-ordinator's facts reach the hub

    signed_in(page, cora)
    page.save_screenshot("home-caf-coordinator")
    page.get_by_role("link", name="CAF co-ordination").click()
    page.check()
    expect(page.get_by_text("1 CAF with an escalated non-attendance to follow up")).to_be_visible()
    page.get_by_label("Northmoor Community Health did not attend", exact=False).fill(
        "Called the health visiting team leader"
    )
    page.get_by_role("button", name="Record the follow-up").click()
    page.check()
    expect(page.get_by_text("The follow-up is recorded.")).to_be_visible()
    expect(page.get_by_text("Called the health visiting team leader")).to_be_visible()
    assert EscalationFollowUp.objects.get().by == cora

    open_olivia(page)
    page.get_by_role("link", name="Open the CAF").click()
    page.check()
    with page.expect_download() as downloading:
        page.page.get_by_role("link", name="Download the family's copy (PDF)").click()
    copy = downloading.value
    assert copy.suggested_filename == "caf-family-copy.pdf"
    with open(copy.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
