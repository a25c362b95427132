"""What an agency node keeps of a CAF: the assessment, its drafts and versions, its closure,
its Team Around the Child (meetings, invitations, actions, escalations), and the copies of
stepped-up CAFs it received.

Stored at the assessor's agency node (a referral copy at the receiving
organisation's node), never at the hub: the index knows who; the agencies keep
what. Drafts, versions and referral copies are append-only: a save adds a row,
a review adds a version, and nothing is changed in place or removed. Only an
assessment's status and its Lead Professional change.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, NoReturn

from django.db import models

from fame.appendonly import AppendOnlyError, AppendOnlyModel
from fame.caf.vocabulary import ActionStatus, Attendance, ClosureReason

__all__ = [
    "Assessment",
    "AssessmentStatus",
    "AssessmentVersion",
    "Closure",
    "Escalation",
    "Invitation",
    "KeptQuerySet",
    "Meeting",
    "ReferralCopy",
    "SectionDraft",
    "TeamAction",
    "VersionReason",
]


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


class Closure(models.Model):
    """Why and when a CAF closed; a closed CAF is read-only and kept."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="closure")
    reason = models.CharField(max_length=12, choices=ClosureReason.choices)
    referred_to = models.CharField(
        max_length=40, blank=True, help_text="Agency ID, when stepped up"
    )
    note = models.TextField(blank=True)
    closed_by = models.CharField(max_length=150)
    closed_by_name = models.CharField(max_length=200)
    closed_at = models.DateTimeField(auto_now_add=True)


class Meeting(models.Model):
    """A Team Around the Child meeting about one CAF, kept with it at the node."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    arranged_by = models.CharField(max_length=150)
    arranged_by_name = models.CharField(max_length=200)
    arranged_at = models.DateTimeField(auto_now_add=True)
    recorded = models.BooleanField(default=False, help_text="Attendance and outcome recorded")
    lead_professional = models.CharField(max_length=150, blank=True)
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["held_on", "id"]


class Invitation(models.Model):
    """One involved practitioner invited to a meeting, and whether they came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="invitations")
    username = models.CharField(max_length=150, blank=True)
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=40)
    organisation_name = models.CharField(max_length=200)
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        ordering = ["organisation_name", "name"]


class TeamAction(models.Model):
    """An action agreed at a meeting: what, who, by when, and how it stands."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=ActionStatus.choices, default="open")
    changed_by = models.CharField(max_length=150, blank=True)
    # A service from the hub's directory the action names, if any (its id and name as
    # the directory gave them when the action was agreed).
    service_id = models.CharField(max_length=200, blank=True)
    service_name = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class Escalation(models.Model):
    """The Lead Professional raising an invited agency's absence with the CAF co-ordinator."""

    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, related_name="escalation"
    )
    reason = models.TextField(blank=True)
    raised_by = models.CharField(max_length=150)
    raised_by_name = models.CharField(max_length=200)
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)


class ReferralCopy(AppendOnlyModel):
    """A CAF version passed on by a step up, kept read-only at the receiving organisation's node.

    Written once, when the hub forwards the holding node's copy under the
    sharing rules; the holding node keeps the CAF itself, closed.
    """

    uid = models.UUIDField(unique=True, help_text="The referral's uid, chosen by the hub")
    received_by = models.CharField(max_length=40, help_text="The receiving agency")
    child_ref = models.CharField(max_length=64, help_text="The child's uid in the Child Index")
    from_agency = models.CharField(max_length=40)
    from_agency_name = models.CharField(max_length=200)
    referred_by = models.CharField(max_length=150)
    referred_by_name = models.CharField(max_length=200)
    reason = models.TextField(blank=True, help_text="Why the CAF was stepped up")
    referred_on = models.DateField()
    version_number = models.PositiveIntegerField()
    content = models.JSONField(help_text="The version's answers, as the holding node kept them")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def summary(self) -> dict[str, Any]:
        return {
            "uid": str(self.uid),
            "child_ref": self.child_ref,
            "from_agency": self.from_agency,
            "from_agency_name": self.from_agency_name,
            "referred_by_name": self.referred_by_name,
            "reason": self.reason,
            "referred_on": self.referred_on.isoformat(),
            "version_number": self.version_number,
        }
