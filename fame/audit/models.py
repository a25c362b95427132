"""Audit events and signed tree heads: rows that are written once and never changed.

Write through ``fame.audit.record_event``: it stores the event and queues it
(``PendingEvent``); the sequencer (``fame.audit.sequencer``) later gives it the
next leaf of the Merkle tree (``AuditLeaf``) and signs one tree head per batch
(ADR 0041).
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
    """Append-only, and never added to in bulk: only the sequencer adds to the tree."""

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
    """Something that happened: who, for which organisation, when, what, to what, and how.

    ``seq`` is given by the database as the row is stored, so events are numbered in
    the order they were recorded (with gaps where a transaction rolled back on
    PostgreSQL); the event's place in the Merkle tree is its ``AuditLeaf``.
    """

    seq = models.BigAutoField("sequence number", primary_key=True)
    time = models.DateTimeField()
    # Not a foreign key: the record of what someone did outlives their account.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    organisation = models.CharField("organisation (agency ID)", max_length=40, blank=True)
    action = models.CharField(max_length=100)
    target = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    details = models.JSONField(default=dict, blank=True)

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


class AuditLeaf(LogRow):
    """The event at one position of the Merkle tree, with the leaf hash the sequencer gave it.

    Written by the sequencer, a batch at a time, in the transaction that signs the
    batch's tree head. ``seq`` names the event (no foreign key, so that a deleted
    event is reported by ``verify`` rather than hidden by the database).
    """

    position = models.PositiveBigIntegerField(primary_key=True)
    seq = models.PositiveBigIntegerField("event", unique=True)
    leaf_hash = models.CharField(max_length=64)

    # Added a batch at a time (the sequencer's one transaction per tree head).
    objects: ClassVar[AppendOnlyQuerySet] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"leaf {self.position}: event {self.seq}"


class PendingEvent(models.Model):
    """An event stored but not yet in the Merkle tree: the sequencer's queue.

    Inserted with the event, in the caller's transaction; deleted by the sequencer
    in the transaction that adds the event's leaf. Not evidence in itself:
    ``verify`` reports an event that is neither a leaf nor waiting here.
    """

    seq = models.PositiveBigIntegerField("event", primary_key=True)

    def __str__(self) -> str:
        return f"event {self.seq}, waiting for the sequencer"


class TreeHead(LogRow):
    """A signed statement of the log's root hash at one size (one per batch integrated)."""

    tree_size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64)
    timestamp = models.DateTimeField()
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=16)
    # The size of the head before this one: the heads form a chain, so a deleted head is
    # noticed (not signed: the signed format is fixed, and a head's root covers all before it).
    previous_size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["tree_size"]

    def __str__(self) -> str:
        return f"tree head {self.tree_size}: {self.root_hash[:16]}"


class LogState(models.Model):
    """The single row the sequencer locks while it integrates: size and Merkle frontier.

    Not evidence in itself (it changes with every batch); ``verify`` checks it agrees.
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
    # A key the hub lost or that may be stolen (`fame audit revoke-key`): nothing it signs
    # from then on is witnessed, heads it signed before stay as they were (ADR 0046).
    # db_default: the previous release inserts keys without these columns (ADR 0047).
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True, default="", db_default="")

    def __str__(self) -> str:
        revoked = f", revoked {self.revoked_at:%Y-%m-%d %H:%M}" if self.revoked_at else ""
        return f"{self.name} audit key {self.key_id}{revoked}"


class WitnessStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted: consistent with every head witnessed before"
    INCONSISTENT = "inconsistent", "Refused: inconsistent with a head witnessed before"


class WitnessedTreeHead(LogRow):
    """On a node: a signed tree head the hub sent, kept as a witness of the hub's audit log.

    Accepted heads of one ``epoch`` form one chain, each proved consistent with the
    latest before it; a restore of the hub that the hub declared and this node checked
    (``WitnessedRestore``) starts the next epoch from the restored head. A refused
    (inconsistent) head is kept too, with the proof it came with: it is the hub's own
    signature on a history that contradicts another.
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
    # db_default: a process of the previous release, still serving while the migration runs,
    # inserts heads without this column (ADR 0047).
    epoch = models.PositiveIntegerField(
        default=0,
        db_default=0,
        help_text="restores recorded on this node before the head came (ADR 0045)",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["epoch", "tree_size"],
                condition=models.Q(status="accepted"),
                name="one_accepted_witnessed_head_per_epoch_and_size",
            )
        ]
        indexes = [models.Index(fields=["status", "tree_size"], name="audit_witnessed_status")]

    def __str__(self) -> str:
        return f"witnessed head {self.tree_size}: {self.root_hash[:16]} ({self.status})"


class WitnessedRestore(LogRow):
    """On a node: the hub's signed statement that the history this node witnessed after
    ``kept_size``, up to its head (``lost_size``, ``lost_root``), was lost in a restore,
    and that the log goes on from the head (``restored_size``, ``restored_root``).

    Recorded only once the hub proved the restored head consistent with the head this
    node kept at ``kept_size``; it starts ``epoch``: later heads chain from the restored
    head. The heads of the lost history stay, as evidence (ADR 0045).
    """

    epoch = models.PositiveIntegerField(unique=True)
    kept_size = models.PositiveBigIntegerField()
    lost_size = models.PositiveBigIntegerField()
    lost_root = models.CharField(max_length=64)
    restored_size = models.PositiveBigIntegerField()
    restored_root = models.CharField(max_length=64)
    timestamp = models.DateTimeField()
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=16)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["epoch"]

    def __str__(self) -> str:
        return (
            f"restore {self.epoch}: heads after {self.kept_size} up to {self.lost_size} lost, "
            f"log goes on from {self.restored_size}"
        )
