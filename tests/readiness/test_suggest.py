"""Suggested actions: the bank's action from a low level, agreeing flagged statements at
the workshop, lowest first, leaving out those already accepted."""

from __future__ import annotations

from fame.readiness.bank import read_bank
from fame.readiness.plan.suggest import WORKSHOP, bank_kind, find, suggest
from fame.readiness.scoring import statement_results

from .banks import small_bank_text

BANK = read_bank(small_bank_text())
IDS = [s.id for s in BANK.statements]


def _results(answers, agreed=None):
    """Every statement at 4 unless ``answers`` say otherwise."""
    given = {sid for sid, _ in answers}
    pairs = list(answers) + [(sid, 4) for sid in IDS if sid not in given]
    return statement_results(BANK, pairs, agreed)


def test_a_low_score_suggests_the_banks_action_from_that_level():
    found = suggest(_results([("SC-P-1", 2), ("SC-P-1", 2)]))
    assert [(s.statement_id, s.kind, s.text, s.term) for s in found] == [
        ("SC-P-1", "from-2", "Move SC-P-1 up from 2.", "medium")
    ]


def test_a_score_rounds_down_to_its_level():
    # The median of 1 and 2 is 1.5: level 1's action, in the short term.
    (only,) = suggest(_results([("SC-P-1", 1), ("SC-P-1", 2)]))
    assert (only.kind, only.text, only.term, only.score) == (
        "from-1",
        "Move SC-P-1 up from 1.",
        "short",
        1.5,
    )


def test_scores_above_two_suggest_nothing():
    assert suggest(_results([("SC-P-1", 3), ("SC-P-1", 3)])) == []


def test_a_statement_nobody_could_score_suggests_nothing():
    assert suggest(_results([("SC-P-1", None)])) == []


def test_a_flagged_statement_not_agreed_suggests_agreeing_it_at_the_workshop():
    found = suggest(_results([("GV-T-1", 2), ("GV-T-1", 4)]))
    assert [(s.statement_id, s.kind, s.term) for s in found] == [("GV-T-1", WORKSHOP, "short")]
    assert found[0].text.startswith("Agree at the workshop the score for GV-T-1")
    assert "from 2 to 4" in found[0].text


def test_a_low_flagged_statement_suggests_both_the_workshop_first():
    found = suggest(_results([("GV-T-1", 0), ("GV-T-1", 1), ("GV-T-1", 3)]))
    assert [(s.statement_id, s.kind) for s in found] == [("GV-T-1", WORKSHOP), ("GV-T-1", "from-1")]


def test_an_agreed_statement_is_no_longer_sent_to_the_workshop_and_its_agreed_level_counts():
    found = suggest(_results([("GV-T-1", 0), ("GV-T-1", 4)], agreed={"GV-T-1": 0}))
    assert [(s.statement_id, s.kind) for s in found] == [("GV-T-1", "from-0")]


def test_suggestions_come_lowest_first_then_in_the_banks_order():
    found = suggest(_results([("FE-G-1", 0), ("SC-P-1", 2), ("LP-T-1", 1), ("IS-P-1", 0)]))
    assert [s.statement_id for s in found] == ["IS-P-1", "FE-G-1", "LP-T-1", "SC-P-1"]


def test_accepted_suggestions_are_left_out_but_other_kinds_stay():
    results = _results([("GV-T-1", 0), ("GV-T-1", 1), ("GV-T-1", 3), ("SC-P-1", 1)])
    found = suggest(results, accepted={("GV-T-1", WORKSHOP), ("SC-P-1", bank_kind(1))})
    assert [(s.statement_id, s.kind) for s in found] == [("GV-T-1", "from-1")]
    # Accepted from another level (the score has since changed): suggested again.
    assert find(suggest(results, accepted={("SC-P-1", bank_kind(0))}), "SC-P-1", "from-1")


def test_find_names_only_what_is_still_suggested():
    found = suggest(_results([("SC-P-1", 1)]))
    assert find(found, "SC-P-1", "from-1") is found[0]
    assert find(found, "SC-P-1", "from-2") is None
    assert find(found, "SC-P-1", WORKSHOP) is None
