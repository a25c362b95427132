"""Benefits models as a partnership keeps them: every saved version, never changed.

A ``BenefitsModel`` is a named model of one partnership's service area; each save adds a
``ModelVersion`` holding the model's whole JSON (the shape ``model.read_model`` reads, which
the pages may extend with keys of their own). The newest version is the model as it stands;
older ones stay, so a business case or a realisation report can say which version it used.
A ``BusinessCase`` holds the narrative sections the partnership writes for the Regional
Business Case; the figures come from a model version when the document is made.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction

from fame.appendonly import AppendOnlyModel

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

from .model import Model as ModelData
from .model import read_model


class BenefitsModel(models.Model):
    if TYPE_CHECKING:
        versions: RelatedManager[ModelVersion]

    name = models.CharField(max_length=200)
    partnership = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partnership})"

    def current(self) -> ModelVersion | None:
        """The newest saved version (None for a model never saved)."""
        return self.versions.order_by("-number").first()

    def save_version(self, data: dict[str, Any], *, by: Any, note: str = "") -> ModelVersion:
        """Keep ``data`` as the next version. ``data`` must read (``read_model`` raises
        ``ModelError`` with every problem by its path otherwise); nothing is kept then."""
        read_model(data)
        with transaction.atomic():
            last = (
                ModelVersion.objects.select_for_update()
                .filter(benefits_model=self)
                .order_by("-number")
                .first()
            )
            version = ModelVersion(
                benefits_model=self,
                number=(last.number + 1) if last else 1,
                data=data,
                note=note,
                saved_by=by,
            )
            version.save()
            return version


class ModelVersion(AppendOnlyModel):
    benefits_model = models.ForeignKey(
        BenefitsModel, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    data = models.JSONField()
    note = models.CharField(max_length=200, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    never_changed = "A benefits model's version is never changed; save a new version."
    never_removed = "A benefits model's version is never removed."

    class Meta:
        ordering = ["benefits_model", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefits_model", "number"], name="benefits_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.benefits_model.name}, version {self.number}"

    @cached_property
    def model(self) -> ModelData:
        return read_model(self.data)


class BusinessCase(models.Model):
    """The Regional Business Case's narrative, one text per section of the Five Case Model
    (and an introduction), written by the partnership; figures are drawn in when it is made."""

    class Section(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        STRATEGIC = "strategic", "Strategic case"
        ECONOMIC = "economic", "Economic case"
        COMMERCIAL = "commercial", "Commercial case"
        FINANCIAL = "financial", "Financial case"
        MANAGEMENT = "management", "Management case"

    benefits_model = models.OneToOneField(
        BenefitsModel, on_delete=models.CASCADE, related_name="business_case"
    )
    sections = models.JSONField(
        default=dict, blank=True, help_text="Section key to the partnership's text."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Business case for {self.benefits_model}"


class Draft(models.Model):
    """One person's unsaved edits to a model: kept as they type, across sign-outs, until they
    save it as a new version. Its ``data`` is the model's JSON, which may not read yet."""

    benefits_model = models.ForeignKey(
        BenefitsModel, on_delete=models.CASCADE, related_name="drafts"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["benefits_model", "user"], name="benefits_one_draft_each"
            )
        ]

    def __str__(self) -> str:
        return f"Draft of {self.benefits_model.name} by {self.user}"
