"""The hub's "Agency nodes" page: each node's state for the technology staff, no one else."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.federation.actions import register_node
from fame.federation.keys import public_pem
from fame.federation.models import HubReceipt

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db

PAGE = "/nodes"


def node(name: str, agencies: list[str], **seen: object):
    registered = register_node(
        name=name,
        base_url=f"http://{name}.example:8100",
        agencies=agencies,
        public_key=public_pem(Ed25519PrivateKey.generate().public_key()),
    )
    for field, value in seen.items():
        setattr(registered, field, value)
    registered.save()
    return registered


def test_nodes_page_shows_each_nodes_state_and_what_it_sent(administrator):
    now = timezone.now()
    police = node("police", ["pol-001", "yot-001"], last_contact=now, outbox_backlog=1250)
    for i in range(3):
        HubReceipt.objects.create(idempotency_key=f"update-{i:04d}", node=police, kind="caf_exists")
    node(
        "health",
        ["hlt-001"],
        last_contact=now - timedelta(minutes=10),
        errors=4,
        last_error="timed out",
        last_error_at=now,
    )
    node("schools", ["sch-001"])

    page = signed_in_client(administrator).get(PAGE).content.decode()

    assert "3 nodes" in page
    police_row = row(page, "police.example")
    assert "Working" in police_row and "1,250" in police_row and ">3<" in police_row
    assert "2 agencies" in police_row and "pol-001, yot-001" in police_row
    health_row = row(page, "health.example")
    assert "Not responding" in health_row  # its last call failed after it was last heard from
    assert "Last failed call: timed out" in health_row
    numbers = re.findall(r'govuk-table__cell--numeric">([^<]*)<', health_row)
    assert numbers == ["Not told", "0", "4"]  # waiting, applied and failed: right-aligned
    schools_row = row(page, "schools.example")
    assert "Never heard from" in schools_row and "Not told" in schools_row


def row(page: str, text: str) -> str:
    """The table row of the page that holds ``text``."""
    at = page.index(text)
    return page[page.rindex("<tr", 0, at) : page.index("</tr>", at)]


def test_nodes_page_is_its_own_tab_in_the_navigation(administrator, auditor, school_teacher):
    page = signed_in_client(administrator).get(PAGE).content.decode()
    active = re.search(
        r'govuk-service-navigation__item--active">\s*<a[^>]*>\s*(?:<strong[^>]*>)?([^<]+)', page
    )
    assert active and active.group(1).strip() == "Agency nodes"
    assert f'href="{PAGE}"' in navigation(signed_in_client(auditor).get("/audit").content)
    assert f'href="{PAGE}"' not in navigation(signed_in_client(school_teacher).get("/").content)


def navigation(page: bytes) -> str:
    text = page.decode()
    start = text.index("govuk-service-navigation__wrapper")
    return text[start : text.index("</nav>", start)]


def test_nodes_page_says_when_there_are_none(administrator):
    page = signed_in_client(administrator).get(PAGE).content.decode()
    assert "No nodes are registered yet" in page


def test_nodes_page_is_refused_to_a_practitioner(school_teacher):
    response = signed_in_client(school_teacher).get(PAGE)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", target=PAGE).exists()


def test_home_page_links_the_nodes_page_for_those_who_may_see_it(administrator, school_teacher):
    assert PAGE in signed_in_client(administrator).get("/").content.decode()
    assert PAGE not in signed_in_client(school_teacher).get("/").content.decode()
