"""A practitioner asks an agency for more information in the browser; axe checks every page.

The live server is hub and node at once; the hub reaches the node over real
HTTP through the federation client.
"""

from __future__ import annotations

import pytest

from fame.federation import client as federation_client_module
from fame.federation.actions import register_node
from fame.federation.keys import public_pem
from fame.index.actions import ingest_record
from fame.node.actions import host_agencies, trust_key
from fame.node.models import NodeRecord

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


def test_asking_a_school_shows_its_refusal(page, health_visitor, region_on_live_server):
    signed_in(page, health_visitor)
    page.get_by_role("link", name="Find a child").click()
    page.get_by_label("Family name").fill("Hartley")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2017")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Olivia Hartley").click()
    page.get_by_label("Co-ordinating services", exact=False).check()
    page.get_by_role("button", name="Open the record").click()
    page.check()
    page.get_by_role("link", name="Ask Hollins Lane Primary School for more information").click()
    page.check()
    page.get_by_role("button", name="Send the request").click()
    page.check()
    assert page.title().startswith("Error: ")
    page.get_by_label("Early help").check()
    page.get_by_label("Case records").check()
    page.get_by_role("button", name="Send the request").click()
    page.check()
    assert page.get_by_role("heading", name="Hollins Lane Primary School refused your request")
    assert page.get_by_text("The information-sharing rules are not in force on this node yet")
