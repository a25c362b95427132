"""A step of a story as the page shows it: its case and moment in the run, and its
answers, computed now."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..playback import shipped
from .answers import (
    FigureFinding,
    JourneyFinding,
    RuleFinding,
    figure_finding,
    journey_finding,
    rule_findings,
)
from .cases import Case, cases_of, chosen, day_in_words, rule_in_words
from .story import FigureAnswer, RuleAnswer, Step, Story, read_story, shipped_stories

Finding = RuleFinding | FigureFinding | JourneyFinding


@dataclass(frozen=True)
class ShownStep:
    number: int  # from 1
    step: Step
    case: Case | None
    chosen_by: str  # how the case was chosen, in words, and any fall-back
    t: float  # days from the run's start
    when: str
    findings: tuple[Finding, ...]

    @property
    def selection(self) -> dict[str, str]:
        """What the perspective windows select: the child's case, its CAF and assessor."""
        if self.case is None:
            return {}
        return {
            "case": self.case.child,
            "caf": self.case.caf,
            "practitioner": self.case.practitioner,
        }


@lru_cache(maxsize=4)
def stories() -> dict[str, Story]:
    """The stories that ship with FAME, by name."""
    found = (read_story(path) for path in shipped_stories())
    return {story.name: story for story in found}


def case_for(story: Story, name: str) -> tuple[Case | None, str]:
    """The case a step follows, and how it was chosen (in words)."""
    cases = cases_of(story.scenario, story.approach, story.run_seed, story.replication)
    words, seen = [], set()
    while name not in seen:
        seen.add(name)
        rule = story.cases[name]
        case = chosen(rule, cases)
        if case is not None:
            words.append(f"This step follows {rule_in_words(rule)}.")
            return case, " ".join(words)
        words.append(f"No case in this run is {rule_in_words(rule)}.")
        if rule.otherwise is None:
            break
        name = rule.otherwise
    return None, " ".join(words)


def show(story: Story, number: int) -> ShownStep:
    """Step ``number`` (from 1) of the story, its answers computed."""
    step = story.steps[number - 1]
    days = shipped()[story.scenario].days
    case, chosen_by = case_for(story, step.case)
    moment = None
    if case is not None:
        moment = next(filter(None, (case.first(a) for a in step.at)), None) or case.journey[0]
    t = moment.t if moment else 0.0
    findings: list[Finding] = []
    for answer in step.answers:
        if isinstance(answer, RuleAnswer):
            findings += rule_findings(answer.asks)
        elif isinstance(answer, FigureAnswer):
            findings.append(
                figure_finding(
                    answer,
                    scenario=story.scenario,
                    seed=story.run_seed,
                    replication=story.replication,
                )
            )
        elif case is not None:
            findings.append(journey_finding(answer, case, days))
    return ShownStep(number, step, case, chosen_by, t, day_in_words(t, days), tuple(findings))
