"""`fame audit verify --witnesses`: does the hub's log still have every root the nodes witnessed?

A log checked only against itself cannot see a rewrite that recomputes every
leaf hash, tree head and signature, nor a truncation that rewinds its state
(ADR 3). The nodes keep the heads the hub signed when it signed them, so this
check recomputes the log's root from the events' contents at every size a node
witnessed and names the node and the size where they disagree. Nodes that do
not answer are reported; the check is then incomplete, not passed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fame.audit._merkle import CompactTree, leaf_hash
from fame.audit.models import WitnessStatus
from fame.audit.publish import HUB_KEY_ID
from fame.audit.signing import MissingKeyError, existing_public_key, key_id_for
from fame.audit.verify import leaves_from_contents
from fame.audit.witness import SignedTreeHead, WitnessRefused
from fame.federation import FederationClient, NoResponse, federation_client
from fame.federation.models import FederationNode

WITNESSED_PATH = "/federation/v1/node/audit/witnessed-heads"
LIST_TIMEOUT = 10.0
UNREADABLE_LEAF = leaf_hash(b"fame: an event that can no longer be read")


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


@dataclass
class WitnessReport:
    nodes: list[NodeWitness] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

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
        }


@dataclass(frozen=True)
class _Held:
    node: str
    head: SignedTreeHead
    status: str
    reason: str


def check_witnesses(*, client: FederationClient | None = None) -> WitnessReport:
    """Ask every registered node for the heads it witnessed and check the log against them."""
    client = client or federation_client()
    report = WitnessReport()
    held: list[_Held] = []
    for node in FederationNode.objects.all():
        answer = NodeWitness(node.name)
        report.nodes.append(answer)
        try:
            heads = _fetch(client, node)
        except _NoAnswer as silent:
            answer.status, answer.problem = "no answer", silent.reason
            continue
        accepted = [h for h in heads if h.status == WitnessStatus.ACCEPTED]
        answer.heads = len(accepted)
        answer.latest_size = max((h.head.tree_size for h in accepted), default=None)
        held.extend(heads)
    report.disagreements = _compare(held, _hub_keys())
    for answer in report.nodes:
        mine = [d for d in report.disagreements if d.node == answer.node]
        if mine:
            answer.status, answer.problem = "disagrees", mine[0].problem
    return report


class _NoAnswer(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _fetch(client: FederationClient, node: FederationNode) -> list[_Held]:
    """Every head ``node`` kept, page by page, or ``_NoAnswer`` saying why not."""
    heads: list[_Held] = []
    after = 0
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
            raise _NoAnswer(f"it did not respond ({silent.reason})") from None
        rows = response.data.get("heads")
        if not response.ok or not isinstance(rows, list):
            reason = response.data.get("reason") or response.data.get("error") or ""
            raise _NoAnswer(f"it answered {response.status} {reason}".rstrip())
        try:
            for row in rows:
                heads.append(
                    _Held(
                        node.name,
                        SignedTreeHead.from_json(row),
                        str(row["status"]),
                        str(row.get("reason", "")),
                    )
                )
                after = max(after, int(row["id"]))
        except (KeyError, TypeError, ValueError, WitnessRefused) as error:
            raise _NoAnswer(f"its list of witnessed heads is unreadable ({error})") from None
        if not response.data.get("more") or not rows:
            return heads


def _hub_keys() -> dict[str, Ed25519PublicKey]:
    try:
        key = existing_public_key("audit")
    except MissingKeyError:
        return {}
    return {key_id_for(key): key}


def _compare(held: list[_Held], keys: Mapping[str, Ed25519PublicKey]) -> list[Disagreement]:
    """Disagreements between the heads held and the log recomputed from its events."""
    found: list[Disagreement] = []
    wanted: dict[int, list[_Held]] = defaultdict(list)
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
        elif item.status != WitnessStatus.ACCEPTED:
            found.append(
                _disagree(
                    item,
                    None,
                    f"node {item.node} refused the hub's signed head for size {head.tree_size}: "
                    f"{item.reason or item.status}",
                )
            )
        else:
            wanted[head.tree_size].append(item)

    tree = CompactTree()
    for leaf in leaves_from_contents():
        if not wanted:
            break
        tree.append(UNREADABLE_LEAF if leaf is None else leaf)
        for item in wanted.pop(tree.size, []):
            root = tree.root().hex()
            if root != item.head.root_hash:
                found.append(
                    _disagree(
                        item,
                        root,
                        f"node {item.node} witnessed root {item.head.root_hash[:16]}… for size "
                        f"{item.head.tree_size} (signed {_when(item.head.timestamp)}), but the "
                        f"log now has root {root[:16]}… at that size: events up to "
                        f"{item.head.tree_size} were altered since",
                    )
                )
    for size in sorted(wanted):
        for item in wanted[size]:
            found.append(
                _disagree(
                    item,
                    None,
                    f"node {item.node} witnessed a head for size {size} (signed "
                    f"{_when(item.head.timestamp)}), but the log now ends at event {tree.size}: "
                    "events were removed from the end",
                )
            )
    found.sort(key=lambda d: (d.node, d.tree_size))
    return found


def _disagree(item: _Held, hub_root: str | None, problem: str) -> Disagreement:
    return Disagreement(item.node, item.head.tree_size, item.head.root_hash, hub_root, problem)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
