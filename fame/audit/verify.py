"""Checking the audit log: recompute every leaf and root, check every signature.

``check_log`` is pure (it takes rows and keys); ``verify_audit_log`` feeds it
from the database in one streaming pass. Both stop at the first problem and
name the event it concerns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db.models import Max

from fame.audit._canonical import EVENT_FIELDS, event_bytes, tree_head_message
from fame.audit._merkle import CompactTree, leaf_hash
from fame.audit.models import AuditEvent, LogState, TreeHead
from fame.audit.signing import MissingKeyError, existing_public_key, key_id_for, verify_signature

Progress = Callable[[Iterable[Any], int], Iterable[Any]]


@dataclass(frozen=True)
class Problem:
    message: str
    first_bad_event: int | None


@dataclass(frozen=True)
class VerificationResult:
    """What ``fame audit verify`` found. ``root`` is the recomputed root of the events checked."""

    intact: bool
    events: int
    tree_heads: int
    root: str
    problem: str | None
    first_bad_event: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Head:
    tree_size: int
    root_hash: str
    timestamp: datetime
    signature: str
    key_id: str


_HEAD_FIELDS = tuple(f.name for f in fields(_Head))


# What reading a row back raises when an attacker stored a value of the wrong
# type (SQLite keeps whatever it is given).
_UNREADABLE = (AttributeError, KeyError, OverflowError, TypeError, ValueError)


class _Found(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def check_log(
    events: Iterable[Mapping[str, Any]],
    heads: Iterable[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
    *,
    state: Mapping[str, Any] | None = None,
) -> tuple[Problem | None, CompactTree]:
    """Check events (ordered by seq) against signed tree heads (ordered by size).

    Returns the first problem found (or None) and the tree recomputed so far.
    One pass, O(log n) work per event beyond the hashing and signature checks.
    """
    tree = CompactTree()
    try:
        _walk(iter(events), iter(heads), public_keys, tree)
    except _Found as found:
        return found.problem, tree
    if state is not None:
        return _check_state(state, tree), tree
    return None, tree


def _walk(
    events: Iterator[Mapping[str, Any]],
    heads: Iterator[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
    tree: CompactTree,
) -> None:
    """Append each recomputed leaf to ``tree``, checking heads as their size is reached."""
    last_good_head = 0
    head = _next_head(heads, after=0)
    while (leaf := _next_leaf(events, tree)) is not None:
        tree.append(leaf)
        while head is not None and head.tree_size <= tree.size:
            _check_head(head, tree, public_keys, last_good_head)
            last_good_head = head.tree_size
            head = _next_head(heads, after=last_good_head)
        if last_good_head != tree.size:
            raise _Found(
                Problem(
                    f"the signed tree head for size {tree.size} is missing: it was deleted, "
                    f"so event {tree.size} can no longer be vouched for",
                    tree.size,
                )
            )
    if head is not None:
        _check_signature(head, public_keys)
        missing = tree.size + 1
        raise _Found(
            Problem(
                f"event {missing} is missing: the signed tree head for size {head.tree_size} "
                f"vouches for events up to {head.tree_size} but the log ends at event "
                f"{tree.size}, so events were deleted from the end",
                missing,
            )
        )


def _next_leaf(events: Iterator[Mapping[str, Any]], tree: CompactTree) -> bytes | None:
    """The next event's recomputed leaf hash, once its sequence number and hash check out."""
    expected = tree.size + 1
    try:
        row = next(events, None)
        if row is None:
            return None
        seq = row["seq"]
        if seq != expected:
            raise _Found(_sequence_problem(expected, seq))
        recomputed = leaf_hash(event_bytes(**{f: row[f] for f in EVENT_FIELDS}))
    except _UNREADABLE as error:
        raise _Found(
            Problem(
                f"event {expected} was altered so that it can no longer be read ({error})", expected
            )
        ) from error
    if recomputed.hex() != row["leaf_hash"]:
        raise _Found(
            Problem(f"event {seq} was altered: its contents do not match its leaf hash", seq)
        )
    return recomputed


def _next_head(heads: Iterator[Mapping[str, Any]], *, after: int) -> _Head | None:
    try:
        row = next(heads, None)
        return None if row is None else _Head(**{f: row[f] for f in _HEAD_FIELDS})
    except _UNREADABLE as error:
        raise _Found(
            Problem(
                f"the tree head after size {after} was altered so that it can no longer be "
                f"read ({error})",
                after + 1,
            )
        ) from error


def verify_audit_log(*, progress: Progress | None = None) -> VerificationResult:
    """Verify the stored audit log. ``progress`` may wrap the event stream (e.g. tqdm).

    Safe to run while events are being recorded: it checks the log up to the
    size it had when the check began, and ignores appends made since.
    """
    try:
        size, state = _size_to_check()
    except _UNREADABLE as error:
        return VerificationResult(
            intact=False,
            events=AuditEvent.objects.count(),
            tree_heads=TreeHead.objects.count(),
            root="",
            problem=f"the audit log was altered so that it can no longer be read ({error})",
            first_bad_event=None,
        )
    events_query = AuditEvent.objects.filter(seq__lte=size).order_by("seq")
    heads_query = TreeHead.objects.filter(tree_size__lte=size).order_by("tree_size")
    event_count, head_count = events_query.count(), heads_query.count()

    keys: dict[str, Ed25519PublicKey] = {}
    try:
        public_key = existing_public_key("audit")
        keys[key_id_for(public_key)] = public_key
    except MissingKeyError:
        pass  # every tree head will then be reported as signed by an unknown key

    events: Iterable[Mapping[str, Any]] = events_query.values(*EVENT_FIELDS, "leaf_hash").iterator(
        chunk_size=5000
    )
    if progress is not None:
        events = progress(events, event_count)
    heads = heads_query.values(*_HEAD_FIELDS).iterator(chunk_size=5000)
    problem, tree = check_log(events, heads, keys, state=state)
    return VerificationResult(
        intact=problem is None,
        events=event_count,
        tree_heads=head_count,
        root=tree.root().hex(),
        problem=problem.message if problem else None,
        first_bad_event=problem.first_bad_event if problem else None,
    )


def _size_to_check() -> tuple[int, Mapping[str, Any] | None]:
    """The log size to check, and the running state to compare (None if it moved on).

    Appends are serialised and commit event, tree head and state together, so
    every row up to the largest size seen here is already committed.
    """

    def read_state() -> Mapping[str, Any]:
        row = LogState.objects.filter(pk=LogState.SINGLETON).values().first()
        return row or {"tree_size": 0, "frontier": [], "root_hash": ""}

    state = read_state()
    size = max(
        state["tree_size"],
        AuditEvent.objects.aggregate(n=Max("seq"))["n"] or 0,
        TreeHead.objects.aggregate(n=Max("tree_size"))["n"] or 0,
    )
    if state["tree_size"] < size:
        state = read_state()  # it may have moved on while we looked
    # A state ahead of the checked size belongs to appends made since: not comparable.
    return size, state if state["tree_size"] <= size else None


def _sequence_problem(expected: int, seq: int) -> Problem:
    if seq > expected:
        gap = f"event {expected}" if seq == expected + 1 else f"events {expected} to {seq - 1}"
        verb = "is" if seq == expected + 1 else "are"
        return Problem(
            f"{gap} {verb} missing (sequence jumps from {expected - 1} to {seq})", expected
        )
    return Problem(
        f"event {seq} is out of order or duplicated (expected event {expected} next)", seq
    )


def _check_signature(head: _Head, public_keys: Mapping[str, Ed25519PublicKey]) -> None:
    size = head.tree_size
    key = public_keys.get(head.key_id)
    if key is None:
        raise _Found(
            Problem(
                f"tree head for size {size} is signed by key {head.key_id!r}, which this node "
                "does not hold (the head was altered, or the audit signing key was replaced)",
                size,
            )
        )
    try:
        signature = bytes.fromhex(head.signature)
        message = tree_head_message(
            tree_size=size, timestamp=head.timestamp, root_hash=head.root_hash
        )
    except _UNREADABLE:
        signature, message = b"", b""
    if not verify_signature(key, signature, message):
        raise _Found(
            Problem(f"tree head for size {size} was altered: its signature does not verify", size)
        )


def _check_head(
    head: _Head,
    tree: CompactTree,
    public_keys: Mapping[str, Ed25519PublicKey],
    last_good_head: int,
) -> None:
    size = head.tree_size
    if size <= last_good_head:
        raise _Found(Problem(f"tree head for size {size} is out of order or duplicated", size))
    _check_signature(head, public_keys)
    if head.root_hash != tree.root().hex():
        # Every earlier head matched, so the difference is this event itself.
        raise _Found(
            Problem(
                f"event {size} was altered, replaced or reordered: "
                f"it does not match the signed tree head for size {size}",
                size,
            )
        )


def _check_state(state: Mapping[str, Any], tree: CompactTree) -> Problem | None:
    size = state["tree_size"]
    if size > tree.size:
        return Problem(
            f"event {tree.size + 1} is missing: the log's running state counts events up to "
            f"{size} but the log ends at event {tree.size}, so events were deleted from the end",
            tree.size + 1,
        )
    if size != tree.size or state["frontier"] != tree.frontier_hex():
        return Problem(
            f"the log's running state (size {size}) does not match the {tree.size} events; "
            "new events would be chained onto the wrong tree",
            None,
        )
    return None
