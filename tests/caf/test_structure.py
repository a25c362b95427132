"""The national CAF structure is complete, and content is checked against it."""

from __future__ import annotations

import pytest

from fame.caf import structure

DOMAIN_ELEMENTS = {
    "development": [
        "Health",
        "Emotional and social development",
        "Behavioural development",
        "Identity, self-esteem, self-image and social presentation",
        "Family and social relationships",
        "Self-care skills and independence",
        "Learning",
    ],
    "parents": [
        "Basic care, ensuring safety and protection",
        "Emotional warmth and stability",
        "Guidance, boundaries and stimulation",
    ],
    "environment": [
        "Family history, functioning and well-being",
        "Wider family",
        "Housing, employment and financial considerations",
        "Social and community elements and resources, including education",
    ],
}


def test_task_list_has_every_part_of_the_national_caf():
    titles = [s.title for s in structure.SECTIONS]
    assert titles[0] == "Pre-assessment checklist"
    for wanted in (
        "Identifying details",
        "Assessment information",
        "Conclusions, solutions and actions",
        "The child's and family's views",
        "Consent for storage and sharing",
    ):
        assert wanted in titles
    assert len(set(structure.SECTION_KEYS)) == len(structure.SECTION_KEYS)


def test_each_domain_has_its_elements_each_with_strengths_and_needs():
    groups = {g.key: g for g in structure.GROUPS}
    for domain, elements in DOMAIN_ELEMENTS.items():
        assert [s.title for s in groups[domain].sections] == elements
        for element in groups[domain].sections:
            assert [q.key for q in element.questions] == ["strengths", "needs"]


def test_identifying_details_ask_what_the_national_form_asks():
    keys = {q.key for q in structure.section("identifying_details").questions}
    assert {
        "given_names",
        "family_name",
        "previous_names",
        "sex",
        "date_of_birth",
        "expected_delivery",
        "address",
        "contact",
        "ethnicity",
        "religion",
        "child_language",
        "parents_language",
        "disability",
        "interpreter",
    } <= keys
    ethnicity = structure.section("identifying_details").question("ethnicity")
    labels = dict(ethnicity.choices).values()
    assert "White: Traveller of Irish heritage" in labels
    assert "Mixed: White and Black Caribbean" in labels
    assert len(ethnicity.choices) == 19


def test_assessment_information_and_consent_questions():
    info = {q.key for q in structure.section("assessment_information").questions}
    assert {
        "people_present",
        "what_led",
        "parental_responsibility",
        "family_situation",
        "assessor",
        "other_services",
    } <= info
    consent = {q.key for q in structure.section("consent").questions}
    assert {"storage", "sharing", "share_with"} <= consent


def test_content_with_an_unknown_question_is_refused():
    with pytest.raises(structure.ContentError, match="no question"):
        structure.check_content("health", {"strengths": "x", "diagnosis": "y"})
    with pytest.raises(structure.ContentError, match="no section"):
        structure.check_content("case_notes", {})


def test_an_element_is_complete_with_strengths_or_needs():
    assert not structure.is_complete("health", {"strengths": "", "needs": ""})
    assert structure.is_complete("health", {"strengths": "", "needs": "Glasses"})


def test_answers_read_as_a_person_would():
    ethnicity = structure.section("identifying_details").question("ethnicity")
    born = structure.section("identifying_details").question("date_of_birth")
    share = structure.section("consent").question("share_with")
    assert structure.answer_text(ethnicity, "chinese", organisations={}) == "Chinese"
    assert structure.answer_text(born, "2017-03-04", organisations={}) == "4 March 2017"
    assert (
        structure.answer_text(share, ["hlt-001"], organisations={"hlt-001": "Health"}) == "Health"
    )
