"""What an agency node keeps in its own database: its agencies' records and outbox.

Its disclosure records are ``fame.sharing.models.Disclosure`` rows, the same shape
as the hub's.

The index knows who; the agencies keep what. Nothing here is stored at the hub.
"""

from __future__ import annotations

import uuid

from django.db import models


class NodeAgency(models.Model):
    """An agency hosted on this node."""

    agency_id = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["agency_id"]

    def __str__(self) -> str:
        return self.name or self.agency_id


class NodeRecord(models.Model):
    """The agency's own record of a child: the agency record, its CAF state and case summary."""

    agency_id = models.CharField(max_length=40)
    local_id = models.CharField(max_length=64)
    data = models.JSONField()
    content_hash = models.CharField(max_length=64)
    caf_status = models.CharField(max_length=12, blank=True)
    case_summary = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_id", "local_id"], name="one_node_record_per_id")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.local_id}"


class OutboxKind(models.TextChoices):
    DEMOGRAPHICS = "demographics", "Demographics changed"
    INVOLVEMENT_STARTED = "involvement_started", "Involvement started"
    INVOLVEMENT_ENDED = "involvement_ended", "Involvement ended"
    CAF_EXISTS = "caf_exists", "CAF exists"
    CAF_CLOSED = "caf_closed", "CAF closed"
    CAF_FACTS = "caf_facts", "CAF facts for the co-ordinator"


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class Outbox(models.Model):
    """An index update waiting to reach the hub (at least once; the hub applies it once)."""

    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key)
    kind = models.CharField(max_length=24, choices=OutboxKind.choices)
    agency_id = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["delivered_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class TrustedKey(models.Model):
    """A caller this node accepts signed requests from: the hub, or an agency's own system."""

    name = models.CharField(max_length=40, unique=True)
    public_key = models.TextField(help_text="Ed25519 public key, PEM")
    base_url = models.URLField(blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
