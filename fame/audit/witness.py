"""A node witnesses the hub's audit log: it keeps the signed tree heads the hub sends.

A head is kept only if it is signed by a hub audit key this node trusts
(``fame audit trust``) and is consistent with the latest head already kept:
the hub proves that one tree is a prefix of the other (RFC 6962), the node
checks the proof. A head that contradicts an earlier one is refused, kept as
evidence and audited. ``fame audit verify --witnesses`` on the hub later asks
each node for what it kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction

from fame.audit._canonical import tree_head_message, utc_timestamp
from fame.audit._merkle import leaf_hash, merkle_root, verify_consistency
from fame.audit.actions import record_event
from fame.audit.models import Outcome, TrustedLogKey, WitnessedTreeHead, WitnessStatus
from fame.audit.signing import key_id_for, verify_signature
from fame.federation.keys import key_from_register, load_public_pem

CONSISTENCY_PATH = "/federation/v1/hub/audit/consistency"
PROOF_TIMEOUT = 10.0
"""The hub hashes every leaf up to the larger size to make a proof: allow it some time."""

HEX64 = frozenset("0123456789abcdef")


class WitnessRefused(Exception):
    """The head was not kept: bad (400), not trusted (403), inconsistent (409), unchecked (424)."""

    def __init__(self, reason: str, *, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class ProofUnavailable(Exception):
    """The hub gave no consistency proof. ``evidence``: it said it cannot make one."""

    def __init__(self, reason: str, *, evidence: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.evidence = evidence


ProofSource = Callable[[int, int], list[bytes]]
"""Given (first, second) sizes, the hub's consistency proof between them."""


@dataclass(frozen=True)
class SignedTreeHead:
    """A tree head as it travels between hub and node."""

    tree_size: int
    root_hash: str
    timestamp: datetime
    signature: str
    key_id: str

    @classmethod
    def from_json(cls, data: Any) -> SignedTreeHead:
        """Read a head sent as JSON, or raise ``WitnessRefused`` (400) saying what is wrong."""
        if not isinstance(data, dict):
            raise WitnessRefused(_SHAPE, status=400)
        size, root, stamp = data.get("tree_size"), data.get("root_hash"), data.get("timestamp")
        signature, key_id = data.get("signature"), data.get("key_id")
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise WitnessRefused(
                f"tree_size must be a whole number of at least 1. {_SHAPE}", status=400
            )
        if not _is_hex(root, 64) or not _is_hex(signature, 128) or not _is_hex(key_id, 16):
            raise WitnessRefused(
                "root_hash, signature and key_id must be lower-case hex of 64, 128 and 16 "
                f"digits. {_SHAPE}",
                status=400,
            )
        try:
            timestamp = datetime.fromisoformat(str(stamp))
        except ValueError:
            timestamp = None
        if timestamp is None or timestamp.tzinfo is None:
            raise WitnessRefused(
                f"timestamp must be ISO 8601 with a time zone. {_SHAPE}", status=400
            )
        return cls(size, str(root), timestamp, str(signature), str(key_id))

    def as_json(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": utc_timestamp(self.timestamp),
            "signature": self.signature,
            "key_id": self.key_id,
        }

    def signed_by(self, key: Ed25519PublicKey) -> bool:
        message = tree_head_message(
            tree_size=self.tree_size, timestamp=self.timestamp, root_hash=self.root_hash
        )
        return verify_signature(key, bytes.fromhex(self.signature), message)


_SHAPE = "Send {tree_size, root_hash, timestamp, signature, key_id}: the hub's signed tree head."


def sign_tree_head(
    entries: Sequence[bytes], *, private_key: Ed25519PrivateKey, timestamp: datetime
) -> SignedTreeHead:
    """A tree head over ``entries`` (each entry's bytes), signed as the hub signs its own
    (``record_event``); the demonstrator shows one made with a throwaway key."""
    root = merkle_root([leaf_hash(entry) for entry in entries]).hex()
    message = tree_head_message(tree_size=len(entries), timestamp=timestamp, root_hash=root)
    public = private_key.public_key()
    signature = private_key.sign(message).hex()
    return SignedTreeHead(len(entries), root, timestamp, signature, key_id_for(public))


def _is_hex(value: Any, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and set(value) <= HEX64


@dataclass(frozen=True)
class Witnessed:
    """What became of a head the node accepted."""

    status: str  # "accepted" or "already witnessed"
    tree_size: int
    checked_against: int | None


def witness_tree_head(head: SignedTreeHead, *, proofs: ProofSource) -> Witnessed:
    """Keep ``head`` if it is the hub's and consistent with what this node witnessed before.

    Raises ``WitnessRefused``: a head not signed by a trusted hub audit key (403)
    or inconsistent with the latest kept head (409, kept as evidence) is audited.
    """
    key = _trusted_key(head.key_id)
    if key is None:
        _refuse(
            head,
            f"it is signed by key {head.key_id}, which this node does not trust for the hub's "
            "audit log (run `fame audit trust` with the hub's audit public key)",
            status=403,
        )
    if not head.signed_by(key):
        _refuse(head, "its signature does not verify with the hub's audit key", status=403)

    same_size = _accepted().filter(tree_size=head.tree_size).first()
    if same_size is not None:
        if same_size.root_hash == head.root_hash:
            return Witnessed("already witnessed", head.tree_size, same_size.tree_size)
        _keep_inconsistent(
            head,
            f"this node witnessed a different root for size {head.tree_size} before",
            against=same_size.tree_size,
            proof=[],
        )
    latest = _accepted().order_by("-tree_size").first()
    proof: list[bytes] = []
    if latest is not None:
        proof = _check_consistency(head, latest, proofs)
    try:
        with transaction.atomic():
            # Witness one head at a time: the trusted key's row is the lock.
            TrustedLogKey.objects.select_for_update().filter(key_id=head.key_id).first()
            now_latest = _accepted().order_by("-tree_size").first()
            if now_latest != latest:
                raise WitnessRefused(
                    "another head was witnessed while this one was checked; send it again",
                    status=424,
                )
            _store(head, WitnessStatus.ACCEPTED, against=latest, proof=proof)
    except IntegrityError:  # the same head arrived twice at once
        raise WitnessRefused(
            "another head was witnessed while this one was checked; send it again", status=424
        ) from None
    return Witnessed("accepted", head.tree_size, latest.tree_size if latest else None)


def _check_consistency(
    head: SignedTreeHead, latest: WitnessedTreeHead, proofs: ProofSource
) -> list[bytes]:
    """The hub's proof that ``head`` and ``latest`` lie on one history; refuse if not."""
    older, newer = sorted([(head.tree_size, head.root_hash), (latest.tree_size, latest.root_hash)])
    try:
        proof = proofs(older[0], newer[0])
    except ProofUnavailable as missing:
        if missing.evidence:
            _keep_inconsistent(
                head,
                f"the hub could not prove it consistent with the head for size "
                f"{latest.tree_size} witnessed before: {missing.reason}",
                against=latest.tree_size,
                proof=[],
            )
        raise WitnessRefused(
            f"it could not be checked against the head for size {latest.tree_size} witnessed "
            f"before: {missing.reason}",
            status=424,
        ) from None
    if not verify_consistency(
        older[0], newer[0], bytes.fromhex(older[1]), bytes.fromhex(newer[1]), proof
    ):
        _keep_inconsistent(
            head,
            f"the hub's proof does not show it consistent with the head for size "
            f"{latest.tree_size} witnessed before: the log was rewritten",
            against=latest.tree_size,
            proof=proof,
        )
    return proof


def _accepted() -> Any:
    return WitnessedTreeHead.objects.filter(status=WitnessStatus.ACCEPTED)


def _trusted_key(key_id: str) -> Ed25519PublicKey | None:
    entry = TrustedLogKey.objects.filter(key_id=key_id).first()
    return key_from_register(entry.public_key if entry else None)


def _store(
    head: SignedTreeHead,
    status: str,
    *,
    against: WitnessedTreeHead | int | None,
    proof: list[bytes],
    reason: str = "",
) -> None:
    WitnessedTreeHead(
        tree_size=head.tree_size,
        root_hash=head.root_hash,
        timestamp=head.timestamp,
        signature=head.signature,
        key_id=head.key_id,
        status=status,
        reason=reason,
        checked_against=against.tree_size if isinstance(against, WitnessedTreeHead) else against,
        proof=[node.hex() for node in proof],
    ).save()


def _keep_inconsistent(
    head: SignedTreeHead, reason: str, *, against: int, proof: list[bytes]
) -> NoReturn:
    """Keep the head as evidence, audit the refusal, and refuse it (409)."""
    with transaction.atomic():
        _store(head, WitnessStatus.INCONSISTENT, against=against, proof=proof, reason=reason)
        _audit_refusal("audit.witness_inconsistent", head, reason)
    raise WitnessRefused(f"refused as inconsistent: {reason}", status=409)


def _refuse(head: SignedTreeHead, reason: str, *, status: int) -> NoReturn:
    _audit_refusal("audit.witness_refused", head, reason)
    raise WitnessRefused(f"refused: {reason}", status=status)


def _audit_refusal(action: str, head: SignedTreeHead, reason: str) -> None:
    record_event(
        action,
        target=f"tree-head:{head.tree_size}",
        outcome=Outcome.REFUSED,
        details={
            "reason": reason,
            "tree_size": head.tree_size,
            "root_hash": head.root_hash,
            "key_id": head.key_id,
        },
    )


def witnessed_heads(*, after: int = 0, limit: int = 1000) -> list[WitnessedTreeHead]:
    """Heads kept on this node (accepted and refused), in the order received, after id ``after``."""
    return list(WitnessedTreeHead.objects.filter(id__gt=after).order_by("id")[:limit])


def trust_log_key(*, public_key: str, name: str = "hub", by: str = "cli") -> TrustedLogKey:
    """Witness the audit log signed by ``public_key`` (the hub's audit key). Audited."""
    key_id = key_id_for(load_public_pem(public_key))
    with transaction.atomic():
        entry = TrustedLogKey.objects.select_for_update().filter(key_id=key_id).first()
        if entry is not None and entry.name == name:
            return entry  # trusted already: nothing to change or audit
        entry, _ = TrustedLogKey.objects.update_or_create(
            key_id=key_id, defaults={"name": name, "public_key": public_key}
        )
        record_event(
            "audit.log_key_trusted",
            target=f"key:{name}",
            details={"key_id": key_id, "by": by},
        )
    return entry
