"""`fame audit reconcile`: after a restore, say on the record what the nodes witnessed that
the log lost, and let the nodes go on witnessing from the restored log.

A hub restored from a backup has a log that ends before the heads its nodes witnessed
since the backup; `verify --witnesses` names each such head, and every node refuses
the restored hub's new heads, which do not extend what it witnessed. Reconciling:

1. checks the restored log against itself (it must be intact up to its end);
2. asks every node for the heads it kept, and finds, for each, the heads of its
   current epoch that the log no longer has (``lost``) and the largest that it still
   agrees with (``kept``);
3. records one audit event, ``audit.restore_reconciled``, naming for each node the
   heads lost (sizes, root, when signed): the loss becomes part of the signed log;
4. sends each node a restore statement signed with the audit key, naming the head it
   keeps, the latest head it lost, and the head the log goes on from (which includes
   the event); the node checks it (ADR 0045) and starts a new epoch from that head;
5. publishes the new head.

Nothing is hidden: the nodes keep the lost heads and the statement, `verify
--witnesses` reports every lost head as acknowledged, naming the event, and a node
that did not record the statement keeps the check failing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone

from fame.audit._canonical import utc_timestamp
from fame.audit.actions import record_event
from fame.audit.models import AuditEvent, WitnessStatus
from fame.audit.publish import HUB_KEY_ID, Publication, publish_tree_head
from fame.audit.queries import latest_tree_head
from fame.audit.signing import signing_key
from fame.audit.verify import verify_audit_log
from fame.audit.witness import RestoreStatement
from fame.audit.witness_check import (
    RECONCILED,
    HeldHead,
    NoAnswer,
    fetch_witnessed,
    roots_at,
)
from fame.federation import FederationClient, NoResponse, federation_client
from fame.federation.models import FederationNode

RESTORES_PATH = "/federation/v1/node/audit/restores"
RESTORE_TIMEOUT = 15.0
"""The node asks the hub for a consistency proof before it answers."""


class ReconcileRefused(Exception):
    """Nothing was recorded: the reason says why."""


@dataclass
class NodeReconcile:
    """What became of one node: ``nothing lost``, ``recorded``, ``already recorded``,
    ``refused`` (with the node's reason) or ``no answer``."""

    node: str
    status: str
    epoch: int = 0
    kept_size: int = 0
    lost_size: int = 0
    lost_signed: str = ""
    reason: str = ""


@dataclass
class ReconcileReport:
    event: int | None = None
    restored_size: int = 0
    restored_root: str = ""
    nodes: list[NodeReconcile] = field(default_factory=list)
    published: list[Publication] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every node answered, and every node that lost history recorded the restore."""
        return all(n.status in {"nothing lost", "recorded", "already recorded"} for n in self.nodes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "restored_size": self.restored_size,
            "restored_root": self.restored_root,
            "complete": self.complete,
            "nodes": [asdict(n) for n in self.nodes],
            "published": [p.as_dict() for p in self.published],
        }


@dataclass(frozen=True)
class _Loss:
    node: FederationNode
    epoch: int
    kept_size: int
    lost: HeldHead

    def entry(self) -> dict[str, Any]:
        return {
            "node": self.node.name,
            "epoch": self.epoch,
            "kept_size": self.kept_size,
            "lost_size": self.lost.head.tree_size,
            "lost_root": self.lost.head.root_hash,
            "lost_signed": utc_timestamp(self.lost.head.timestamp),
        }


def reconcile(*, client: FederationClient | None = None, by: str = "cli") -> ReconcileReport:
    """Record what the nodes witnessed that the log lost, and tell them (module docstring)."""
    checked = verify_audit_log()
    if not checked.intact:
        raise ReconcileRefused(
            f"the audit log fails its own check ({checked.problem}): a restore is reconciled "
            "only over a log that is intact up to its end"
        )
    client = client or federation_client()
    report = ReconcileReport()
    losses = _losses(client, report)
    if not losses:
        return report
    event = _record(losses, by=by)
    head = latest_tree_head()
    assert head is not None  # the event just recorded is in it
    report.event, report.restored_size, report.restored_root = (
        event,
        head.tree_size,
        head.root_hash,
    )
    key = signing_key("audit")
    now = timezone.now()
    for loss in losses:
        statement = _signed(loss, head.tree_size, head.root_hash, now, key)
        report.nodes.append(_send(client, loss, statement))
    report.published = publish_tree_head(client=client)
    return report


def _losses(client: FederationClient, report: ReconcileReport) -> list[_Loss]:
    """For each node, the latest head of its current epoch the log no longer agrees with."""
    fetched = []
    for node in FederationNode.objects.all():
        try:
            kept = fetch_witnessed(client, node)
        except NoAnswer as silent:
            report.nodes.append(NodeReconcile(node.name, "no answer", reason=silent.reason))
            continue
        current = [
            h for h in kept.heads if h.status == WitnessStatus.ACCEPTED and h.epoch == kept.epoch
        ]
        fetched.append((node, kept.epoch, kept.epoch_base, current))
    roots, _ = roots_at({h.head.tree_size for _, _, _, heads in fetched for h in heads})
    losses = []
    for node, epoch, base, heads in fetched:
        lost = [h for h in heads if roots.get(h.head.tree_size) != h.head.root_hash]
        if not lost:
            report.nodes.append(NodeReconcile(node.name, "nothing lost", epoch=epoch))
            continue
        first_lost = min(h.head.tree_size for h in lost)
        agreeing = [
            h.head.tree_size for h in heads if h not in lost and h.head.tree_size < first_lost
        ]
        latest = max(heads, key=lambda h: h.head.tree_size)
        losses.append(_Loss(node, epoch + 1, max(agreeing, default=base), latest))
    return losses


def _record(losses: list[_Loss], *, by: str) -> int:
    """The event recording the losses: one already in the log for these very losses (a
    statement not delivered the first time), or a new one."""
    entries = [loss.entry() for loss in losses]
    for event in AuditEvent.objects.filter(action=RECONCILED).order_by("-seq"):
        if (event.details or {}).get("nodes") == entries:
            return int(event.seq)
    event = record_event(
        RECONCILED,
        target="audit-log",
        details={
            "nodes": entries,
            "by": by,
            "what": "heads the nodes witnessed that the log no longer has: lost in a restore",
        },
    )
    return int(event.seq)


def _signed(loss: _Loss, size: int, root: str, now: Any, key: Any) -> RestoreStatement:
    unsigned = RestoreStatement(
        epoch=loss.epoch,
        kept_size=loss.kept_size,
        lost_size=loss.lost.head.tree_size,
        lost_root=loss.lost.head.root_hash,
        restored_size=size,
        restored_root=root,
        timestamp=now,
        signature="0" * 128,
        key_id=key.key_id,
    )
    signature = key.sign(unsigned.message()).hex()
    return RestoreStatement(**{**asdict(unsigned), "signature": signature})


def _send(client: FederationClient, loss: _Loss, statement: RestoreStatement) -> NodeReconcile:
    answer = NodeReconcile(
        loss.node.name,
        "recorded",
        epoch=loss.epoch,
        kept_size=loss.kept_size,
        lost_size=loss.lost.head.tree_size,
        lost_signed=utc_timestamp(loss.lost.head.timestamp),
    )
    try:
        response = client.post(
            loss.node.base_url,
            RESTORES_PATH,
            statement.as_json(),
            key_id=HUB_KEY_ID,
            peer=loss.node.name,
            timeout=RESTORE_TIMEOUT,
        )
    except NoResponse as silent:
        answer.status, answer.reason = "no answer", silent.reason
        return answer
    if not response.ok:
        answer.status = "refused"
        answer.reason = str(response.data.get("reason") or f"answered {response.status}")
    elif response.data.get("status") == "already witnessed":
        answer.status = "already recorded"
    return answer
