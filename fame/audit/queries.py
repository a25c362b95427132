"""Reading the audit log, for pages that show who did what."""

from __future__ import annotations

from django.db.models import QuerySet

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
