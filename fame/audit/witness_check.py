"""`fame audit verify --witnesses`: does the hub's log still have every root the nodes witnessed?

A log checked only against itself cannot see a rewrite that recomputes every
leaf hash, tree head and signature, nor a truncation that rewinds its state
(ADR 3). The nodes keep the heads the hub signed when it signed them, so this
check recomputes the log's root from the events' contents at every size a node
witnessed and names the node and the size where they disagree. Nodes that do
not answer are reported; the check is then incomplete, not passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fame.audit._merkle import CompactTree, leaf_hash
from fame.audit.models import AuditEvent, AuditLeaf, WitnessStatus
from fame.audit.publish import HUB_KEY_ID
from fame.audit.rotation import audit_public_keys
from fame.audit.verify import leaves_from_contents
from fame.audit.witness import SignedTreeHead, WitnessRefused
from fame.federation import FederationClient, NoResponse, federation_client
from fame.federation.models import FederationNode

WITNESSED_PATH = "/federation/v1/node/audit/witnessed-heads"
LIST_TIMEOUT = 10.0
UNREADABLE_LEAF = leaf_hash(b"fame: an event that can no longer be read")
RECONCILED = "audit.restore_reconciled"
"""The event `fame audit reconcile` records: witnessed history lost in a restore (ADR 0045)."""


@dataclass(frozen=True)
class Disagreement:
    node: str
    tree_size: int
    witnessed_root: str
    hub_root: str | None
    problem: str


@dataclass
class NodeWitness:
    """One node's answer: ``agrees``, ``disagrees`` or ``no answer``."""

    node: str
    status: str = "agrees"
    heads: int = 0
    latest_size: int | None = None
    problem: str = ""


@dataclass(frozen=True)
class Acknowledged:
    """A witnessed head the log no longer agrees with, whose loss in a restore the log records
    (``fame audit reconcile``, event ``event``) and the node recorded too (ADR 0045)."""

    node: str
    tree_size: int
    witnessed_root: str
    event: int
    problem: str


@dataclass
class WitnessReport:
    nodes: list[NodeWitness] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    acknowledged: list[Acknowledged] = field(default_factory=list)

    @property
    def agree(self) -> bool:
        """No node holds a head the log contradicts (nodes that did not answer aside)."""
        return not self.disagreements

    @property
    def complete(self) -> bool:
        """At least one node, and every node, answered."""
        return bool(self.nodes) and all(n.status != "no answer" for n in self.nodes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "agree": self.agree,
            "complete": self.complete,
            "nodes": [asdict(n) for n in self.nodes],
            "disagreements": [asdict(d) for d in self.disagreements],
            "acknowledged": [asdict(a) for a in self.acknowledged],
        }


@dataclass(frozen=True)
class HeldHead:
    node: str
    head: SignedTreeHead
    status: str
    reason: str
    epoch: int = 0


@dataclass(frozen=True)
class NodeHeads:
    """What one node holds: every head it kept, the restores it recorded (``epoch``) and the
    size of the head its current epoch goes on from (``epoch_base``)."""

    heads: list[HeldHead]
    epoch: int = 0
    epoch_base: int = 0


@dataclass(frozen=True)
class Restore:
    """A restore the log records (``fame audit reconcile``): for ``node``, its witnessed
    history after ``kept_size`` up to ``lost_size`` was lost; its epoch ``epoch`` began."""

    event: int
    node: str
    epoch: int
    kept_size: int
    lost_size: int
    lost_signed: str

    def covers(self, item: HeldHead) -> bool:
        return (
            item.node == self.node
            and item.epoch < self.epoch
            and self.kept_size < item.head.tree_size <= self.lost_size
        )


def check_witnesses(*, client: FederationClient | None = None) -> WitnessReport:
    """Ask every registered node for the heads it witnessed and check the log against them."""
    client = client or federation_client()
    report = WitnessReport()
    held: list[HeldHead] = []
    epochs: dict[str, int] = {}
    for node in FederationNode.objects.all():
        answer = NodeWitness(node.name)
        report.nodes.append(answer)
        try:
            kept = fetch_witnessed(client, node)
        except NoAnswer as silent:
            answer.status, answer.problem = "no answer", silent.reason
            continue
        accepted = [h for h in kept.heads if h.status == WitnessStatus.ACCEPTED]
        answer.heads = len(accepted)
        current = [h.head.tree_size for h in accepted if h.epoch == kept.epoch]
        answer.latest_size = max(current, default=kept.epoch_base or None)
        held.extend(kept.heads)
        epochs[node.name] = kept.epoch
    report.disagreements, report.acknowledged = _compare(
        held, _hub_keys(), restores_recorded(), epochs
    )
    for answer in report.nodes:
        mine = [d for d in report.disagreements if d.node == answer.node]
        if mine:
            answer.status, answer.problem = "disagrees", mine[0].problem
    return report


class NoAnswer(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def fetch_witnessed(client: FederationClient, node: FederationNode) -> NodeHeads:
    """Every head ``node`` kept, page by page, or ``NoAnswer`` saying why not."""
    heads: list[HeldHead] = []
    after = 0
    epoch = epoch_base = 0
    while True:
        try:
            response = client.post(
                node.base_url,
                WITNESSED_PATH,
                {"after": after},
                key_id=HUB_KEY_ID,
                peer=node.name,
                timeout=LIST_TIMEOUT,
            )
        except NoResponse as silent:
            raise NoAnswer(f"it did not respond ({silent.reason})") from None
        rows = response.data.get("heads")
        if not response.ok or not isinstance(rows, list):
            reason = response.data.get("reason") or response.data.get("error") or ""
            raise NoAnswer(f"it answered {response.status} {reason}".rstrip())
        try:
            for row in rows:
                heads.append(
                    HeldHead(
                        node.name,
                        SignedTreeHead.from_json(row),
                        str(row["status"]),
                        str(row.get("reason", "")),
                        int(row.get("epoch", 0)),
                    )
                )
                after = max(after, int(row["id"]))
            epoch = int(response.data.get("epoch", 0))
            epoch_base = int(response.data.get("epoch_base", 0))
        except (KeyError, TypeError, ValueError, WitnessRefused) as error:
            raise NoAnswer(f"its list of witnessed heads is unreadable ({error})") from None
        if not response.data.get("more") or not rows:
            return NodeHeads(heads, epoch, epoch_base)


def _hub_keys() -> dict[str, Ed25519PublicKey]:
    return audit_public_keys()


def restores_recorded() -> list[Restore]:
    """The restores the log records, from its events (``fame audit reconcile``) that are
    already leaves of the log, so vouched for by its signed heads."""
    found = []
    events = AuditEvent.objects.filter(
        action=RECONCILED, seq__in=AuditLeaf.objects.values("seq")
    ).order_by("seq")
    for event in events:
        for entry in (event.details or {}).get("nodes", []):
            try:
                found.append(
                    Restore(
                        event.seq,
                        str(entry["node"]),
                        int(entry["epoch"]),
                        int(entry["kept_size"]),
                        int(entry["lost_size"]),
                        str(entry.get("lost_signed", "")),
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue  # an entry that cannot be read acknowledges nothing
    return found


def roots_at(sizes: set[int]) -> tuple[dict[int, str], int]:
    """The log's root at each of ``sizes``, recomputed from the events' contents, and the
    size the log ends at (if that is before the largest size wanted)."""
    roots: dict[int, str] = {}
    tree = CompactTree()
    wanted = set(sizes)
    for leaf in leaves_from_contents():
        if not wanted:
            break
        tree.append(UNREADABLE_LEAF if leaf is None else leaf)
        if tree.size in wanted:
            wanted.discard(tree.size)
            roots[tree.size] = tree.root().hex()
    return roots, tree.size


def _compare(
    held: list[HeldHead],
    keys: Mapping[str, Ed25519PublicKey],
    restores: list[Restore],
    epochs: Mapping[str, int],
) -> tuple[list[Disagreement], list[Acknowledged]]:
    """Disagreements between the heads held and the log recomputed from its events, and the
    heads whose loss in a restore the log and the node both record."""
    found: list[Disagreement] = []
    acknowledged: list[Acknowledged] = []

    def restore_for(item: HeldHead) -> Restore | None:
        return next((r for r in restores if r.covers(item)), None)

    signed = []
    for item in held:
        head = item.head
        key = keys.get(head.key_id)
        if key is None or not head.signed_by(key):
            found.append(
                _disagree(
                    item,
                    None,
                    f"node {item.node} holds a head for size {head.tree_size} that this hub's "
                    "audit key did not sign: not evidence against the log, but the node's "
                    "witness record cannot be trusted",
                )
            )
        else:
            signed.append(item)
    roots, log_size = roots_at({item.head.tree_size for item in signed})
    for item in signed:
        head, root = item.head, roots.get(item.head.tree_size)
        if item.status != WitnessStatus.ACCEPTED:
            restore = next(
                (r for r in restores if r.node == item.node and item.epoch < r.epoch), None
            )
            if (
                restore is not None
                and root == head.root_hash
                and epochs.get(item.node, 0) >= restore.epoch
            ):
                acknowledged.append(
                    _acknowledge(
                        item,
                        restore,
                        f"node {item.node} refused the head for size {head.tree_size} before "
                        f"it recorded the restore (event {restore.event}); the log agrees with it",
                    )
                )
                continue
            found.append(
                _disagree(
                    item,
                    None,
                    f"node {item.node} refused the hub's signed head for size {head.tree_size}: "
                    f"{item.reason or item.status}",
                )
            )
            continue
        if root == head.root_hash:
            continue
        if root is None:
            problem = (
                f"node {item.node} witnessed a head for size {head.tree_size} (signed "
                f"{_when(head.timestamp)}), but the log now ends at event {log_size}: events "
                "were removed from the end, or the hub was restored from an older backup (the "
                "log is behind what the node witnessed)"
            )
        else:
            problem = (
                f"node {item.node} witnessed root {head.root_hash[:16]}… for size "
                f"{head.tree_size} (signed {_when(head.timestamp)}), but the log now has root "
                f"{root[:16]}… at that size: events up to {head.tree_size} were altered since"
            )
        restore = restore_for(item)
        if restore is None:
            found.append(_disagree(item, root, problem))
        elif epochs.get(item.node, 0) < restore.epoch:
            found.append(
                _disagree(
                    item,
                    root,
                    f"{problem}; the log records the loss (event {restore.event}) but node "
                    f"{item.node} has not recorded the restore: run `fame audit reconcile` again",
                )
            )
        else:
            acknowledged.append(
                _acknowledge(
                    item,
                    restore,
                    f"node {item.node} witnessed events up to {restore.lost_size} (signed "
                    f"{restore.lost_signed or 'before the restore'}); events "
                    f"{restore.kept_size + 1} to {restore.lost_size} of that history were lost "
                    f"in a restore, recorded as event {restore.event} and by the node",
                )
            )
    found.sort(key=lambda d: (d.node, d.tree_size))
    acknowledged.sort(key=lambda a: (a.node, a.tree_size))
    return found, acknowledged


def _acknowledge(item: HeldHead, restore: Restore, problem: str) -> Acknowledged:
    return Acknowledged(item.node, item.head.tree_size, item.head.root_hash, restore.event, problem)


def _disagree(item: HeldHead, hub_root: str | None, problem: str) -> Disagreement:
    return Disagreement(item.node, item.head.tree_size, item.head.root_hash, hub_root, problem)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
