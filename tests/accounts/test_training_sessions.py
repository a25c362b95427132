"""Recording a training session that was offered: its places, who took them and who came."""

from __future__ import annotations

from datetime import date

import pytest

from fame.accounts.actions import record_training_session
from fame.accounts.models import TrainingCourse, TrainingPlace, TrainingSession
from fame.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_session_keeps_its_places_and_is_audited(school_teacher, health_visitor, local_authority):
    course = TrainingCourse.objects.first()
    session = record_training_session(
        course=course,
        held_on=date(2026, 3, 2),
        places=12,
        offered_by=local_authority,
        taken={school_teacher: True, health_visitor: False},
        by=None,
    )
    assert session.taken.count() == 2
    assert TrainingPlace.objects.get(user=health_visitor).attended is False
    event = AuditEvent.objects.get(action="admin.training_session_recorded")
    assert event.details["taken"] == 2 and event.details["attended"] == 1


def test_more_places_taken_than_offered_is_refused(school_teacher, health_visitor):
    with pytest.raises(ValueError, match="2 places taken of 1 offered"):
        record_training_session(
            course=TrainingCourse.objects.first(),
            held_on=date(2026, 3, 2),
            places=1,
            offered_by=None,
            taken={school_teacher: True, health_visitor: True},
            by=None,
        )
    assert not TrainingSession.objects.exists()
