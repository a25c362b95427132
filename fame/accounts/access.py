"""Who may reach child data at all: accreditation, vetting and training.

This is the gate of sharing rule 1 as far as the organisation and the person
go; the policy decision point adds the second factor and the rest. One judge
(``child_data_access``) reads a person's ``Standing``, whether it comes from an
account or from the practitioner without one an ISA officer acts for; only the
words differ (``YOU`` for the person signed in, ``THEY`` for the facilitated
form, where each problem is an error on the field to put right).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import Organisation, TrainingCourse, User, add_months


@dataclass(frozen=True)
class Standing:
    """What rule 1 looks at about a person: their organisation, vetting check and training."""

    organisation: Organisation | None
    vetting_checked_on: date | None
    training: Mapping[str, date] = field(default_factory=dict)
    """The day each course (by code) was completed."""

    @classmethod
    def of(cls, user: User) -> Standing:
        return cls(
            organisation=user.organisation,
            vetting_checked_on=user.vetting_checked_on,
            training={
                r.course.code: r.completed_on for r in user.training.select_related("course")
            },
        )


def request_standing(request: HttpRequest) -> Standing:
    """The signed-in person's ``Standing``, read once a request: the door to child data
    and the sharing decisions of the same request both judge it."""
    user = request.user
    kept = getattr(request, "fame_standing", None)
    if kept is None or kept[0] is not user:
        kept = (user, Standing.of(user))  # type: ignore[arg-type]
        request.fame_standing = kept  # type: ignore[attr-defined]
    return kept[1]


def required_courses(request: HttpRequest) -> tuple[TrainingCourse, ...]:
    """The training courses rule 1 requires, read once a request."""
    kept = getattr(request, "fame_required_courses", None)
    if kept is None:
        kept = tuple(TrainingCourse.objects.filter(required=True))
        request.fame_required_courses = kept  # type: ignore[attr-defined]
    return kept


@dataclass(frozen=True)
class Problem:
    """One thing that keeps a person from child data: the form field it belongs to, and words."""

    field: str
    text: str


@dataclass(frozen=True)
class ChildDataAccess:
    """Whether a person may reach child data, each condition on its own, and what to put right."""

    accredited: bool
    vetted: bool
    trained: bool
    faults: tuple[Problem, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.accredited and self.vetted and self.trained

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(problem.text for problem in self.faults)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


# The words of each problem: about the person signed in, and about the practitioner an
# ISA officer is about to act for (an error message on the field to put right).
YOU = {
    "no_organisation": "Your account does not belong to an organisation. Ask an administrator.",
    "not_accredited": "Your organisation, {organisation}, is not accredited to use child data "
    "({status}). Your information-sharing officer can tell you what accreditation needs.",
    "no_vetting": "There is no enhanced vetting check on your record. "
    "Ask your manager to arrange one and an administrator to record its date.",
    "vetting_expired": "Your enhanced vetting check expired on {expired}. "
    "Renew it and ask an administrator to record the new date.",
    "no_training": "You have not completed the required training: {course}.",
    "training_expired": "Your training “{course}” expired on {expired}. "
    "Complete it again and ask an administrator to record it.",
}
THEY = {
    "no_organisation": "Select the organisation they work for",
    "not_accredited": "{organisation} is not accredited to use child data ({status}), "
    "so nobody can act for its practitioners",
    "no_vetting": "Enter the date of their enhanced vetting check",
    "vetting_expired": "Their enhanced vetting check expired on {expired}. "
    "They need a new check before you can act for them",
    "no_training": "Enter the date they completed {course}",
    "training_expired": "Their training “{course}” expired on {expired}. "
    "They need to complete it again before you can act for them",
}


def child_data_access(
    person: User | Standing,
    *,
    on: date | None = None,
    words: Mapping[str, str] = YOU,
    required: Sequence[TrainingCourse] | None = None,
) -> ChildDataAccess:
    """Whether ``person`` may reach any child data on ``on``, and if not, what to put right.

    ``required``: the required training courses, when the caller judges many people and
    has read them once (read here otherwise)."""
    today = on or timezone.localdate()
    standing = person if isinstance(person, Standing) else Standing.of(person)
    faults: list[Problem] = []
    organisation = standing.organisation
    accredited = organisation is not None and organisation.is_accredited
    if organisation is None:
        faults.append(Problem("organisation", words["no_organisation"]))
    elif not organisation.is_accredited:
        status = organisation.get_accreditation_status_display().lower()
        faults.append(
            Problem(
                "organisation",
                words["not_accredited"].format(organisation=organisation.name, status=status),
            )
        )
    vetted = standing.vetting_checked_on is not None
    if standing.vetting_checked_on is None:
        faults.append(Problem("vetting_checked_on", words["no_vetting"]))
    else:
        expires = add_months(standing.vetting_checked_on, 12 * settings.FAME_VETTING_VALID_YEARS)
        if expires <= today:
            vetted = False
            text = words["vetting_expired"].format(expired=_day(expires))
            faults.append(Problem("vetting_checked_on", text))
    trained = True
    courses: Iterable[TrainingCourse] = (
        TrainingCourse.objects.filter(required=True) if required is None else required
    )
    for course in courses:
        completed = standing.training.get(course.code)
        where = f"training_{course.code}"
        if completed is None:
            trained = False
            faults.append(Problem(where, words["no_training"].format(course=course.name)))
        elif (expires := add_months(completed, course.valid_for_months)) <= today:
            trained = False
            text = words["training_expired"].format(course=course.name, expired=_day(expires))
            faults.append(Problem(where, text))
    return ChildDataAccess(
        accredited=accredited, vetted=vetted, trained=trained, faults=tuple(faults)
    )
