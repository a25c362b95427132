"""Who may reach child data at all: accreditation, vetting and training.

This is the gate of sharing rule 1 as far as the organisation and the person
go; the policy decision point adds the second factor and the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from .models import TrainingCourse, User, add_months


@dataclass(frozen=True)
class ChildDataAccess:
    """Whether a person may reach child data, each condition on its own, and what to put right."""

    accredited: bool
    vetted: bool
    trained: bool
    problems: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return self.accredited and self.vetted and self.trained


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def child_data_access(user: User, *, on: date | None = None) -> ChildDataAccess:
    """Whether ``user`` may reach any child data on ``on``, and if not, what to put right."""
    today = on or timezone.localdate()
    problems: list[str] = []
    organisation = user.organisation
    accredited = organisation is not None and organisation.is_accredited
    vetted = user.vetting_checked_on is not None
    if organisation is None:
        problems.append("Your account does not belong to an organisation. Ask an administrator.")
    elif not organisation.is_accredited:
        problems.append(
            f"Your organisation, {organisation.name}, is not accredited to use child data "
            f"({organisation.get_accreditation_status_display().lower()}). "
            "Your information-sharing officer can tell you what accreditation needs."
        )
    if user.vetting_checked_on is None:
        problems.append(
            "There is no enhanced vetting check on your record. "
            "Ask your manager to arrange one and an administrator to record its date."
        )
    else:
        expires = add_months(user.vetting_checked_on, 12 * settings.FAME_VETTING_VALID_YEARS)
        if expires <= today:
            vetted = False
            problems.append(
                f"Your enhanced vetting check expired on {_day(expires)}. "
                "Renew it and ask an administrator to record the new date."
            )
    trained = True
    completed = {record.course_id: record for record in user.training.select_related("course")}
    for course in TrainingCourse.objects.filter(required=True):
        record = completed.get(course.pk)
        if record is None:
            trained = False
            problems.append(f"You have not completed the required training: {course.name}.")
        elif record.expires_on() <= today:
            trained = False
            problems.append(
                f"Your training “{course.name}” expired on {_day(record.expires_on())}. "
                "Complete it again and ask an administrator to record it."
            )
    return ChildDataAccess(
        accredited=accredited, vetted=vetted, trained=trained, problems=tuple(problems)
    )
