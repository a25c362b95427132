"""One append-only mechanism: every row kept as evidence refuses change and removal alike."""

from __future__ import annotations

import pytest
from django.apps import apps

import fame.audit
from fame.appendonly import AppendOnlyError, AppendOnlyModel
from fame.audit.models import (
    AuditEvent,
    AuditLeaf,
    TreeHead,
    WitnessedRestore,
    WitnessedTreeHead,
)
from fame.benefits.models import ModelVersion
from fame.caf.models import (
    Assessment,
    AssessmentVersion,
    BudgetAllocation,
    BudgetCommitment,
    BudgetSpend,
    ReferralCopy,
    SectionDraft,
)
from fame.reports.models import ComparatorFigures
from fame.sharing.models import Disclosure, ProtocolVersion

pytestmark = pytest.mark.django_db

KEPT = {
    AuditEvent,
    AuditLeaf,
    TreeHead,
    WitnessedTreeHead,
    WitnessedRestore,
    SectionDraft,
    AssessmentVersion,
    ReferralCopy,
    ProtocolVersion,
    Disclosure,
    ModelVersion,
    BudgetAllocation,
    BudgetCommitment,
    BudgetSpend,
    ComparatorFigures,
}
WORDS = {
    AuditEvent: (
        "AuditEvent rows cannot be changed once written.",
        "AuditEvent rows cannot be deleted.",
    ),
    SectionDraft: ("SectionDraft rows are never changed.", "SectionDraft rows are never removed."),
    ProtocolVersion: (
        "A protocol version is never changed; add a new version.",
        "A protocol version is never removed.",
    ),
    Disclosure: (
        "A disclosure record is never changed.",
        "A disclosure record is removed only by the retention purge.",
    ),
    ModelVersion: (
        "A benefits model's version is never changed; save a new version.",
        "A benefits model's version is never removed.",
    ),
    BudgetAllocation: (
        "A budget allocation is never changed; allocate again to change it.",
        "A budget allocation is never removed.",
    ),
    BudgetSpend: ("A budget spend is never changed.", "A budget spend is never removed."),
    ComparatorFigures: (
        "Comparator figures are never changed; enter the area again.",
        "Comparator figures are never removed.",
    ),
}


def test_every_row_kept_as_evidence_is_append_only() -> None:
    append_only = {m for m in apps.get_models() if issubclass(m, AppendOnlyModel)}

    assert append_only == KEPT


def test_audit_caf_and_sharing_refuse_with_one_error() -> None:
    with pytest.raises(AppendOnlyError) as from_assessment:
        Assessment.objects.all().delete()

    assert fame.audit.AppendOnlyError is AppendOnlyError
    assert isinstance(from_assessment.value, AppendOnlyError)


@pytest.mark.parametrize("model", sorted(KEPT, key=lambda m: m.__name__))
def test_append_only_rows_refuse_bulk_change_and_removal(model) -> None:
    rows = model.objects.all()

    with pytest.raises(AppendOnlyError):
        rows.update(pk=1)
    with pytest.raises(AppendOnlyError):
        rows.delete()
    with pytest.raises(AppendOnlyError):
        rows.bulk_update([], ["pk"])


@pytest.mark.parametrize(("model", "words"), WORDS.items(), ids=[m.__name__ for m in WORDS])
def test_append_only_refusals_speak_each_apps_words(model, words) -> None:
    changed, removed = words

    with pytest.raises(AppendOnlyError) as on_update:
        model.objects.update(pk=1)
    with pytest.raises(AppendOnlyError) as on_delete:
        model.objects.all().delete()

    assert (str(on_update.value), str(on_delete.value)) == (changed, removed)


def test_the_audit_log_is_added_to_one_row_at_a_time() -> None:
    with pytest.raises(AppendOnlyError, match="one at a time"):
        AuditEvent.objects.bulk_create([])
    assert not AuditEvent.objects.exists()


def test_the_logs_leaves_are_added_a_batch_at_a_time_and_never_changed() -> None:
    # The sequencer adds a batch's leaves together, in the transaction of its tree head.
    assert AuditLeaf.objects.bulk_create([]) == []
    with pytest.raises(AppendOnlyError, match="AuditLeaf rows cannot be changed once written"):
        AuditLeaf.objects.update(leaf_hash="")
