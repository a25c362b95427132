"""Reading the audit log: for pages that show who did what, and for witnesses' proofs."""

from __future__ import annotations

from django.db.models import QuerySet

from fame.audit._merkle import consistency_proof
from fame.audit.models import AuditEvent, TreeHead


def events_for(
    *,
    target: str | None = None,
    actor_id: int | None = None,
    organisation: str | None = None,
    action_prefix: str | None = None,
) -> QuerySet[AuditEvent]:
    """Events, oldest first, narrowed by any of: target, actor, agency ID, action prefix.

    ``action_prefix="auth"`` matches ``auth.login``, ``auth.login_failed`` and so on.
    """
    events = AuditEvent.objects.all()
    if target is not None:
        events = events.filter(target=target)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if organisation is not None:
        events = events.filter(organisation=organisation)
    if action_prefix is not None:
        prefix = action_prefix.rstrip(".")
        events = events.filter(action__startswith=f"{prefix}.") | events.filter(action=prefix)
    return events.order_by("seq")


def latest_tree_head() -> TreeHead | None:
    """The signed tree head for the log's current size, or None for an empty log."""
    return TreeHead.objects.order_by("-tree_size").first()


class ProofRefused(ValueError):
    """The log cannot prove consistency between these sizes (it is smaller, or has gaps)."""


def consistency_proof_between(first: int, second: int) -> list[bytes]:
    """RFC 6962 proof that the log at size ``first`` is a prefix of the log at ``second``.

    Built from the stored leaf hashes of events 1 to ``second``: O(second) work.
    """
    if not 1 <= first <= second:
        raise ValueError(f"sizes must satisfy 1 <= first <= second, not {first} and {second}")
    stored = list(
        AuditEvent.objects.filter(seq__lte=second)
        .order_by("seq")
        .values_list("leaf_hash", flat=True)
    )
    if len(stored) < second:
        raise ProofRefused(
            f"the audit log holds {len(stored)} of the events up to {second}, so it cannot "
            f"vouch for a tree of size {second}"
        )
    try:
        leaves = [bytes.fromhex(h) for h in stored]
    except (TypeError, ValueError):
        raise ProofRefused("a stored leaf hash is unreadable") from None
    return consistency_proof(leaves, first)
