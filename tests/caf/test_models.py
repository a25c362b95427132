"""Drafts and versions of a CAF are append-only; an assessment is never removed."""

from __future__ import annotations

import pytest

from fame.appendonly import AppendOnlyError
from fame.caf.models import Assessment, AssessmentVersion, SectionDraft

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment() -> Assessment:
    return Assessment.objects.create(
        agency_id="sch-001",
        local_id="UPN-1001",
        assessor="alice",
        assessor_name="Alice",
        assessor_organisation="sch-001",
    )


@pytest.fixture
def version(assessment) -> AssessmentVersion:
    return AssessmentVersion.objects.create(
        assessment=assessment,
        number=1,
        content={"health": {"strengths": "Well"}},
        made_by="alice",
        made_by_name="Alice",
        reason="initial",
    )


def test_a_version_is_never_changed(version):
    version.content = {"health": {"strengths": "Rewritten"}}
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        AssessmentVersion.objects.filter(pk=version.pk).update(content={})
    with pytest.raises(AppendOnlyError):
        AssessmentVersion.objects.bulk_update([version], ["content"])
    version.refresh_from_db()
    assert version.content == {"health": {"strengths": "Well"}}


def test_a_version_is_never_removed(version):
    with pytest.raises(AppendOnlyError):
        version.delete()
    with pytest.raises(AppendOnlyError):
        AssessmentVersion.objects.all().delete()
    assert AssessmentVersion.objects.count() == 1


def test_a_draft_is_never_changed_or_removed(assessment):
    draft = SectionDraft.objects.create(
        assessment=assessment, number=1, section="health", content={}, saved_by="alice"
    )
    draft.complete = True
    with pytest.raises(AppendOnlyError):
        draft.save()
    with pytest.raises(AppendOnlyError):
        SectionDraft.objects.all().delete()


def test_an_assessment_is_never_removed(assessment):
    with pytest.raises(AppendOnlyError):
        assessment.delete()
    with pytest.raises(AppendOnlyError):
        Assessment.objects.all().delete()
    assert Assessment.objects.count() == 1


def test_only_the_assessor_or_lead_professional_may_write(assessment):
    assessment.lead_professional = "bob"
    assert assessment.may_write("alice")
    assert assessment.may_write("bob")
    assert not assessment.may_write("eve")
    assert not assessment.may_write("")
