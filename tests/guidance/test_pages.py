"""The public guidance pages: open to anyone signed out, showing only what is published."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fame.guidance.models import CaseStudy
from tests.conftest import signed_in_client

from .conftest import CaseStudyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published() -> CaseStudy:
    return CaseStudyFactory(
        title="One front door",
        barrier="Partners feared losing control of their records.",
        cost="Two days of each lead's time.",
        contact_name="Robin Shaw",
        contact_email="robin.shaw@example.org",
        tagged={"block": ["identity"], "dimension": ["ict"], "barrier": ["data-quality"]},
    )


@pytest.fixture
def waiting() -> CaseStudy:
    return CaseStudyFactory(
        title="Identity still waiting",
        status=CaseStudy.Status.SUBMITTED,
        tagged={"block": ["identity"], "dimension": ["ict"]},
    )


@pytest.fixture
def rejected() -> CaseStudy:
    return CaseStudyFactory(
        title="Identity turned down",
        status=CaseStudy.Status.REJECTED,
        tagged={"block": ["identity"], "dimension": ["ict"]},
    )


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_framework_page_signed_out_lists_blocks_dimensions_and_levels(guidance_words):
    page = text_of(Client().get(reverse("guidance:framework")))

    for part in (*guidance_words.blocks, *guidance_words.dimensions):
        assert part.name in page
        assert f"Summary of {part.name}." in page
    for level in guidance_words.levels:
        assert level.name in page
    assert reverse("guidance:block", args=["identity"]) in page
    assert reverse("guidance:dimension", args=["ict"]) in page
    assert '/framework/case-studies?barrier=data-quality">Poor data quality</a>' in page


def test_block_page_signed_out_shows_guidance_steps_and_order(db):
    page = text_of(Client().get(reverse("guidance:block", args=["identity"])))

    assert "First paragraph about identity." in page
    assert "Second paragraph about identity." in page
    assert "First step for identity" in page
    # Identity management needs governance first; messaging and federation need it.
    assert 'href="/framework/governance"' in page
    assert 'href="/framework/messaging"' in page
    assert 'href="/framework/federation"' in page
    assert 'href="/framework/scoping"' not in page


def test_block_page_shows_statements_with_anchors_and_their_actions(db):
    page = text_of(Client().get(reverse("guidance:block", args=["identity"])))

    assert 'id="IM-T-1"' in page
    assert 'id="single-number-IM-T-1"' in page
    assert (
        "Identity management is in place for ict infrastructure and applications (IM-T-1)." in page
    )
    for level in range(4):
        assert f"Move IM-T-1 up from {level}." in page
    assert "IM-T-1 at level 4" in page
    assert "IS-T-1" not in page


def test_block_page_without_banks_says_so(db, monkeypatch):
    monkeypatch.setattr("fame.guidance.queries.shipped_banks", dict)

    page = text_of(Client().get(reverse("guidance:block", args=["identity"])))

    assert "No statement bank that assesses identity management has been published yet." in page


def test_dimension_page_shows_each_blocks_statements_in_it(db):
    page = text_of(Client().get(reverse("guidance:dimension", args=["ict"])))

    assert "First paragraph about ict." in page
    for code in ("SC", "LP", "GV", "IS", "IM", "IN", "ME", "SU", "FE"):
        assert f'id="{code}-T-1"' in page
    assert "IM-P-1" not in page


@pytest.mark.parametrize("url", ["/framework/no-such-block", "/framework/dimensions/no-such"])
def test_unknown_block_or_dimension_is_not_found(db, url):
    assert Client().get(url).status_code == 404


def test_block_page_lists_published_case_studies_only(published, waiting, rejected):
    page = text_of(Client().get(reverse("guidance:block", args=["identity"])))

    assert "One front door" in page
    assert "Identity still waiting" not in page
    assert "Identity turned down" not in page
    assert "/framework/case-studies?block=identity" in page


def test_case_studies_signed_out_shows_published_only(published, waiting, rejected):
    page = text_of(Client().get(reverse("guidance:case_studies")))

    assert "One front door" in page
    assert "Identity still waiting" not in page
    assert "Identity turned down" not in page
    assert "1 case study" in page
    assert '<a class="govuk-link" href="/framework/identity">Identity management</a>' in page


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("block=identity&dimension=ict", True),
        ("block=identity&dimension=practice", False),
        ("barrier=data-quality", True),
        ("barrier=consent-worries", False),
        ("q=front+DOOR", True),
        ("q=waiting", False),
    ],
)
def test_case_studies_filters(published, waiting, query, found):
    page = text_of(Client().get(f"{reverse('guidance:case_studies')}?{query}"))

    assert ("One front door" in page) is found
    assert "Identity still waiting" not in page


def test_case_studies_unknown_filter_says_so_and_keeps_the_others(published):
    CaseStudyFactory(title="Practice only", tagged={"block": ["governance"]})

    page = text_of(Client().get(f"{reverse('guidance:case_studies')}?block=nonsense&dimension=ict"))

    assert "There is a problem" in page
    assert "Select a building block from the list" in page
    assert "<title>Error: " in page
    assert "One front door" in page
    assert "Practice only" not in page


def test_case_study_page_signed_out_shows_it(published):
    page = text_of(Client().get(reverse("guidance:case_study", args=[published.pk])))

    assert "Partners feared losing control of their records." in page
    assert "Two days of each lead&#39;s time." in page
    assert "robin.shaw@example.org" in page
    assert '<a class="govuk-link" href="/framework/identity">Identity management</a>' in page
    assert '<a class="govuk-link" href="/framework/dimensions/ict">' in page
    assert 'href="/framework/case-studies?barrier=data-quality">Poor data quality</a>' in page


def test_case_study_page_of_unpublished_is_not_found(waiting, rejected):
    for case in (waiting, rejected):
        assert Client().get(reverse("guidance:case_study", args=[case.pk])).status_code == 404


def test_case_study_page_of_unpublished_is_not_found_signed_in_either(waiting, partnership_officer):
    client = signed_in_client(partnership_officer)

    assert client.get(reverse("guidance:case_study", args=[waiting.pk])).status_code == 404


def test_case_study_text_is_escaped(db):
    case = CaseStudyFactory(title="<script>alert(1)</script>", worked="<b>bold</b>")

    page = text_of(Client().get(reverse("guidance:case_study", args=[case.pk])))

    assert "<script>alert(1)</script>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_case_studies_come_twenty_a_page(db):
    for n in range(21):
        CaseStudyFactory(title=f"Numbered case {n:02d}")

    first = text_of(Client().get(reverse("guidance:case_studies")))
    second = text_of(Client().get(f"{reverse('guidance:case_studies')}?page=2"))

    assert "21 case studies" in first
    assert first.count("Numbered case ") == 20
    assert second.count("Numbered case ") == 1
    assert "Numbered case 00" in second  # newest first: the first contributed is last


def test_case_studies_link_to_checking_for_partnership_officers_only(
    partnership_officer, school_teacher
):
    check = reverse("guidance:moderate")

    assert check in text_of(signed_in_client(partnership_officer).get("/framework/case-studies"))
    assert check not in text_of(signed_in_client(school_teacher).get("/framework/case-studies"))
    assert check not in text_of(Client().get("/framework/case-studies"))


def test_pages_render_with_the_shipped_framework_and_banks(db, monkeypatch):
    """The other tests read test words; this one reads whatever ships, and asks only that
    every page renders with each block's and dimension's name."""
    from markupsafe import escape

    from fame.readiness import bank, framework

    monkeypatch.setattr("fame.guidance.queries.framework", framework.framework)
    monkeypatch.setattr("fame.guidance.queries.shipped_banks", bank.shipped_banks)
    client = Client()

    assert client.get(reverse("guidance:framework")).status_code == 200
    assert client.get(reverse("guidance:case_studies")).status_code == 200
    for block in framework.framework().blocks:
        page = text_of(client.get(reverse("guidance:block", args=[block.key])))
        assert str(escape(block.name)) in page
    for dimension in framework.framework().dimensions:
        page = text_of(client.get(reverse("guidance:dimension", args=[dimension.key])))
        assert str(escape(dimension.name)) in page
