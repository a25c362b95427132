"""What an agency node keeps of a CAF: the assessment, its section drafts and its versions.

Stored at the assessor's agency node, never at the hub: the index knows who;
the agencies keep what. Drafts and versions are append-only: a save adds a
row, a review adds a version, and nothing is changed in place or removed.
Only an assessment's status and its Lead Professional change.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, NoReturn

from django.db import models


class AppendOnlyError(RuntimeError):
    """A CAF draft or version, once written, is never changed or removed."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses every bulk path that could change or remove existing rows."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are never changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are never removed.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are never changed.")


class AppendOnlyModel(models.Model):
    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are never changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} rows are never removed.")


class KeptQuerySet(models.QuerySet[Any]):
    def delete(self) -> NoReturn:
        raise AppendOnlyError("An assessment is never removed; close it instead.")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed"


class Assessment(models.Model):
    """One CAF about one child, as the agency's own record ``agency_id:local_id`` knows them."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency_id = models.CharField(max_length=40)
    local_id = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessor = models.CharField(max_length=150, help_text="The assessor's username at the hub")
    assessor_name = models.CharField(max_length=200)
    assessor_organisation = models.CharField(max_length=40)
    lead_professional = models.CharField(max_length=150, blank=True)
    lead_professional_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[KeptQuerySet] = KeptQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id", "local_id"],
                condition=~models.Q(status="closed"),
                name="one_open_caf_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"CAF {self.uid} for {self.agency_id}:{self.local_id}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("An assessment is never removed; close it instead.")

    def may_write(self, username: str) -> bool:
        """Only the assessor or the Lead Professional saves, completes or reviews it."""
        return bool(username) and username in {self.assessor, self.lead_professional}


class SectionDraft(AppendOnlyModel):
    """One save of one section, towards version ``number``; the latest save of a section wins."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="drafts")
    number = models.PositiveIntegerField(help_text="The version this draft works towards")
    section = models.CharField(max_length=40)
    content = models.JSONField()
    complete = models.BooleanField(default=False)
    saved_by = models.CharField(max_length=150)
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["assessment", "number", "section"])]


class VersionReason(models.TextChoices):
    INITIAL = "initial", "Assessment completed"
    REVIEW = "review", "Review"


class AssessmentVersion(AppendOnlyModel):
    """A completed assessment (version 1) or a review of it (version N+1), kept for ever."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField(help_text="Section key -> answers")
    made_by = models.CharField(max_length=150)
    made_by_name = models.CharField(max_length=200)
    made_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=10, choices=VersionReason.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="one_caf_version")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} version {self.number}"
