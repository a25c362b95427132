"""Calibration: the as-is approach, with the shipped defaults, reproduces the survey
figures it was built from. The figures emerge from the modelled process (how often a
practitioner needs to know, agencies phoned, minutes a call, the chance of reaching
someone); neither is an input of the model."""

from __future__ import annotations

from fame.demonstrator.compare import interval, run_all
from fame.demonstrator.scenario import Scenario

HOURS_A_MONTH = 2.0  # about 2 hours a month per practitioner finding who is involved
SHARE_WHO_SUCCEED = 0.79  # 79% succeed


def test_as_is_reproduces_the_survey_figures(regional: Scenario):
    runs = run_all(regional, ["as_is"], replications=6, seed=regional.seed, jobs=1)

    hours = interval(figures["finding_hours_per_practitioner_month"] for _, _, figures, _ in runs)
    share = interval(figures["share_finding_everyone"] for _, _, figures, _ in runs)

    assert hours.ci_low <= HOURS_A_MONTH <= hours.ci_high, hours
    assert share.ci_low <= SHARE_WHO_SUCCEED <= share.ci_high, share


def test_calibration_would_notice_a_changed_process(regional: Scenario):
    easier = regional.model_copy(
        update={"finding": regional.finding.model_copy(update={"reach_chance": 0.6})}
    )
    runs = run_all(easier, ["as_is"], replications=3, seed=regional.seed, jobs=1)

    share = interval(figures["share_finding_everyone"] for _, _, figures, _ in runs)

    assert share.ci_low > SHARE_WHO_SUCCEED
