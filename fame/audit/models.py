"""Audit events and signed tree heads: rows that are written once and never changed.

Write through ``fame.audit.record_event``; it keeps the Merkle log consistent.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models

from fame.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from fame.audit._canonical import event_bytes
from fame.audit._merkle import leaf_hash


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    REFUSED = "refused", "Refused"


class LogQuerySet(AppendOnlyQuerySet):
    """Append-only, and never added to in bulk: ``record_event`` adds each row to the tree."""

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are added one at a time by the log.")


class LogRow(AppendOnlyModel):
    """A row of the audit log or of its witnesses: inserted once, one at a time, then only read."""

    never_changed = "{model} rows cannot be changed once written."
    never_removed = "{model} rows cannot be deleted."

    objects: ClassVar[LogQuerySet] = LogQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        abstract = True


class AuditEvent(LogRow):
    """Something that happened: who, for which organisation, when, what, to what, and how."""

    seq = models.PositiveBigIntegerField("sequence number", primary_key=True)
    time = models.DateTimeField()
    # Not a foreign key: the record of what someone did outlives their account.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    organisation = models.CharField("organisation (agency ID)", max_length=40, blank=True)
    action = models.CharField(max_length=100)
    target = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    details = models.JSONField(default=dict, blank=True)
    leaf_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["action", "seq"], name="audit_event_action"),
            models.Index(fields=["actor_id", "seq"], name="audit_event_actor"),
            models.Index(fields=["organisation", "seq"], name="audit_event_organisation"),
            models.Index(fields=["target"], name="audit_event_target"),
            models.Index(fields=["time"], name="audit_event_time"),
            # Management information counts each action over a period, for any agencies,
            # from the index alone (fame/reports).
            models.Index(
                fields=["action", "outcome", "time", "organisation"],
                name="audit_event_action_time",
            ),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        return f"#{self.seq} {self.action} by {who} on {self.target or '-'}: {self.outcome}"

    def canonical_bytes(self) -> bytes:
        return event_bytes(
            seq=self.seq,
            time=self.time,
            actor_id=self.actor_id,
            actor_username=self.actor_username,
            organisation=self.organisation,
            action=self.action,
            target=self.target,
            outcome=self.outcome,
            details=self.details,
        )

    def computed_leaf_hash(self) -> str:
        return leaf_hash(self.canonical_bytes()).hex()


class TreeHead(LogRow):
    """A signed statement of the log's root hash at one size (one per append)."""

    tree_size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64)
    timestamp = models.DateTimeField()
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=16)

    class Meta:
        ordering = ["tree_size"]

    def __str__(self) -> str:
        return f"tree head {self.tree_size}: {self.root_hash[:16]}"


class LogState(models.Model):
    """The single, locked row that serialises appends: size and Merkle frontier.

    Not evidence in itself (it changes on every append); ``verify`` checks it agrees.
    """

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    tree_size = models.PositiveBigIntegerField(default=0)
    frontier = models.JSONField(default=list)
    root_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit log state: {self.tree_size} events"


class TrustedLogKey(models.Model):
    """On a node: an audit log key whose signed tree heads this node witnesses (the hub's)."""

    name = models.CharField(max_length=40, default="hub")
    key_id = models.CharField(max_length=16, unique=True)
    public_key = models.TextField(help_text="Ed25519 public key, PEM")
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} audit key {self.key_id}"


class WitnessStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted: consistent with every head witnessed before"
    INCONSISTENT = "inconsistent", "Refused: inconsistent with a head witnessed before"


class WitnessedTreeHead(LogRow):
    """On a node: a signed tree head the hub sent, kept as a witness of the hub's audit log.

    Accepted heads form one chain, each proved consistent with the latest before
    it. A refused (inconsistent) head is kept too, with the proof it came with:
    it is the hub's own signature on a history that contradicts another.
    """

    tree_size = models.PositiveBigIntegerField()
    root_hash = models.CharField(max_length=64)
    timestamp = models.DateTimeField()
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=16)
    status = models.CharField(max_length=12, choices=WitnessStatus.choices)
    reason = models.TextField(blank=True)
    checked_against = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="size of the earlier head it was checked against"
    )
    proof = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tree_size"],
                condition=models.Q(status="accepted"),
                name="one_accepted_witnessed_head_per_size",
            )
        ]
        indexes = [models.Index(fields=["status", "tree_size"], name="audit_witnessed_status")]

    def __str__(self) -> str:
        return f"witnessed head {self.tree_size}: {self.root_hash[:16]} ({self.status})"
