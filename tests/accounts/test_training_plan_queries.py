"""The counts a training and accreditation plan is made from."""

from __future__ import annotations

from datetime import date

from fame.accounts.models import AccreditationStatus, Organisation, TrainingCourse, TrainingRecord
from fame.accounts.queries import accreditation_counts, course_currency


def test_accreditation_counts_give_every_status_in_order(local_authority, school, pending_charity):
    Organisation.objects.filter(pk=school.pk).update(
        accreditation_status=AccreditationStatus.SUSPENDED
    )

    counts = accreditation_counts()

    assert [label for label, _ in counts] == [label for _, label in AccreditationStatus.choices]
    found = dict(counts)
    assert found["Accredited"] == 1  # the local authority
    assert found["Awaiting accreditation"] == 1  # the charity
    assert found["Accreditation suspended"] == 1  # the school
    assert found["Accreditation withdrawn"] == 0


def test_course_currency_counts_completions_still_current(school_teacher, health_visitor):
    course = TrainingCourse.objects.create(code="refresher", name="Refresher", valid_for_months=12)
    # Completed 2026-01-10: current until 2027-01-10, so current on 2026-12-04.
    TrainingRecord.objects.create(
        user=school_teacher, course=course, completed_on=date(2026, 1, 10)
    )
    # Completed 2025-11-01: expired on 2026-11-01.
    TrainingRecord.objects.create(
        user=health_visitor, course=course, completed_on=date(2025, 11, 1)
    )

    found = {c.code: (done, current) for c, done, current in course_currency(on=date(2026, 12, 4))}

    assert found["refresher"] == (2, 1)


def test_course_currency_leaves_out_inactive_people(school_teacher):
    course = TrainingCourse.objects.create(code="refresher", name="Refresher", valid_for_months=12)
    TrainingRecord.objects.create(user=school_teacher, course=course, completed_on=date(2026, 6, 1))
    school_teacher.is_active = False
    school_teacher.save()

    found = {c.code: (done, current) for c, done, current in course_currency(on=date(2026, 12, 4))}

    assert found["refresher"] == (0, 0)
