"""The Child Index: who a child is (persons and the records agencies supplied) and who is involved.

The index holds no case notes, no assessment content and no safety alerts.
A person's ``uid`` is the system's own identifier: no page, export or message
shows it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from fame.accounts.models import Organisation


class Person(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    shielded = models.BooleanField(default=False)
    # Records archive at the 18th birthday, or at 25 with recorded consent.
    retain_to_25 = models.BooleanField(
        "consent recorded to keep the record to age 25", default=False
    )
    archived_on = models.DateField(null=True, blank=True)
    # What the index shows about a CAF; the CAF itself stays at the holder's node.
    caf_status = models.CharField(max_length=20, blank=True)
    caf_holder = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["archived_on"])]

    def __str__(self) -> str:
        return f"person {self.pk}"


class LinkMethod(models.TextChoices):
    AUTOMATIC = "automatic", "Linked automatically"
    NEW = "new", "New person (no match)"
    REVIEWED = "reviewed", "Decided at review"
    MANUAL = "manual", "Linked by hand"


class SourceRecord(models.Model):
    """A child as one agency supplied them, kept as supplied, keyed by (agency, local id)."""

    # Found by organisation through the (organisation, local id) constraint's index.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    local_id = models.CharField(max_length=64)
    data = models.JSONField()
    content_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Search columns besides the blocking keys, derived from ``data``.
    date_of_birth = models.DateField(null=True)
    postcode = models.CharField(max_length=8, blank=True)
    # The link to a person: how sure, how decided, by whom.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="records")
    link_weight = models.FloatField(null=True)
    link_method = models.CharField(max_length=12, choices=LinkMethod.choices)
    # Not indexed, like every "who decided" column here: no query asks by it, and
    # accounts are disabled, never deleted (an index would only slow ingest).
    link_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    link_decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "local_id"], name="one_record_per_id")
        ]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["postcode"]),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.local_id}"


class BlockingKey(models.Model):
    """An indexed key under which a record is found as a candidate for matching.

    The (key, record) primary key is the one index a key lookup needs: on SQLite
    the table is stored in it (``WITHOUT ROWID``, made by index migration 0005),
    so a key costs two B-tree inserts (it and the record index) instead of three.
    A migration that makes Django rebuild this table on SQLite would lose that:
    make it ``WITHOUT ROWID`` again (``tests/index/test_ingest_batch.py`` checks).
    """

    pk = models.CompositePrimaryKey("key", "record")
    key = models.BigIntegerField()
    """The key's hash (``matching.key_hash``), not its text."""
    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="keys")


class LinkDecision(models.Model):
    """Every change of a record's person, kept so that any decision can be reversed."""

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="decisions")
    from_person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    to_person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    weight = models.FloatField(null=True)
    method = models.CharField(max_length=12, choices=LinkMethod.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    LINKED = "linked", "Linked"
    REJECTED = "rejected", "Kept apart"


class ReviewItem(models.Model):
    """A possible match between the two thresholds, for an ISA officer to decide."""

    record = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="reviews")
    candidate = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()
    explanation = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["record", "candidate"], name="one_review_per_pair")
        ]


class Involvement(models.Model):
    """An agency (and practitioner) working with a child, from a feed or recorded on the page."""

    # Found by person through the (person, ended_on) index.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="involvements", db_index=False
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    source_record = models.OneToOneField(
        SourceRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="involvement"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    practitioner_email = models.EmailField(blank=True)
    service = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    sensitive = models.BooleanField(default=False)
    started_on = models.DateField(null=True)
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        indexes = [models.Index(fields=["person", "ended_on"])]
