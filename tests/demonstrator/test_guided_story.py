"""A guided story as data: the shipped one parses, a bad one is refused with the path of
each bad field, and its cases are chosen by their rules, not by ids."""

from __future__ import annotations

import pytest

from fame.demonstrator.events import Recorder
from fame.demonstrator.guided import StoryError, parse_story, stories
from fame.demonstrator.guided.cases import cases_of, chosen
from fame.demonstrator.guided.story import ACTIVITIES, CaseRule
from fame.demonstrator.model import Run

GOOD = """
name = "tiny"
title = "A tiny story"
about = "One step."
scenario = "small"
approach = "index_caf_federated"

[cases.first]
reached = ["CAF completed"]

[[steps]]
title = "A concern"
narration = "Someone notices."
perspective = "client"
case = "first"
at = ["concern noticed"]
"""


def test_the_shipped_story_parses_with_six_to_nine_steps():
    story = stories()["school_nurse"]

    assert 6 <= len(story.steps) <= 9
    assert {step.perspective for step in story.steps} == {
        "client",
        "practitioner",
        "management",
        "technology",
    }
    assert any(step.question and "sexual health" in step.question for step in story.steps)


def test_a_small_story_parses():
    story = parse_story(GOOD)

    assert story.steps[0].case == "first"
    assert story.run_seed == 2026  # the small scenario's own seed


def test_a_bad_story_names_each_bad_field_by_its_path():
    bad = (
        GOOD
        + """question = "May they?"
[[steps.answers]]
kind = "rule"
[[steps.answers.asks]]
label = "Asked"
requester = "police"
holder = "health"
purpose = "fun"
category = "sensitive"
[[steps.answers]]
kind = "figure"
measure = "happiness"
approaches = ["as_is"]
"""
    )

    with pytest.raises(StoryError) as refused:
        parse_story(bad)

    problems = refused.value.problems
    assert any(
        p.startswith("steps.0.answers.0.asks.0.purpose: 'fun' is not a purpose") for p in problems
    )
    assert any(
        p.startswith("steps.0.answers.1.measure: 'happiness' is not a measure") for p in problems
    )


def test_references_to_cases_and_approaches_are_checked_with_their_paths():
    bad = GOOD.replace('approach = "index_caf_federated"', 'approach = "teleport"')
    bad = bad.replace('case = "first"', 'case = "nobody"')

    with pytest.raises(StoryError) as refused:
        parse_story(bad)

    assert refused.value.problems == [
        "approach: the scenario small has no approach 'teleport' "
        "(one of as_is, index, index_caf_federated)",
        "steps.0.case: there is no case 'nobody' (one of first)",
    ]


def test_a_question_without_an_answer_is_refused():
    with pytest.raises(StoryError) as refused:
        parse_story(GOOD + 'question = "Why?"\n')

    assert refused.value.problems == ["steps.0: a question needs at least one answer"]


def test_a_story_may_not_type_a_figure_in_its_words():
    with pytest.raises(StoryError) as refused:
        parse_story(GOOD.replace("Someone notices.", "Someone notices 3 concerns."))

    assert refused.value.problems == [
        "steps.0.narration: holds a figure: write it in words, or let an answer compute it"
    ]


def test_a_story_that_is_not_toml_is_refused():
    with pytest.raises(StoryError) as refused:
        parse_story("name = ")

    assert refused.value.problems[0].startswith("story: not valid TOML")


def test_the_story_vocabulary_is_the_model_s(small):
    recorder = Recorder()
    Run(small, "index_caf_federated", replication=0, seed=small.seed, recorder=recorder).run()
    Run(small, "as_is", replication=0, seed=small.seed, recorder=recorder).run()

    assert {event[0] for event in recorder.events} <= set(ACTIVITIES)


def test_a_case_is_the_first_the_rule_picks():
    cases = cases_of("small", "index_caf_federated", 2026, 0)
    rule = CaseRule(noticed_by="health", reached=["TAC meeting held"])

    case = chosen(rule, cases)

    assert case is not None
    assert case.noticed_by == "health"
    assert case.journey[0].activity == "concern noticed"
    assert "TAC meeting held" in case.activities
    earlier = cases[: cases.index(case)]
    assert not [
        c for c in earlier if c.noticed_by == "health" and "TAC meeting held" in c.activities
    ]
    assert all(case.caf in h.objects or h.activity != "CAF started" for h in case.journey)


def test_a_case_follows_the_run_not_an_id():
    rule = CaseRule(noticed_by="health", reached=["TAC meeting held"])

    one = chosen(rule, cases_of("small", "index_caf_federated", 2026, 0))
    other = chosen(rule, cases_of("small", "index_caf_federated", 2026, 3))

    assert one is not None and other is not None
    assert (one.child, one.journey[0].t) != (other.child, other.journey[0].t)
