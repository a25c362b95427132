"""Case studies: what a partnership tried, the barrier it met, what worked and what it cost.

A case study is contributed by anyone signed in and waits for a partnership officer to
publish or reject it; only published ones are shown to the public. It is tagged with the
framework's building blocks, dimensions and barriers (keys from
``fame.readiness.framework``), one small ``CaseStudyTag`` row each, so that "published
case studies about identity management in ICT" is a plain join that reads the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef


class CaseStudyQuerySet(models.QuerySet["CaseStudy"]):
    def published(self) -> CaseStudyQuerySet:
        return self.filter(status=CaseStudy.Status.PUBLISHED)

    def tagged(self, kind: str, key: str) -> CaseStudyQuerySet:
        """Those with tag ``key`` of ``kind`` (one row each, however many tags match)."""
        return self.filter(
            Exists(CaseStudyTag.objects.filter(case_study=OuterRef("pk"), kind=kind, key=key))
        )

    def mentioning(self, text: str) -> CaseStudyQuerySet:
        """Those whose title, what was tried or what worked contains ``text`` (any case)."""
        return self.filter(
            models.Q(title__icontains=text)
            | models.Q(tried__icontains=text)
            | models.Q(worked__icontains=text)
        )


class CaseStudy(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting to be checked"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Not published"

    title = models.CharField(max_length=200)
    partnership = models.CharField(max_length=200, help_text="The partnership that did this.")
    tried = models.TextField("What they tried", max_length=4000)
    barrier = models.TextField("The barrier they met", max_length=4000, blank=True)
    worked = models.TextField("What worked", max_length=4000)
    cost = models.TextField("What it cost", max_length=2000, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(max_length=254, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.TextField(max_length=2000, blank=True)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name_plural = "case studies"

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def tag_keys(self, kind: str) -> list[str]:
        """The keys of this case study's tags of ``kind``, in the order they were given."""
        return [tag.key for tag in self.tags.all() if tag.kind == kind]

    @property
    def blocks(self) -> list[str]:
        return self.tag_keys(CaseStudyTag.Kind.BLOCK)

    @property
    def dimensions(self) -> list[str]:
        return self.tag_keys(CaseStudyTag.Kind.DIMENSION)

    @property
    def barriers(self) -> list[str]:
        return self.tag_keys(CaseStudyTag.Kind.BARRIER)


class CaseStudyTag(models.Model):
    """One tag on a case study: a building block, dimension or barrier, by its key."""

    class Kind(models.TextChoices):
        BLOCK = "block", "Building block"
        DIMENSION = "dimension", "Dimension"
        BARRIER = "barrier", "Barrier"

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=60)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case_study", "kind", "key"], name="guidance_tag_once")
        ]
        indexes = [models.Index(fields=["kind", "key"], name="guidance_tag_kind_key")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.key}"
