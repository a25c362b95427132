"""The national Common Assessment Framework, as data: the task list's sections and their questions.

Pure: no models, no requests. The hub builds its forms and pages from it; the
node uses it to check what it is sent and to say how far each section has got.
A CAF's content is a dict of section key -> {question key -> answer}; answers
are text, a date as YYYY-MM-DD, or (for several choices) a list of text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    CHOICE = "choice"  # radios
    LIST = "list"  # a select, for a long national list
    ORGANISATIONS = "organisations"  # checkboxes of the region's organisations


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: Kind = Kind.LONG_TEXT
    required: bool = False
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    future_allowed: bool = False
    missing: str = ""
    """The error when a required answer is missing (GOV.UK style: "Enter ...", "Select ...")."""

    @property
    def missing_message(self) -> str:
        if self.missing:
            return self.missing
        verb = "Select" if self.kind in {Kind.CHOICE, Kind.LIST, Kind.ORGANISATIONS} else "Enter"
        return f"{verb} {self.label[0].lower()}{self.label[1:]}".rstrip("?")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    group: str
    questions: tuple[Question, ...]
    intro: str = ""
    needs_one_of: tuple[str, ...] = ()
    """When set, completing the section needs at least one of these answered."""

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    sections: tuple[Section, ...] = field(default=())


YES_NO = (("yes", "Yes"), ("no", "No"))
YES_NO_NOT_KNOWN = (("yes", "Yes"), ("no", "No"), ("not_known", "Not known"))

# The ethnicity categories of the national CAF form (the census categories with
# the DfES extensions for Traveller of Irish heritage and Gypsy/Roma).
ETHNICITIES: tuple[tuple[str, str], ...] = (
    ("white_british", "White: British"),
    ("white_irish", "White: Irish"),
    ("white_traveller_irish", "White: Traveller of Irish heritage"),
    ("white_gypsy_roma", "White: Gypsy or Roma"),
    ("white_other", "White: any other White background"),
    ("mixed_white_black_caribbean", "Mixed: White and Black Caribbean"),
    ("mixed_white_black_african", "Mixed: White and Black African"),
    ("mixed_white_asian", "Mixed: White and Asian"),
    ("mixed_other", "Mixed: any other mixed background"),
    ("asian_indian", "Asian or Asian British: Indian"),
    ("asian_pakistani", "Asian or Asian British: Pakistani"),
    ("asian_bangladeshi", "Asian or Asian British: Bangladeshi"),
    ("asian_other", "Asian or Asian British: any other Asian background"),
    ("black_caribbean", "Black or Black British: Caribbean"),
    ("black_african", "Black or Black British: African"),
    ("black_other", "Black or Black British: any other Black background"),
    ("chinese", "Chinese"),
    ("other", "Any other ethnic group"),
    ("not_given", "Not given"),
)

# Before you start: the pre-assessment checklist (the five outcomes of Every Child Matters).
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("healthy", "being healthy"),
    ("safe", "staying safe"),
    ("enjoy_achieve", "enjoying and achieving"),
    ("contribution", "making a positive contribution"),
    ("wellbeing", "achieving economic well-being"),
)
CONCERN = (("yes", "Yes, I have concerns"), ("no", "No concerns"), ("not_sure", "Not sure"))

CHECKLIST = Section(
    key="checklist",
    title="Pre-assessment checklist",
    group="before",
    intro="Use the checklist to decide whether a common assessment would help this child.",
    questions=(
        *(
            Question(
                f"concern_{key}",
                f"Do you have concerns about the child {label}?",
                Kind.CHOICE,
                required=True,
                choices=CONCERN,
                missing=f"Select whether you have concerns about the child {label}",
            )
            for key, label in OUTCOMES
        ),
        Question(
            "family_agrees",
            "Has the child or family agreed to take part in a common assessment?",
            Kind.CHOICE,
            required=True,
            choices=YES_NO,
            missing="Select whether the child or family has agreed to take part",
            hint="A CAF is voluntary: the family must agree before you start.",
        ),
        Question("notes", "Anything else that led you to consider a CAF (optional)"),
    ),
)

IDENTIFYING = Section(
    key="identifying_details",
    title="Identifying details",
    group="about",
    intro="What your own records hold is filled in for you: check it with the family.",
    needs_one_of=("date_of_birth", "expected_delivery"),
    questions=(
        Question("given_names", "Given names", Kind.TEXT, required=True),
        Question("family_name", "Family name", Kind.TEXT, required=True),
        Question(
            "previous_names",
            "Previous names and other names used",
            hint="For example, a family name before a change, or a name the child is known by",
        ),
        Question(
            "sex",
            "Sex",
            Kind.CHOICE,
            required=True,
            choices=(("female", "Female"), ("male", "Male"), ("not_known", "Not known")),
        ),
        Question("date_of_birth", "Date of birth", Kind.DATE),
        Question(
            "expected_delivery",
            "Expected date of delivery, for an unborn child",
            Kind.DATE,
            future_allowed=True,
        ),
        Question("address", "Address, including postcode", required=True),
        Question(
            "contact",
            "Contact telephone number or email",
            Kind.TEXT,
            hint="How to reach the family",
        ),
        Question("ethnicity", "Ethnicity", Kind.LIST, required=True, choices=ETHNICITIES),
        Question("religion", "Religion", Kind.TEXT),
        Question("child_language", "First language of the child", Kind.TEXT, required=True),
        Question("parents_language", "First language of the parents or carers", Kind.TEXT),
        Question(
            "disability",
            "Does the child have a disability?",
            Kind.CHOICE,
            required=True,
            choices=YES_NO_NOT_KNOWN,
            missing="Select whether the child has a disability",
        ),
        Question("disability_details", "About the disability (optional)"),
        Question(
            "interpreter",
            "Is an interpreter or signer needed?",
            Kind.CHOICE,
            required=True,
            choices=YES_NO,
            missing="Select whether an interpreter or signer is needed",
        ),
        Question(
            "interpreter_details",
            "For whom, and which language or signing (optional)",
            Kind.TEXT,
        ),
    ),
)

ASSESSMENT_INFORMATION = Section(
    key="assessment_information",
    title="Assessment information",
    group="about",
    questions=(
        Question(
            "people_present",
            "Who was present at the assessment?",
            required=True,
            missing="Enter who was present at the assessment",
        ),
        Question(
            "what_led",
            "What led to this assessment?",
            required=True,
            missing="Enter what led to this assessment",
        ),
        Question(
            "parental_responsibility",
            "Parents and carers with parental responsibility",
            required=True,
            hint="Names, relationship to the child, address if different, contact",
        ),
        Question("family_situation", "Current family and home situation", required=True),
        Question(
            "assessor",
            "Assessor: name, role, organisation and contact",
            required=True,
        ),
        Question(
            "other_services",
            "Other services working with the child",
            hint="Filled in from the Child Index; add any the index does not know",
        ),
    ),
)


def _element(group: str, key: str, title: str, hint: str = "") -> Section:
    return Section(
        key=key,
        title=title,
        group=group,
        intro=hint,
        needs_one_of=("strengths", "needs"),
        questions=(
            Question("strengths", "Strengths"),
            Question("needs", "Needs"),
        ),
    )


DEVELOPMENT = (
    _element(
        "development",
        "health",
        "Health",
        "General health, physical development, speech, language and communication",
    ),
    _element("development", "emotional_social", "Emotional and social development"),
    _element("development", "behavioural", "Behavioural development"),
    _element(
        "development",
        "identity",
        "Identity, self-esteem, self-image and social presentation",
    ),
    _element("development", "family_social", "Family and social relationships"),
    _element("development", "self_care", "Self-care skills and independence"),
    _element(
        "development",
        "learning",
        "Learning",
        "Understanding, reasoning and problem solving; participation in learning, education "
        "and employment; progress and achievement; aspirations",
    ),
)
PARENTS = (
    _element("parents", "basic_care", "Basic care, ensuring safety and protection"),
    _element("parents", "emotional_warmth", "Emotional warmth and stability"),
    _element("parents", "guidance", "Guidance, boundaries and stimulation"),
)
ENVIRONMENT = (
    _element("environment", "family_history", "Family history, functioning and well-being"),
    _element("environment", "wider_family", "Wider family"),
    _element("environment", "housing_finance", "Housing, employment and financial considerations"),
    _element(
        "environment",
        "community",
        "Social and community elements and resources, including education",
    ),
)

CONCLUSIONS = Section(
    key="conclusions",
    title="Conclusions, solutions and actions",
    group="finishing",
    questions=(
        Question("conclusions", "Conclusions", required=True),
        Question("solutions", "Solutions and the help the family will get", required=True),
        Question(
            "actions",
            "Actions",
            required=True,
            hint="What will be done, by whom and by when",
        ),
    ),
)
VIEWS = Section(
    key="views",
    title="The child's and family's views",
    group="finishing",
    needs_one_of=("child_views", "family_views"),
    questions=(
        Question("child_views", "The child or young person's views"),
        Question("family_views", "The parents' or carers' views"),
    ),
)
CONSENT = Section(
    key="consent",
    title="Consent for storage and sharing",
    group="finishing",
    intro="Read the consent statement to the family. Sharing needs their agreement.",
    questions=(
        Question(
            "storage",
            "Has the family agreed to this assessment being stored?",
            Kind.CHOICE,
            required=True,
            choices=YES_NO,
            missing="Select whether the family agreed to the assessment being stored",
        ),
        Question(
            "sharing",
            "Has the family agreed to the assessment being shared with other organisations?",
            Kind.CHOICE,
            required=True,
            choices=YES_NO,
            missing="Select whether the family agreed to sharing",
        ),
        Question(
            "share_with",
            "Which organisations may it be shared with?",
            Kind.ORGANISATIONS,
            hint="Select each organisation the family named",
        ),
        Question(
            "given_by",
            "Who gave consent?",
            Kind.CHOICE,
            required=True,
            choices=(
                ("child", "The child or young person"),
                ("parent", "A parent"),
                ("carer", "A carer"),
            ),
            missing="Select who gave consent",
        ),
        Question(
            "how",
            "How was consent given?",
            Kind.CHOICE,
            required=True,
            choices=(
                ("verbal", "Verbally"),
                ("written", "In writing"),
                ("electronic", "Electronically"),
            ),
            missing="Select how consent was given",
        ),
        Question("given_on", "Date consent was given", Kind.DATE, required=True),
    ),
)

GROUPS: tuple[Group, ...] = (
    Group("before", "Before you start", (CHECKLIST,)),
    Group("about", "About the child", (IDENTIFYING, ASSESSMENT_INFORMATION)),
    Group("development", "Development of the child", DEVELOPMENT),
    Group("parents", "Parents and carers", PARENTS),
    Group("environment", "Family and environment", ENVIRONMENT),
    Group("finishing", "Conclusions, views and consent", (CONCLUSIONS, VIEWS, CONSENT)),
)
SECTIONS: tuple[Section, ...] = tuple(s for g in GROUPS for s in g.sections)
SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
DOMAINS = ("development", "parents", "environment")

_BY_KEY = {s.key: s for s in SECTIONS}


def section(key: str) -> Section:
    """The section called ``key``; ``KeyError`` when there is none."""
    return _BY_KEY[key]


class ContentError(ValueError):
    """Content that does not fit a section's questions."""


def check_content(section_key: str, content: Any) -> dict[str, str | list[str]]:
    """``content`` for ``section_key`` as stored: known questions only, text or lists of text."""
    if section_key not in _BY_KEY:
        raise ContentError(f"there is no section {section_key!r}")
    if not isinstance(content, dict):
        raise ContentError("a section's content is an object of answers")
    known = {q.key: q for q in _BY_KEY[section_key].questions}
    checked: dict[str, str | list[str]] = {}
    for key, value in content.items():
        question = known.get(key)
        if question is None:
            raise ContentError(f"{section_key} has no question {key!r}")
        if question.kind == Kind.ORGANISATIONS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ContentError(f"{key} is a list of agency IDs")
        elif not isinstance(value, str) or len(value) > 10_000:
            raise ContentError(f"{key} is text of at most 10,000 characters")
        checked[key] = value
    return checked


def is_complete(section_key: str, content: Mapping[str, Any]) -> bool:
    """Whether every required question (and one of ``needs_one_of``) has an answer."""
    found = _BY_KEY[section_key]
    answered = {k for k, v in content.items() if v}
    required = {q.key for q in found.questions if q.required}
    if not required <= answered:
        return False
    return not found.needs_one_of or bool(answered & set(found.needs_one_of))


def answer_text(question: Question, value: Any, *, organisations: Mapping[str, str]) -> str:
    """An answer as a person reads it: labels for choices, dates in words, organisations by name."""
    if not value:
        return ""
    if question.kind == Kind.ORGANISATIONS:
        return ", ".join(organisations.get(v, v) for v in value)
    if question.kind in {Kind.CHOICE, Kind.LIST}:
        return dict(question.choices).get(value, str(value))
    if question.kind == Kind.DATE:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return str(value)
        return f"{day.day} {day:%B %Y}"
    return str(value)
