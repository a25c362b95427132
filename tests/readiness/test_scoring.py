"""Scoring: medians, spreads, flags, don't know, agreed scores and means."""

from __future__ import annotations

from fame.readiness.bank import read_bank
from fame.readiness.scoring import by_cell, by_criterion, mean_score, statement_results

from .banks import small_bank_text

BANK = read_bank(small_bank_text())


def _one(answers, agreed=None):
    return statement_results(BANK, answers, agreed)[0]


def test_statement_median_and_spread_of_scores():
    result = _one([("SC-P-1", 1), ("SC-P-1", 2), ("SC-P-1", 4)])
    assert result.median == 2.0
    assert result.spread == 3
    assert result.flagged


def test_dont_know_is_counted_and_never_scored_as_zero():
    result = _one([("SC-P-1", 3), ("SC-P-1", None), ("SC-P-1", None)])
    assert result.dont_know == 2
    assert result.scores == (3,)
    assert result.median == 3.0
    assert not result.flagged


def test_a_difference_of_one_is_not_flagged_but_two_is():
    assert not _one([("SC-P-1", 2), ("SC-P-1", 3)]).flagged
    assert _one([("SC-P-1", 2), ("SC-P-1", 4)]).flagged


def test_agreed_score_stands_for_the_statement():
    result = _one([("SC-P-1", 0), ("SC-P-1", 4)], agreed={"SC-P-1": 1})
    assert result.median == 2.0
    assert result.score == 1.0
    assert result.settled


def test_statement_nobody_scored_has_no_score_and_counts_in_no_mean():
    results = statement_results(BANK, [("SC-T-1", None), ("SC-P-1", 2)])
    assert results[1].score is None
    cells = by_cell(results)
    assert cells[("scoping", "practice")] == 2.0
    assert cells[("scoping", "ict")] is None


def test_cell_and_criterion_are_means_of_statement_scores():
    answers = [("SC-P-1", 1), ("SC-P-1", 2), ("LP-P-1", 4)]
    results = statement_results(BANK, answers)
    by_id = {r.statement.id: r for r in results}
    assert by_id["SC-P-1"].score == 1.5
    criterion = BANK.statement("SC-P-1").criterion
    same = [r for r in results if r.statement.criterion == criterion and r.score is not None]
    assert by_criterion(results)[criterion] == mean_score(same)


def test_answers_to_statements_not_in_the_bank_are_left_out():
    results = statement_results(BANK, [("XX-P-9", 4)])
    assert all(r.score is None for r in results)
