"""Each answer of a guided story is computed when it is shown: the sharing policy
decision point's for a rule, the model's for a figure, the run's for a journey."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from fame.demonstrator.guided import rule_findings, show, stories
from fame.demonstrator.guided.answers import facts_for, figure_finding
from fame.demonstrator.guided.story import Ask, FigureAnswer
from fame.demonstrator.model import Run
from fame.sharing import _pdp, decide

ON = date(2027, 3, 1)
POLICE_ASKS_SENSITIVE = {
    "label": "The clinic",
    "requester": "police",
    "holder": "health",
    "purpose": "safeguarding",
    "category": "sensitive",
    "protocol_covers": ["involvement", "sensitive"],
}


def test_a_rule_answer_is_the_decision_point_s():
    ask = Ask(**POLICE_ASKS_SENSITIVE)

    [finding] = rule_findings([ask], on=ON)

    decision = decide(*facts_for(ask, ON))
    assert finding.permitted is decision.permitted is False
    assert finding.reasons == tuple(decision.reasons)
    assert finding.reasons[0].startswith("Refused: no consent in force permits sharing sensitive")


@pytest.mark.parametrize(
    ("changes", "permitted", "says"),
    [
        ({"consent": "permit"}, True, "a consent in force permits it"),
        ({"consent": "deny"}, False, "Refused: a consent in force refuses"),
        ({"protocol_covers": ["involvement"]}, False, "no information-sharing protocol"),
        ({"override": "Missing three times this month."}, True, "safeguarding override"),
        ({"category": "involvement", "protocol_covers": []}, True, "any vetted practitioner"),
    ],
)
def test_a_rule_answer_changes_with_what_is_asked(changes, permitted, says):
    [finding] = rule_findings([Ask(**{**POLICE_ASKS_SENSITIVE, **changes})], on=ON)

    assert finding.permitted is permitted
    assert says in " ".join(finding.reasons)


def test_a_rule_answer_changes_with_the_policy(tmp_path, monkeypatch):
    ordinary = Ask(**{**POLICE_ASKS_SENSITIVE, "category": "involvement"})
    for path in _pdp.POLICY_DIR.iterdir():
        if path.name != "rule3_basic_and_involvement.cedar":
            shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(_pdp, "POLICY_DIR", tmp_path)
    monkeypatch.setattr(_pdp, "SCHEMA_FILE", tmp_path / "fame.cedarschema")
    _pdp.loaded_policies.cache_clear()
    try:
        [without_rule3] = rule_findings([ordinary], on=ON)
    finally:
        monkeypatch.undo()
        _pdp.loaded_policies.cache_clear()
    [with_rule3] = rule_findings([ordinary], on=ON)

    assert with_rule3.permitted
    assert not without_rule3.permitted


def test_a_figure_answer_is_the_model_s(small):
    answer = FigureAnswer(
        kind="figure", measure="days_concern_to_first_tac", approaches=["as_is", "index"]
    )

    finding = figure_finding(answer, scenario="small", seed=11, replication=2)

    expected = [
        Run(small, approach, replication=2, seed=11).run()["days_concern_to_first_tac"]
        for approach in ("as_is", "index")
    ]
    assert [value for _, value in finding.rows] == [f"{v:,.2f}" for v in expected]
    assert finding.rows[0][0] == small.approaches["as_is"].label


def test_a_figure_over_replications_has_an_interval_and_a_count_is_whole():
    over = FigureAnswer(
        kind="figure", count="node down", approaches=["index_caf_federated"], replications=3
    )
    once = FigureAnswer(kind="figure", count="CAF started", approaches=["index_caf_federated"])

    [(_, spread)] = figure_finding(over, scenario="small", seed=5, replication=0).rows
    [(_, counted)] = figure_finding(once, scenario="small", seed=5, replication=0).rows

    assert "(95% interval " in spread
    assert not spread.split("(95% interval ")[1].startswith("-")  # a count is never below 0
    assert counted.replace(",", "").isdigit()


def test_each_step_stands_at_its_case_s_moment():
    story = stories()["school_nurse"]

    for number, step in enumerate(story.steps, start=1):
        shown = show(story, number)
        assert shown.case is not None
        firsts = [shown.case.first(activity) for activity in step.at]
        moment = next((h for h in firsts if h is not None), shown.case.journey[0])
        assert shown.t == moment.t
        assert moment.t <= shown.case.journey[-1].t
        assert shown.selection["case"] == shown.case.child
        assert len(shown.findings) >= len(step.answers)


def test_a_journey_answer_lists_the_case_s_own_events():
    story = stories()["school_nurse"]
    number = next(i for i, s in enumerate(story.steps, 1) if s.title == "What the family sees")

    shown = show(story, number)

    [journey] = shown.findings
    assert shown.case is not None
    opened = [h for h in shown.case.journey if h.activity == "record opened"]
    assert [row[1] for row in journey.rows].count("record opened") == len(opened) >= 1
    assert shown.case.practitioner in journey.rows[0][2]
