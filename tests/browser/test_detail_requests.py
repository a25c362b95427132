"""A practitioner asks an agency for more information in the browser; axe checks every page.

The live server is hub and node at once; the hub reaches the node over real
HTTP through the federation client.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fame.federation import client as federation_client_module
from fame.federation.actions import register_node
from fame.federation.keys import public_pem
from fame.federation.models import DetailRequest
from fame.index.actions import ingest_record
from fame.index.models import Person
from fame.node.actions import host_agencies, trust_key
from fame.node.models import NodeRecord
from fame.sharing import record_consent

from ..conftest import authenticator, current_code
from ..index.conftest import record
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def node_on_live_server(settings, live_server, *, agencies: list[str], hosted: dict[str, str]):
    """The live server is the hub and a node (over real HTTP) for ``agencies``, hosting
    ``hosted`` (agency ID: name); the hub and node trust each other."""
    settings.FAME_PUBLIC_URL = settings.FAME_HUB_URL = live_server.url
    settings.FAME_NODE_NAME = "live-node"
    federation_client_module.use_transport(None)
    register_node(
        name="live-node", base_url=live_server.url, agencies=agencies, public_key=public_pem()
    )
    trust_key(name="hub", public_key=public_pem())
    host_agencies(agencies=hosted, by="test")


@pytest.fixture
def region_on_live_server(settings, live_server, school, health_trust):
    node_on_live_server(
        settings, live_server, agencies=["sch-001", "hlt-001"], hosted={"sch-001": school.name}
    )
    ingest_record(record(), organisation=school, by=None)
    ingest_record(record(agency_id="hlt-001", local_id="N1"), organisation=health_trust, by=None)
    NodeRecord.objects.create(agency_id="sch-001", local_id="UPN-1001", data={}, content_hash="")
    yield
    federation_client_module.use_transport(None)


def open_olivia(page, purpose: str = "Co-ordinating services") -> None:
    page.get_by_role("link", name="Find a child").click()
    page.get_by_label("Family name").fill("Hartley")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2017")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Olivia Hartley").click()
    page.get_by_label(purpose, exact=False).check()
    page.get_by_role("button", name="Open the record").click()
    page.check()


def test_asking_a_school_shows_its_refusal(page, health_visitor, region_on_live_server):
    signed_in(page, health_visitor)
    open_olivia(page)
    page.get_by_role("link", name="Ask Hollins Lane Primary School for more information").click()
    page.check()
    page.get_by_role("button", name="Send the request").click()
    page.check()
    assert page.title().startswith("Error: ")
    page.get_by_label("Early help").check()
    page.get_by_label("Case records").check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send the request").click()
    page.check()
    expect(
        page.get_by_role("heading", name="Hollins Lane Primary School refused your request")
    ).to_be_visible()
    expect(
        page.get_by_text("no information-sharing protocol in force covers both organisations")
    ).to_be_visible()
    expect(page.get_by_text("Where no information-sharing protocol")).to_be_visible()


def test_the_ask_form_reveals_questions_and_offers_consents(
    page, health_visitor, region_on_live_server
):
    consent = record_consent(
        child_ref=str(Person.objects.get().uid),
        grantor="parent",
        decision="permit",
        organisations=["hlt-001"],
        purposes=["early_help"],
        data_categories=["assessment"],
        in_force_from=timezone.localdate() - timedelta(days=3),
        recorded_how="written",
        by=health_visitor,
    )
    signed_in(page, health_visitor)
    open_olivia(page)
    page.get_by_role("link", name="Ask Hollins Lane Primary School for more information").click()
    page.check()
    # With JavaScript, follow-up questions appear only under the answer that needs them.
    why_not = page.get_by_label("Why has the family not been told?")
    override = page.get_by_label("If there is no consent: why you must ask without it")
    expect(why_not).to_be_hidden()
    expect(override).to_be_hidden()
    page.get_by_label("No", exact=True).check()
    expect(why_not).to_be_visible()
    page.get_by_label("Safeguarding").check()
    expect(override).to_be_visible()
    page.get_by_label("Early help", exact=True).check()
    expect(override).to_be_hidden()
    page.check()

    since = consent.in_force_from
    words = (
        "A parent agreed to share assessment with Northmoor Community Health, for early help, "
        f"from {since.day} {since:%B %Y}."
    )
    page.get_by_label(words).check()
    page.get_by_label("Assessments").check()
    why_not.fill("Telling the family may put the child at risk")
    page.get_by_role("button", name="Send the request").click()
    page.check()
    assert DetailRequest.objects.get().consent_reference == str(consent.pk)
    expect(page.get_by_text(words)).to_be_visible()


def test_the_ask_form_works_without_javascript(
    browser, live_server, health_visitor, region_on_live_server
):
    """Without JavaScript every follow-up question is shown at once, under the answer it
    belongs to (axe runs on the same pages, with JavaScript, above)."""
    from .conftest import CheckedPage

    context = browser.new_context(java_script_enabled=False)
    page = CheckedPage(context.new_page(), live_server.url)
    page.check = lambda: None  # axe is JavaScript
    try:
        device = authenticator(health_visitor)
        page.goto(live_server.url + "/sign-in")
        page.get_by_label("Username").fill(health_visitor.username)
        page.get_by_label("Password", exact=True).fill("correct-horse-battery")
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Security code").fill(current_code(device))
        page.get_by_role("button", name="Continue").click()
        open_olivia(page)
        page.get_by_role(
            "link", name="Ask Hollins Lane Primary School for more information"
        ).click()
        expect(page.get_by_label("Why has the family not been told?")).to_be_visible()
        expect(
            page.get_by_label("If there is no consent: why you must ask without it")
        ).to_be_visible()
        page.save_screenshot("ask-without-javascript")
    finally:
        context.close()
