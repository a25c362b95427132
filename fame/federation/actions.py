"""Writes to the hub's register of nodes, each audited in its transaction."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fame.audit import record_event

from .keys import load_public_pem
from .models import FederationNode
from .rotation import KEY_OVERLAP, replace_key


def register_node(
    *,
    name: str,
    base_url: str,
    agencies: list[str],
    public_key: str,
    by: str = "cli",
    overlap: timedelta = KEY_OVERLAP,
) -> FederationNode:
    """Add a node to the register, or update it (its URL, agencies or key). Audited.

    A new key for a registered node is a rotation (ADR 0046): the old key stays
    accepted for ``overlap``, then is refused as retired; both are kept.
    """
    load_public_pem(public_key)  # refuse a key that is not an Ed25519 public key
    agencies = sorted(set(agencies))
    claimed = {
        agency: node.name
        for node in FederationNode.objects.exclude(name=name)
        for agency in node.agencies
        if agency in agencies
    }
    if claimed:
        taken = ", ".join(f"{agency} ({node})" for agency, node in sorted(claimed.items()))
        raise ValueError(f"Other nodes already host {taken}.")
    wanted = {"base_url": base_url.rstrip("/"), "agencies": agencies, "public_key": public_key}
    with transaction.atomic():
        node = FederationNode.objects.select_for_update().filter(name=name).first()
        if node is not None and all(getattr(node, k) == v for k, v in wanted.items()):
            return node  # registered already, as it is: nothing to change or audit
        created = node is None
        replaced = None
        if node is not None and node.public_key != public_key:
            replaced = replace_key(
                peer=name, old_pem=node.public_key, new_pem=public_key, overlap=overlap
            )
        node, _ = FederationNode.objects.update_or_create(name=name, defaults=wanted)
        record_event(
            "federation.node_registered" if created else "federation.node_updated",
            target=f"node:{name}",
            details={"url": node.base_url, "agencies": agencies, "by": by},
        )
        if replaced is not None:
            record_event(
                "federation.key_rotated",
                target=f"key:{name}",
                details=replaced.as_details(by),
            )
    return node


def _reachable(node: FederationNode) -> bool:
    """As last seen: no failure yet, or a contact since the last one."""
    if node.last_error_at is None:
        return True
    return node.last_contact is not None and node.last_contact >= node.last_error_at


def note_failure(node: FederationNode, error: str) -> None:
    """Count a failed call to ``node`` for the technology view; a node that was answering and
    now does not is audited once, as ``federation.node_unreachable``."""
    with transaction.atomic():
        current = FederationNode.objects.select_for_update().filter(pk=node.pk).first()
        if current is None:
            return
        was_reachable = _reachable(current)
        FederationNode.objects.filter(pk=node.pk).update(
            errors=F("errors") + 1, last_error=error[:300], last_error_at=timezone.now()
        )
        if was_reachable:
            record_event(
                "federation.node_unreachable",
                target=f"node:{current.name}",
                details={"node": current.name, "why": error[:300]},
            )


def note_contact(node: FederationNode) -> None:
    """Note that ``node`` answered; one that had stopped answering is audited once, as
    ``federation.node_reachable``."""
    # Most calls find the node answering as before: one read, one update, no lock.
    current = FederationNode.objects.filter(pk=node.pk).first()
    FederationNode.objects.filter(pk=node.pk).update(last_contact=timezone.now())
    if current is not None and not _reachable(current):
        record_event(
            "federation.node_reachable",
            target=f"node:{current.name}",
            details={"node": current.name},
        )
