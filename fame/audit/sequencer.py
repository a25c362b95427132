"""The sequencer: queued audit events become leaves of the Merkle tree, one signed head a batch.

``record_event`` stores an event and queues it (``PendingEvent``) in the caller's
transaction, with no lock and no signature. ``integrate`` takes the queued events
that have committed, in the order they were recorded, gives each the next leaf
position and its leaf hash (``AuditLeaf``), and signs one tree head for the batch,
all in one transaction holding the ``LogState`` row: only one sequencer
integrates at a time, whichever process runs it. A transaction that commits late
(PostgreSQL numbers rows as they are inserted, not as they commit) is simply in a
later batch: nothing is skipped, because the queue, not the numbers, says what is
waiting.

``Sequencer`` runs ``integrate`` in a thread of a served process
(``FAME_AUDIT_SEQUENCE_SECONDS``, 0.5 s); ``fame audit sequence`` does it at the
command line; whatever reads the log's heads (verify, the auditors' pages,
publishing to witnesses) integrates first, so it sees every committed event (ADR 0041).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fame.audit._canonical import EVENT_FIELDS, event_bytes, tree_head_message
from fame.audit._merkle import CompactTree, leaf_hash
from fame.audit._rounds import Rounds
from fame.audit.models import AuditEvent, AuditLeaf, LogState, PendingEvent, TreeHead
from fame.audit.signing import signing_key

__all__ = ["BATCH", "Sequencer", "integrate", "integrate_batch"]

BATCH = 5_000
"""Most events in one tree head: a batch is one transaction, kept short."""


def integrate(*, batch: int = BATCH) -> list[TreeHead]:
    """Integrate every committed, queued event, ``batch`` at most per tree head; the new heads."""
    heads = []
    while (head := integrate_batch(batch=batch)) is not None:
        heads.append(head)
    return heads


def integrate_batch(*, batch: int = BATCH) -> TreeHead | None:
    """Integrate up to ``batch`` queued events and sign their tree head (None: nothing waited)."""
    if not PendingEvent.objects.exists():  # the usual case when idle: no lock, no write
        return None
    key = signing_key()
    with transaction.atomic():
        state, _ = LogState.objects.select_for_update().get_or_create(pk=LogState.SINGLETON)
        waiting = PendingEvent.objects.order_by("seq").values("seq")[:batch]
        rows = AuditEvent.objects.filter(seq__in=waiting).order_by("seq").values(*EVENT_FIELDS)
        tree = CompactTree.from_hex(state.tree_size, state.frontier)
        previous_size = tree.size
        leaves = []
        for row in rows:
            leaf = leaf_hash(event_bytes(**row))
            tree.append(leaf)
            leaves.append(AuditLeaf(position=tree.size, seq=row["seq"], leaf_hash=leaf.hex()))
        if not leaves:  # another sequencer took them while this one waited for the lock
            return None
        # Exactly the events integrated: a queued event whose row is gone stays queued,
        # for verify to name.
        PendingEvent.objects.filter(seq__in=[leaf.seq for leaf in leaves]).delete()
        AuditLeaf.objects.bulk_create(leaves)
        root = tree.root().hex()
        state.tree_size, state.frontier, state.root_hash = tree.size, tree.frontier_hex(), root
        state.save()
        now = timezone.now()
        message = tree_head_message(tree_size=tree.size, timestamp=now, root_hash=root)
        head = TreeHead(
            tree_size=tree.size,
            root_hash=root,
            timestamp=now,
            signature=key.sign(message).hex(),
            key_id=key.key_id,
            previous_size=previous_size,
        )
        head.save()
    return head


class Sequencer(Rounds):
    """Integrate queued events every ``every`` seconds until stopped (a served process)."""

    failure = "integrating audit events into the log failed"

    def __init__(self, *, every: float | None = None) -> None:
        every = settings.FAME_AUDIT_SEQUENCE_SECONDS if every is None else every
        super().__init__(name="fame-audit-sequencer", every=every)
        self.heads = 0

    def round(self) -> None:
        self.heads += len(integrate())


def pending_count() -> int:
    """Events stored and queued but not yet in a signed tree head."""
    return PendingEvent.objects.count()
