"""Finding case studies by tag and words (run on SQLite and PostgreSQL), and the statements
a block's or dimension's page shows."""

from __future__ import annotations

import pytest

from fame.guidance import queries
from fame.guidance.models import CaseStudy

from .conftest import CaseStudyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases() -> dict[str, CaseStudy]:
    return {
        "front_door": CaseStudyFactory(
            title="One front door",
            tagged={"block": ["identity", "information-sharing"], "dimension": ["ict"]},
        ),
        "consent": CaseStudyFactory(
            title="Consent in plain words",
            worked="A leaflet written with PARENTS.",
            tagged={"block": ["information-sharing"], "barrier": ["consent-worries"]},
        ),
        "waiting": CaseStudyFactory(
            title="Identity waiting",
            status=CaseStudy.Status.SUBMITTED,
            tagged={"block": ["identity"], "dimension": ["ict"]},
        ),
        "rejected": CaseStudyFactory(
            title="Identity rejected",
            status=CaseStudy.Status.REJECTED,
            tagged={"block": ["identity"]},
        ),
    }


def titles(found) -> list[str]:
    return sorted(case.title for case in found)


def test_find_case_studies_unfiltered_shows_published_only(cases):
    assert titles(queries.find_case_studies()) == ["Consent in plain words", "One front door"]


def test_find_case_studies_by_block_and_dimension_needs_both(cases):
    CaseStudyFactory(
        title="Identity in practice", tagged={"block": ["identity"], "dimension": ["practice"]}
    )

    found = queries.find_case_studies(block="identity", dimension="ict")

    assert titles(found) == ["One front door"]


def test_find_case_studies_with_two_matching_tags_lists_it_once(cases):
    found = queries.find_case_studies(block="information-sharing")

    assert titles(found) == ["Consent in plain words", "One front door"]
    assert found.count() == 2


def test_find_case_studies_by_barrier(cases):
    assert titles(queries.find_case_studies(barrier="consent-worries")) == [
        "Consent in plain words"
    ]


def test_find_case_studies_by_words_ignores_case(cases):
    assert titles(queries.find_case_studies(text="parents")) == ["Consent in plain words"]
    assert titles(queries.find_case_studies(text="FRONT")) == ["One front door"]


def test_find_case_studies_by_words_never_finds_unpublished(cases):
    assert titles(queries.find_case_studies(text="identity")) == []


def test_find_case_studies_by_words_and_tag(cases):
    found = queries.find_case_studies(block="information-sharing", text="leaflet")

    assert titles(found) == ["Consent in plain words"]


def test_case_studies_tagged_leaves_out_unpublished(cases):
    assert titles(queries.case_studies_tagged("block", "identity")) == ["One front door"]


def test_published_case_study_is_none_unless_published(cases):
    assert queries.published_case_study(cases["front_door"].pk) == cases["front_door"]
    assert queries.published_case_study(cases["waiting"].pk) is None
    assert queries.published_case_study(cases["rejected"].pk) is None


def test_moderation_queue_is_the_waiting_ones(cases):
    assert list(queries.moderation_queue()) == [cases["waiting"]]


def test_statements_by_block_grouped_by_dimension_in_each_bank():
    banks = queries.statements_by("block", "identity")

    assert [b.bank.key for b in banks] == ["childrens-services", "single-number"]
    groups = banks[0].groups
    assert [g.part.key for g in groups] == ["practice", "ict", "governance"]
    assert [s.statement.id for g in groups for s in g.statements] == ["IM-P-1", "IM-T-1", "IM-G-1"]


def test_statements_by_dimension_grouped_by_block():
    banks = queries.statements_by("dimension", "ict")

    groups = banks[0].groups
    assert len(groups) == 9
    assert groups[0].part.key == "scoping"
    assert all(s.statement.dimension == "ict" for g in groups for s in g.statements)


def test_statement_anchors_are_their_ids_and_never_repeat_on_a_page():
    banks = queries.statements_by("block", "identity")

    first = [s.anchor for g in banks[0].groups for s in g.statements]
    second = [s.anchor for g in banks[1].groups for s in g.statements]
    assert first == ["IM-P-1", "IM-T-1", "IM-G-1"]
    assert second == ["single-number-IM-P-1", "single-number-IM-T-1", "single-number-IM-G-1"]


def test_statements_by_without_banks_is_empty(monkeypatch):
    monkeypatch.setattr("fame.guidance.queries.shipped_banks", dict)

    assert queries.statements_by("block", "identity") == []


def test_needed_by_is_the_blocks_that_need_it():
    assert [b.key for b in queries.needed_by("identity")] == ["messaging", "federation"]
