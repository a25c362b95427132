"""A partnership's readiness rounds: who answered what, what was agreed, what is planned.

A **round** assesses one partnership against one version of a statement bank (kept in
``BankVersion``, so the round reads as it was answered after the bank changes). It names
its **partners** and invites **respondents** (signed-in people, each answering for a
partner and a lead, such as that partner's ICT lead). Each respondent's **answers** hold
a score 0-4 or "don't know", with evidence (text, a link, uploaded documents and, where
the running system can show it, a live fact with its date). A moderator's **agreement**
settles a flagged statement. **Plan actions** are the actions the partnership accepted,
with owners, dates and progress; the roadmap lays them out.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q

from .bank import Bank, read_bank
from .framework import TERMS

if TYPE_CHECKING:
    from fame.accounts.models import User


class _EvidenceStorage(FileSystemStorage):
    """Files under ``DATA_DIR/readiness-evidence``, read from the settings at each use (the
    field makes its storage once, at import; a test's own DATA_DIR must still hold)."""

    @property
    def base_location(self) -> str:
        return str(settings.DATA_DIR / "readiness-evidence")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def evidence_storage() -> FileSystemStorage:
    """Uploaded evidence lives in the data folder, outside the static and public files; it
    is served only through the round's own page, to those who may see the round."""
    return _EvidenceStorage()


class BankVersion(models.Model):
    """One version of a statement bank, as a round used it (the TOML text, whole)."""

    key = models.CharField(max_length=60)
    version = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    digest = models.CharField(max_length=64, unique=True)
    text = models.TextField()
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["key", "-loaded_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def bank(self) -> Bank:
        return read_bank(self.text)

    @classmethod
    def keep(cls, bank: Bank, *, by: User | None = None) -> BankVersion:
        """The stored version of ``bank``: the one already kept with the same text, or a
        new one. A version once kept is never changed."""
        version, _ = cls.objects.get_or_create(
            digest=bank.digest,
            defaults={
                "key": bank.key,
                "version": bank.version,
                "title": bank.title,
                "text": bank.text,
                "loaded_by": by,
            },
        )
        return version

    @classmethod
    def newest(cls, key: str) -> BankVersion | None:
        return cls.objects.filter(key=key).order_by("-loaded_at", "-id").first()


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    partnership = models.CharField(max_length=200, help_text="The partnership assessed.")
    title = models.CharField(max_length=200)
    bank_version = models.ForeignKey(BankVersion, on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closes_on = models.DateField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.partnership})"

    @cached_property
    def bank(self) -> Bank:
        return self.bank_version.bank

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def earlier_rounds(self) -> models.QuerySet[Round]:
        """The same partnership's rounds in the same context opened before this one."""
        return Round.objects.filter(
            partnership=self.partnership,
            bank_version__key=self.bank_version.key,
            opened_at__lt=self.opened_at,
        )

    def respondent_for(self, user: User) -> Respondent | None:
        return self.respondents.filter(user=user).first()


class Partner(models.Model):
    """An organisation in the partnership, as this round names it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=200)
    agrees_to_compare = models.BooleanField(
        default=False, help_text="Whether its results may be shown beside other partners'."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="readiness_partner_once")
        ]

    def __str__(self) -> str:
        return self.name


class Lead(models.TextChoices):
    PRACTICE = "practice", "Practice lead"
    ICT = "ict", "ICT lead"
    GOVERNANCE = "governance", "Governance lead"
    OTHER = "other", "Other"


class Respondent(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="respondents")
    lead = models.CharField(max_length=12, choices=Lead.choices, default=Lead.OTHER)
    invited_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partner__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="readiness_respondent_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.partner}"


class Answer(models.Model):
    """One respondent's score for one statement: 0-4, or "don't know" (``score`` None)."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    statement_id = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    dont_know = models.BooleanField(default=False)
    evidence_text = models.TextField(blank=True, max_length=4000)
    evidence_link = models.URLField(blank=True, max_length=500)
    fact = models.JSONField(
        default=dict, blank=True, help_text="The live fact attached, with its date."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["respondent", "statement_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "statement_id"], name="readiness_answer_once"
            ),
            models.CheckConstraint(
                condition=(Q(dont_know=True, score__isnull=True) | Q(dont_know=False))
                & (Q(score__isnull=True) | Q(score__lte=4)),
                name="readiness_answer_score_or_dont_know",
            ),
        ]

    def __str__(self) -> str:
        shown = "don't know" if self.dont_know else self.score
        return f"{self.statement_id}: {shown}"

    @property
    def answered(self) -> bool:
        return self.dont_know or self.score is not None

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_text.strip() or self.evidence_link or self.documents.exists())


class EvidenceDocument(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=evidence_storage, upload_to="%Y/%m")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """The score a partnership's workshop agreed for a statement, and why."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="agreements")
    statement_id = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField()
    reason = models.TextField(max_length=2000)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "statement_id"], name="readiness_agreement_once"
            ),
            models.CheckConstraint(condition=Q(score__lte=4), name="readiness_agreed_score"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} agreed at {self.score}"


class PlanAction(models.Model):
    """An action the partnership accepted into its plan (from the bank, or its own)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        STARTED = "started", "Started"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="plan_actions")
    statement_id = models.CharField(max_length=40, blank=True)
    block = models.CharField(max_length=40)
    dimension = models.CharField(max_length=20)
    text = models.TextField(max_length=2000)
    term = models.CharField(max_length=10, choices=[(t, t.title()) for t in TERMS])
    owner = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)
    done_on = models.DateField(null=True, blank=True)
    suggestion = models.CharField(
        max_length=20,
        blank=True,
        help_text="The suggestion it was accepted from (from-<level> or workshop); blank for "
        "the partnership's own action.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]
