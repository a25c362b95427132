"""A CAF's answers as people read them: per section, and two versions side by side. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .structure import SECTIONS, Question, Section, answer_text


@dataclass(frozen=True)
class Answer:
    question: Question
    text: str


@dataclass(frozen=True)
class SectionAnswers:
    section: Section
    answers: list[Answer]


@dataclass(frozen=True)
class ComparedAnswer:
    question: Question
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class ComparedSection:
    section: Section
    answers: list[ComparedAnswer]

    @property
    def changed(self) -> bool:
        return any(a.changed for a in self.answers)

    @property
    def changed_answers(self) -> list[ComparedAnswer]:
        return [a for a in self.answers if a.changed]

    @property
    def unchanged_answers(self) -> list[ComparedAnswer]:
        return [a for a in self.answers if not a.changed]


def answers(
    content: Mapping[str, Any], *, organisations: Mapping[str, str]
) -> list[SectionAnswers]:
    """Every section's answers, in the order of the task list ("" where none was given)."""
    return [
        SectionAnswers(
            section=s,
            answers=[
                Answer(
                    q,
                    answer_text(q, content.get(s.key, {}).get(q.key), organisations=organisations),
                )
                for q in s.questions
            ],
        )
        for s in SECTIONS
    ]


def compare(
    before: Mapping[str, Any], after: Mapping[str, Any], *, organisations: Mapping[str, str]
) -> list[ComparedSection]:
    """Two versions side by side, question by question, marking what changed."""
    return [
        ComparedSection(
            section=s,
            answers=[
                ComparedAnswer(
                    q,
                    answer_text(q, before.get(s.key, {}).get(q.key), organisations=organisations),
                    answer_text(q, after.get(s.key, {}).get(q.key), organisations=organisations),
                )
                for q in s.questions
            ],
        )
        for s in SECTIONS
    ]
