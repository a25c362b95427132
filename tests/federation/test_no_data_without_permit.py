"""No page or API returns a category of child data unless the policy decision point permits it.

The decision point is replaced by one that permits every category but one.
Each door that shows child data — search results, the record page, a node's
answer to a detail request, the detail request page — must then show the
others and not that one. With nothing refused, everything shows: the test can
fail either way.
"""

from __future__ import annotations

import json
import uuid

import pytest

from fame.index.actions import ingest_record
from fame.node.actions import record_as_row
from fame.node.models import NodeRecord
from fame.sharing import DATA_CATEGORIES, Decision, Grounds

from ..conftest import signed_in_client
from ..index.conftest import record
from ..index.test_pages import SEARCH, open_first_result
from .conftest import signed_post
from .test_guard import DETAIL, assertion, facts

pytestmark = pytest.mark.django_db

CASE_SUMMARY = "Attendance 71% this term; two exclusions."
# What each category shows, as it appears in a page or an answer.
SHOWS = {
    "basic": "Olivia",
    "contact": "12 Mill Lane",
    "involvement": "Primary education",
    "sensitive": "Sexual health",
    "assessment": "open",  # the CAF's status
    "case": CASE_SUMMARY,
}


@pytest.fixture
def refusing(monkeypatch):
    """Make the decision point refuse one category (or none) and permit the rest."""
    asked: list[str] = []

    def refuse_only(category: str | None) -> list[str]:
        def decide(request, facts):
            asked.append(request.category)
            if request.category == category:
                return Decision("deny", ["test-refuses"], [f"Refused by the test: {category}"])
            return Decision(
                "permit", ["test-permits"], ["Permitted by the test"], grounds=Grounds("test")
            )

        monkeypatch.setattr("fame.sharing.permissions.decide", decide)
        monkeypatch.setattr("fame.node.disclosure.decide", decide)
        return asked

    return refuse_only


@pytest.fixture
def olivia(embedded_node, agencies):
    ingest_record(record(), organisation=agencies["sch-001"], by=None)
    ingest_record(
        record(agency_id="hlt-001", local_id="N1", service="Sexual health", sensitive=True),
        organisation=agencies["hlt-001"],
        by=None,
    )
    NodeRecord.objects.create(
        agency_id="sch-001",
        local_id="UPN-1001",
        data=record_as_row(record()),
        content_hash="x",
        caf_status="open",
        case_summary=CASE_SUMMARY,
    )
    NodeRecord.objects.create(
        agency_id="hlt-001",
        local_id="N1",
        data=record_as_row(
            record(agency_id="hlt-001", local_id="N1", service="Sexual health", sensitive=True)
        ),
        content_hash="y",
    )


PAGE_CATEGORIES = ("basic", "contact", "involvement", "sensitive")


@pytest.mark.parametrize("refused", [None, *PAGE_CATEGORIES])
def test_search_and_record_page_show_only_permitted_categories(
    refusing, refused, health_visitor, olivia
):
    asked = refusing(refused)
    client = signed_in_client(health_visitor)
    results = client.post("/children", SEARCH)
    if refused == "basic":
        assert b"0 children found" in results.content
        assert b"Olivia" not in results.content
        return
    page = client.get(open_first_result(client)).content.decode()
    for category in PAGE_CATEGORIES:
        shown = SHOWS[category] in page
        assert shown == (category != refused), (category, refused)
    assert {"basic", "contact", "involvement", "sensitive"} <= set(asked)


@pytest.mark.parametrize("refused", [None, *DATA_CATEGORIES])
def test_node_answers_only_permitted_categories(refusing, refused, olivia):
    refusing(refused)
    for local_id, agency, categories in [
        ("UPN-1001", "sch-001", ["basic", "contact", "involvement", "assessment", "case"]),
        ("N1", "hlt-001", ["sensitive"]),
    ]:
        child = f"{agency}:{local_id}"
        doc = facts(child)
        doc["children"][0]["holder"] = agency
        template = doc["requests"][0]
        doc["requests"] = [{**template, "id": c, "data_category": c} for c in categories]
        payload = {
            "request_id": uuid.uuid4().hex,
            "agency_id": agency,
            "local_id": local_id,
            "purpose": "early_help",
            "categories": categories,
            "facts": doc,
        }
        response = signed_post(DETAIL, payload, key_id="hub", assertion=assertion(child=child))
        assert response.status_code == 200, response.content
        answer = json.dumps(response.json()["information"])
        for category in categories:
            assert (SHOWS[category] in answer) == (category != refused), (category, refused)
            assert (category in response.json()["information"]) == (category != refused)


@pytest.mark.parametrize("refused", [None, "assessment", "case"])
def test_detail_request_page_shows_only_permitted_categories(
    refusing, refused, health_visitor, olivia
):
    refusing(refused)
    client = signed_in_client(health_visitor)
    handle = open_first_result(client).rsplit("/", 1)[-1]
    response = client.post(
        f"/children/record/{handle}/ask/sch-001",
        {"purpose": "early_help", "categories": ["assessment", "case"], "family_told": "yes"},
    )
    page = client.get(response["Location"]).content.decode()
    assert (CASE_SUMMARY in page) == (refused != "case")
    assert ("Common Assessment Framework (CAF), open" in page) == (refused != "assessment")
