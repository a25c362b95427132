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
from django.utils import timezone

from fame.audit._canonical import restore_message, tree_head_message, utc_timestamp
from fame.audit._merkle import leaf_hash, merkle_root, verify_consistency
from fame.audit.actions import record_event
from fame.audit.models import (
    AuditEvent,
    Outcome,
    TrustedLogKey,
    WitnessedRestore,
    WitnessedTreeHead,
    WitnessStatus,
)
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


@dataclass(frozen=True)
class _Base:
    """What a new head must extend: the latest head accepted in this epoch, or the head a
    recorded restore named as the one the log goes on from."""

    tree_size: int
    root_hash: str


def current_epoch() -> int:
    """Restores recorded on this node: heads accepted from now on belong to this epoch."""
    latest = WitnessedRestore.objects.order_by("-epoch").first()
    return latest.epoch if latest is not None else 0


def _epoch_base(epoch: int) -> _Base | None:
    restore = WitnessedRestore.objects.filter(epoch=epoch).first()
    if restore is None or restore.restored_size == 0:
        return None
    return _Base(restore.restored_size, restore.restored_root)


def epoch_base_size(epoch: int) -> int:
    """The size of the head epoch ``epoch`` goes on from (0: the log's start)."""
    base = _epoch_base(epoch)
    return base.tree_size if base is not None else 0


def _latest(epoch: int) -> _Base | None:
    head = _accepted(epoch).order_by("-tree_size").first()
    if head is not None:
        return _Base(head.tree_size, head.root_hash)
    return _epoch_base(epoch)


def witness_tree_head(head: SignedTreeHead, *, proofs: ProofSource) -> Witnessed:
    """Keep ``head`` if it is the hub's and consistent with what this node witnessed before.

    Raises ``WitnessRefused``: a head not signed by a trusted hub audit key (403)
    or inconsistent with the latest kept head (409, kept as evidence) is audited.
    Since a recorded restore (``witness_restore``), "before" means since the restore:
    heads chain from the restored head.
    """
    _trusted_signature(
        head.key_id, head.signed_by, lambda why, code: _refuse(head, why, status=code)
    )
    epoch = current_epoch()
    same_size: WitnessedTreeHead | _Base | None = (
        _accepted(epoch).filter(tree_size=head.tree_size).first()
    )
    base = _epoch_base(epoch)
    if same_size is None and base is not None and base.tree_size == head.tree_size:
        same_size = base
    if same_size is not None:
        if same_size.root_hash == head.root_hash:
            return Witnessed("already witnessed", head.tree_size, same_size.tree_size)
        _keep_inconsistent(
            head,
            f"this node witnessed a different root for size {head.tree_size} before",
            against=same_size.tree_size,
            proof=[],
            epoch=epoch,
        )
    latest = _latest(epoch)
    proof: list[bytes] = []
    if latest is not None:
        proof = _check_consistency(head, latest, proofs, epoch=epoch)
    try:
        with transaction.atomic():
            # Witness one head at a time: the trusted key's row is the lock.
            _still_trusted(head.key_id)
            if current_epoch() != epoch or _latest(epoch) != latest:
                raise WitnessRefused(
                    "another head was witnessed while this one was checked; send it again",
                    status=424,
                )
            _store(head, WitnessStatus.ACCEPTED, against=latest, proof=proof, epoch=epoch)
    except IntegrityError:  # the same head arrived twice at once
        raise WitnessRefused(
            "another head was witnessed while this one was checked; send it again", status=424
        ) from None
    return Witnessed("accepted", head.tree_size, latest.tree_size if latest else None)


def _trusted_signature(
    key_id: str,
    signed_by: Callable[[Ed25519PublicKey], bool],
    refuse: Callable[[str, int], NoReturn],
) -> None:
    """Refuse (403, audited by ``refuse``) what no hub audit key this node trusts signed."""
    entry = TrustedLogKey.objects.filter(key_id=key_id).first()
    key = key_from_register(entry.public_key if entry else None)
    if entry is None or key is None:
        refuse(
            f"it is signed by key {key_id}, which this node does not trust for the hub's "
            "audit log (run `fame audit trust` with the hub's audit public key)",
            403,
        )
    if entry.revoked_at is not None:
        refuse(_revoked(entry), 403)
    if not signed_by(key):
        refuse("its signature does not verify with the hub's audit key", 403)


def _check_consistency(
    head: SignedTreeHead, latest: _Base, proofs: ProofSource, *, epoch: int
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
                epoch=epoch,
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
            epoch=epoch,
        )
    return proof


def _accepted(epoch: int | None = None) -> Any:
    heads = WitnessedTreeHead.objects.filter(status=WitnessStatus.ACCEPTED)
    return heads if epoch is None else heads.filter(epoch=epoch)


def _revoked(entry: TrustedLogKey) -> str:
    when = entry.revoked_at.strftime("%Y-%m-%d %H:%M UTC") if entry.revoked_at else ""
    return (
        f"it is signed by key {entry.key_id}, which this node revoked {when}: "
        f"{entry.revoked_reason}"
    )


def _still_trusted(key_id: str) -> None:
    """Inside the transaction that stores what ``key_id`` signed: lock its row (one head at
    a time) and refuse if it was revoked since it was checked."""
    entry = TrustedLogKey.objects.select_for_update().filter(key_id=key_id).first()
    if entry is not None and entry.revoked_at is not None:
        raise WitnessRefused(_revoked(entry), status=403)


def _store(
    head: SignedTreeHead,
    status: str,
    *,
    against: _Base | int | None,
    proof: list[bytes],
    epoch: int,
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
        checked_against=against.tree_size if isinstance(against, _Base) else against,
        proof=[node.hex() for node in proof],
        epoch=epoch,
    ).save()


def _keep_inconsistent(
    head: SignedTreeHead, reason: str, *, against: int, proof: list[bytes], epoch: int
) -> NoReturn:
    """Keep the head as evidence, audit the refusal, and refuse it (409)."""
    with transaction.atomic():
        _store(
            head,
            WitnessStatus.INCONSISTENT,
            against=against,
            proof=proof,
            epoch=epoch,
            reason=reason,
        )
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


@dataclass(frozen=True)
class RestoreStatement:
    """The hub's signed word that a node's witnessed history after ``kept_size``, up to the
    head (``lost_size``, ``lost_root``), was lost in a restore, and that the log goes on
    from the head (``restored_size``, ``restored_root``) (ADR 0045)."""

    epoch: int
    kept_size: int
    lost_size: int
    lost_root: str
    restored_size: int
    restored_root: str
    timestamp: datetime
    signature: str
    key_id: str

    @classmethod
    def from_json(cls, data: Any) -> RestoreStatement:
        """Read a statement sent as JSON, or raise ``WitnessRefused`` (400) saying what is wrong."""
        shape = (
            "Send {epoch, kept_size, lost_size, lost_root, restored_size, restored_root, "
            "timestamp, signature, key_id}: the hub's signed restore statement."
        )
        if not isinstance(data, dict):
            raise WitnessRefused(shape, status=400)
        sizes = [data.get(name) for name in ("epoch", "kept_size", "lost_size", "restored_size")]
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in sizes):
            raise WitnessRefused(f"epoch and the sizes must be whole numbers. {shape}", status=400)
        epoch, kept, lost, restored = (int(n) for n in sizes)  # type: ignore[arg-type]
        if epoch < 1 or not kept < lost or restored < kept:
            raise WitnessRefused(
                "a restore statement needs epoch >= 1, kept_size < lost_size and "
                f"restored_size >= kept_size. {shape}",
                status=400,
            )
        texts = [data.get(name) for name in ("lost_root", "restored_root", "signature", "key_id")]
        if not all(_is_hex(t, n) for t, n in zip(texts, (64, 64, 128, 16), strict=True)):
            raise WitnessRefused(
                f"the roots, signature and key_id must be lower-case hex. {shape}", status=400
            )
        try:
            timestamp = datetime.fromisoformat(str(data.get("timestamp")))
        except ValueError:
            timestamp = None
        if timestamp is None or timestamp.tzinfo is None:
            raise WitnessRefused(
                f"timestamp must be ISO 8601 with a time zone. {shape}", status=400
            )
        lost_root, restored_root, signature, key_id = (str(t) for t in texts)
        return cls(
            epoch, kept, lost, lost_root, restored, restored_root, timestamp, signature, key_id
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "epoch": self.epoch,
            "kept_size": self.kept_size,
            "lost_size": self.lost_size,
            "lost_root": self.lost_root,
            "restored_size": self.restored_size,
            "restored_root": self.restored_root,
            "timestamp": utc_timestamp(self.timestamp),
            "signature": self.signature,
            "key_id": self.key_id,
        }

    def message(self) -> bytes:
        return restore_message(
            epoch=self.epoch,
            kept_size=self.kept_size,
            lost_size=self.lost_size,
            lost_root=self.lost_root,
            restored_size=self.restored_size,
            restored_root=self.restored_root,
            timestamp=self.timestamp,
        )

    def signed_by(self, key: Ed25519PublicKey) -> bool:
        return verify_signature(key, bytes.fromhex(self.signature), self.message())


def witness_restore(statement: RestoreStatement, *, proofs: ProofSource) -> Witnessed:
    """Record the hub's restore statement once this node has checked it; later heads then
    chain from the restored head. Refused (``WitnessRefused``, audited) unless signed by a
    trusted hub audit key, naming this node's latest accepted head as the one lost, naming
    as kept a head this node accepted, and with the hub's proof that the restored head
    extends the kept one."""

    def refuse(reason: str, status: int) -> NoReturn:
        _audit_restore("audit.witness_restore_refused", statement, reason, Outcome.REFUSED)
        raise WitnessRefused(f"restore statement refused: {reason}", status=status)

    _trusted_signature(statement.key_id, statement.signed_by, refuse)
    epoch = current_epoch()
    recorded = WitnessedRestore.objects.filter(epoch=statement.epoch).first()
    if recorded is not None and recorded.signature == statement.signature:
        return Witnessed("already witnessed", statement.restored_size, recorded.kept_size)
    if statement.epoch <= epoch:
        refuse(f"this node already recorded a restore for epoch {epoch}", 409)
    latest = _accepted(epoch).order_by("-tree_size").first()
    if latest is None or (latest.tree_size, latest.root_hash) != (
        statement.lost_size,
        statement.lost_root,
    ):
        held = f"size {latest.tree_size}" if latest is not None else "none"
        refuse(
            f"it names the head for size {statement.lost_size} as the latest this node "
            f"witnessed, and this node's latest is {held}",
            409,
        )
    kept: WitnessedTreeHead | _Base | None = None
    if statement.kept_size:
        kept = _accepted(epoch).filter(tree_size=statement.kept_size).first()
        base = _epoch_base(epoch)
        if kept is None and base is not None and base.tree_size == statement.kept_size:
            kept = base
        if kept is None:
            refuse(f"this node holds no head for size {statement.kept_size} to keep", 409)
        _check_restored(statement, _Base(kept.tree_size, kept.root_hash), proofs, refuse)
    with transaction.atomic():
        _still_trusted(statement.key_id)
        if current_epoch() != epoch:
            raise WitnessRefused(
                "another restore was recorded meanwhile; send it again", status=424
            )
        WitnessedRestore(
            epoch=statement.epoch,
            kept_size=statement.kept_size,
            lost_size=statement.lost_size,
            lost_root=statement.lost_root,
            restored_size=statement.restored_size,
            restored_root=statement.restored_root,
            timestamp=statement.timestamp,
            signature=statement.signature,
            key_id=statement.key_id,
        ).save()
        _audit_restore("audit.witness_restore_recorded", statement, "", Outcome.SUCCESS)
    return Witnessed("accepted", statement.restored_size, statement.kept_size)


def _check_restored(
    statement: RestoreStatement,
    kept: _Base,
    proofs: ProofSource,
    refuse: Callable[[str, int], NoReturn],
) -> None:
    """The restored head must extend the head this node keeps: the hub proves it."""
    if statement.restored_size == kept.tree_size:
        if statement.restored_root != kept.root_hash:
            refuse(f"its restored head differs from the head for size {kept.tree_size}", 409)
        return
    try:
        proof = proofs(kept.tree_size, statement.restored_size)
    except ProofUnavailable as missing:
        status = 409 if missing.evidence else 424
        refuse(
            f"the hub did not prove the restored head extends size {kept.tree_size}: "
            f"{missing.reason}",
            status,
        )
    if not verify_consistency(
        kept.tree_size,
        statement.restored_size,
        bytes.fromhex(kept.root_hash),
        bytes.fromhex(statement.restored_root),
        proof,
    ):
        refuse(
            f"the hub's proof does not show the restored head extends size {kept.tree_size}", 409
        )


def _audit_restore(action: str, statement: RestoreStatement, reason: str, outcome: str) -> None:
    details: dict[str, Any] = {
        key: value for key, value in statement.as_json().items() if key != "signature"
    }
    if reason:
        details["reason"] = reason
    record_event(action, target=f"restore:{statement.epoch}", outcome=outcome, details=details)


def witnessed_heads(*, after: int = 0, limit: int = 1000) -> list[WitnessedTreeHead]:
    """Heads kept on this node (accepted and refused), in the order received, after id ``after``."""
    return list(WitnessedTreeHead.objects.filter(id__gt=after).order_by("id")[:limit])


def trust_log_key(*, public_key: str, name: str = "hub", by: str = "cli") -> TrustedLogKey:
    """Witness the audit log signed by ``public_key`` (the hub's audit key). Audited."""
    key_id = key_id_for(load_public_pem(public_key))
    with transaction.atomic():
        entry = TrustedLogKey.objects.select_for_update().filter(key_id=key_id).first()
        if entry is not None and entry.revoked_at is not None:
            raise RevokedKeyError(
                f"Key {key_id} was revoked on this node ({entry.revoked_reason}) and is "
                "never trusted again: trust the hub's new audit key instead."
            )
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


class RevokedKeyError(ValueError):
    """A revoked audit key was asked to be trusted, or there is no such key to revoke."""


def revoke_log_key(*, key_id: str, reason: str, by: str = "cli") -> list[TrustedLogKey]:
    """On a node: stop witnessing what ``key_id`` signs (the hub lost it, or it may be
    stolen); the keys revoked, ``key_id``'s first. Audited.

    Heads it signed before stay as witnessed. Every key this node came to trust through
    a hand-over that ``key_id`` signed is revoked with it (and so on down the chain): a
    hand-over signed by a stolen key proves nothing. Trust the hub's new key by hand
    (``trust_log_key``). Raises ``RevokedKeyError`` for a key this node does not trust.
    """
    if not reason.strip():
        raise RevokedKeyError("Say why the key is revoked (--reason): it goes in the audit log.")
    revoked: list[TrustedLogKey] = []
    with transaction.atomic():
        first = TrustedLogKey.objects.select_for_update().filter(key_id=key_id).first()
        if first is None:
            known = ", ".join(TrustedLogKey.objects.values_list("key_id", flat=True)) or "none"
            raise RevokedKeyError(
                f"This node does not trust an audit key {key_id!r} (keys it trusts: {known})."
            )
        waiting: list[tuple[TrustedLogKey, str]] = [(first, "")]
        while waiting:
            entry, handed_over_by = waiting.pop(0)
            if entry.revoked_at is None:
                entry.revoked_at = timezone.now()
                entry.revoked_reason = (
                    f"handed over by revoked key {handed_over_by}: {reason}"
                    if handed_over_by
                    else reason
                )
                entry.save(update_fields=["revoked_at", "revoked_reason"])
                revoked.append(entry)
                record_event(
                    "audit.log_key_revoked",
                    target=f"key:{entry.name}",
                    details={"key_id": entry.key_id, "reason": entry.revoked_reason, "by": by},
                )
            handed = AuditEvent.objects.filter(
                action="audit.log_key_trusted", details__by=f"hand-over from {entry.key_id}"
            ).values_list("details__key_id", flat=True)
            for child in TrustedLogKey.objects.select_for_update().filter(key_id__in=list(handed)):
                if child.revoked_at is None:
                    waiting.append((child, entry.key_id))
    return revoked
