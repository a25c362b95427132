"""A guided story: steps through one simulated run, read from a TOML file and checked
against a declared schema, as scenarios are.

A story names the run it plays (scenario, approach, seed, replication), the cases it
follows, each chosen by a rule (``[cases.nurse]``: the first CAF raised by a health
practitioner that reached a TAC meeting) rather than by an id that changes when the
model does, and its steps. A step says where it stands (a case, and the first of some
activities in that case's journey), which perspective shows it best, and may ask the
room a question. Its answers are never written in the story: each names what to
compute (the sharing policy's decision on a described request, a measure of the run,
or the case's own events), and the page computes it when it is shown.

Every problem is reported with the path of the field it is in
(``steps.3.answers.0.asks.1.category: Input should be 'basic', ...``), and a story
with any problem is not used at all.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from fame.sharing import DATA_CATEGORIES, PURPOSES

from ..playback import REPLICATIONS_MAX, shipped
from ..reports import KEY_MEASURES
from ..scenario import AgencyType

STORIES = Path(__file__).resolve().parent

Activity = Literal[
    "concern noticed",
    "find who is involved",
    "record opened",
    "decided no CAF",
    "consent refused",
    "CAF started",
    "details requested",
    "request answered",
    "request refused",
    "request waiting for node",
    "CAF completed",
    "TAC meeting held",
    "lead professional agreed",
    "services started",
    "CAF reviewed",
    "CAF closed",
    "stepped up to social care",
    "node down",
    "node up",
    "index updated",
    "tree head signed",
]
"""What the simulation records (``model.Run``); a test keeps the two in step."""
ACTIVITIES: tuple[str, ...] = Activity.__args__  # type: ignore[attr-defined]
Perspective = Literal["client", "practitioner", "management", "technology"]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=40)]
MEASURES = dict(KEY_MEASURES)


class StoryError(ValueError):
    """The story cannot be used; ``problems`` names each bad field by its path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _category(value: str) -> str:
    if value not in DATA_CATEGORIES:
        raise ValueError(f"{value!r} is not a data category (one of {', '.join(DATA_CATEGORIES)})")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseRule(_Strict):
    """Which case a step follows: the first CAF of the run, by when its concern was
    noticed, that was raised by ``noticed_by`` and whose journey holds every activity
    in ``reached``; where none does, the case named by ``otherwise``."""

    noticed_by: AgencyType | None = None
    reached: list[Activity] = []
    otherwise: Slug | None = None


class Ask(_Strict):
    """A request to put to the sharing policy: a practitioner of one type of agency asks
    the agency holding a child's record for one category of it, for a purpose."""

    label: str = Field(min_length=1, max_length=200)
    requester: AgencyType
    holder: AgencyType
    purpose: str
    category: str
    protocol_covers: list[str] = []
    """The categories a protocol in force between the two agencies covers for this
    purpose; none: no protocol names both."""
    consent: Literal["none", "permit", "deny"] = "none"
    """A consent in force for this request: none, one that permits, one that refuses."""
    override: str = Field(default="", max_length=500)
    """A safeguarding override's reason, authorised by a manager of the requester's
    agency; empty: no override."""

    @field_validator("purpose")
    @classmethod
    def _purpose(cls, value: str) -> str:
        if value not in PURPOSES:
            raise ValueError(f"{value!r} is not a purpose (one of {', '.join(PURPOSES)})")
        return value

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return _category(value)

    @field_validator("protocol_covers")
    @classmethod
    def _categories(cls, values: list[str]) -> list[str]:
        return [_category(value) for value in values]


class RuleAnswer(_Strict):
    """Answered by the sharing policy decision point, asked each request in turn."""

    kind: Literal["rule"]
    asks: list[Ask] = Field(min_length=1, max_length=8)


class FigureAnswer(_Strict):
    """Answered by a figure of the run for each approach: one of the published measures,
    or how many times an activity happened; over ``replications`` runs, with a 95%
    interval, when more than one."""

    kind: Literal["figure"]
    measure: str | None = None
    count: Activity | None = None
    approaches: list[Slug] = Field(min_length=1, max_length=3)
    replications: int = Field(default=1, ge=1, le=REPLICATIONS_MAX + 1)

    @field_validator("measure")
    @classmethod
    def _measure(cls, value: str | None) -> str | None:
        if value is not None and value not in MEASURES:
            raise ValueError(f"{value!r} is not a measure (one of {', '.join(MEASURES)})")
        return value

    @model_validator(mode="after")
    def _one(self) -> FigureAnswer:
        if (self.measure is None) == (self.count is None):
            raise ValueError("give a measure or an activity to count, not both or neither")
        return self


class JourneyAnswer(_Strict):
    """Answered by the case's own events of these activities: when, who, what."""

    kind: Literal["journey"]
    activities: list[Activity] = Field(min_length=1)


Answer = Annotated[RuleAnswer | FigureAnswer | JourneyAnswer, Field(discriminator="kind")]


class Step(_Strict):
    title: str = Field(min_length=1, max_length=120)
    narration: str = Field(min_length=1, max_length=3000)
    perspective: Perspective
    case: Slug
    at: list[Activity] = Field(min_length=1)
    """The step stands at the first event of the case of the first of these it has."""
    question: str | None = Field(default=None, min_length=1, max_length=300)
    answers: list[Answer] = Field(default=[], max_length=3)
    explanation: str = Field(default="", max_length=2000)
    """Words that go with the computed answer: the rule in plain English, never a figure."""

    @field_validator("narration", "question", "explanation")
    @classmethod
    def _no_figures(cls, value: str | None) -> str | None:
        if value and any(character.isdigit() for character in value):
            raise ValueError("holds a figure: write it in words, or let an answer compute it")
        return value

    @model_validator(mode="after")
    def _asked(self) -> Step:
        if self.answers and not self.question:
            raise ValueError("answers need a question")
        if self.question and not self.answers:
            raise ValueError("a question needs at least one answer")
        return self


class Story(_Strict):
    name: Slug
    title: str = Field(min_length=1, max_length=120)
    about: str = Field(min_length=1, max_length=2000)
    scenario: Slug
    approach: Slug
    versus: Slug | None = None
    """An approach the perspective windows show beside the story's, if any."""
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    """The scenario's own seed when not given."""
    replication: int = Field(default=0, ge=0, le=REPLICATIONS_MAX)
    cases: dict[Slug, CaseRule] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1, max_length=12)

    @model_validator(mode="after")
    def _references(self) -> Story:
        problems = []
        scenario = shipped().get(self.scenario)
        if scenario is None:
            problems.append(
                f"scenario: there is no scenario {self.scenario!r} (one of {', '.join(shipped())})"
            )
        approaches = list(scenario.approaches) if scenario else []

        def approach(where: str, name: str | None) -> None:
            if scenario and name is not None and name not in approaches:
                problems.append(
                    f"{where}: the scenario {self.scenario} has no approach {name!r} "
                    f"(one of {', '.join(approaches)})"
                )

        approach("approach", self.approach)
        approach("versus", self.versus)
        for name, rule in self.cases.items():
            if rule.otherwise is not None and rule.otherwise not in self.cases:
                problems.append(f"cases.{name}.otherwise: there is no case {rule.otherwise!r}")
            if rule.otherwise == name:
                problems.append(f"cases.{name}.otherwise: a case cannot fall back on itself")
        for number, step in enumerate(self.steps):
            if step.case not in self.cases:
                known = ", ".join(self.cases)
                problems.append(
                    f"steps.{number}.case: there is no case {step.case!r} (one of {known})"
                )
            for k, answer in enumerate(step.answers):
                if isinstance(answer, FigureAnswer):
                    for j, name in enumerate(answer.approaches):
                        approach(f"steps.{number}.answers.{k}.approaches.{j}", name)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def run_seed(self) -> int:
        return self.seed if self.seed is not None else shipped()[self.scenario].seed


def _where(location: tuple[int | str, ...]) -> str:
    # pydantic adds a union member's tag to the path ("rule"): a reader wants the field.
    parts = [str(part) for part in location if part not in ("rule", "figure", "journey")]
    return ".".join(parts)


def parse_story(text: str) -> Story:
    """The story in ``text``, or StoryError naming every bad field by its path."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise StoryError([f"story: not valid TOML ({error})"]) from None
    try:
        return Story.model_validate(data)
    except ValidationError as error:
        problems = []
        for e in error.errors():
            message = e["msg"].removeprefix("Value error, ")
            where = _where(e["loc"])
            problems += [f"{where}: {line}" if where else line for line in message.split("\n")]
        raise StoryError(problems) from None


def read_story(path: Path) -> Story:
    """The story in ``path``, or StoryError saying what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StoryError([f"story: {path} cannot be read ({error})"]) from None
    return parse_story(text)


def shipped_stories() -> list[Path]:
    return sorted(STORIES.glob("*.toml"))
