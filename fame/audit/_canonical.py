"""The exact bytes that are hashed (events) and signed (tree heads).

Both writer and verifier go through these functions, so a change here changes
every hash in the log: treat the formats as fixed, and version any successor.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

TREE_HEAD_CONTEXT = "fame-audit-sth-v1"
RESTORE_CONTEXT = "fame-audit-restore-v1"

EVENT_FIELDS = (
    "seq",
    "time",
    "actor_id",
    "actor_username",
    "organisation",
    "action",
    "target",
    "outcome",
    "details",
)


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, e.g. ``2025-03-01T09:30:00.000000+00:00``."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, ASCII only, no NaN: one byte string per value."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def normalise_details(details: dict[str, Any] | None) -> dict[str, Any]:
    """A JSON round trip, so the stored and hashed details are the same value.

    Floats are refused: databases may hand them back spelt differently (PostgreSQL's
    jsonb turns 1e100 into a long integer), which would break the leaf hash.
    """
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise TypeError(f"details must be a dict, not {type(details).__name__}")
    normalised: dict[str, Any] = json.loads(canonical_json(details))
    _refuse_floats(normalised)
    return normalised


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError(f"audit details cannot hold the number {value!r}: record it as a string")
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    )
    for child in children:
        _refuse_floats(child)


def event_bytes(
    *,
    seq: int,
    time: datetime,
    actor_id: int | None,
    actor_username: str,
    organisation: str,
    action: str,
    target: str,
    outcome: str,
    details: dict[str, Any],
) -> bytes:
    """The canonical bytes of one audit event: the leaf data of the Merkle log."""
    return canonical_json(
        {
            "seq": seq,
            "time": utc_timestamp(time),
            "actor_id": actor_id,
            "actor_username": actor_username,
            "organisation": organisation,
            "action": action,
            "target": target,
            "outcome": outcome,
            "details": details,
        }
    )


def tree_head_message(*, tree_size: int, timestamp: datetime, root_hash: str) -> bytes:
    """What a tree head's Ed25519 signature covers, one field per line."""
    return "\n".join(
        [TREE_HEAD_CONTEXT, str(tree_size), utc_timestamp(timestamp), root_hash, ""]
    ).encode("utf-8")


def restore_message(
    *,
    epoch: int,
    kept_size: int,
    lost_size: int,
    lost_root: str,
    restored_size: int,
    restored_root: str,
    timestamp: datetime,
) -> bytes:
    """What a restore statement's signature covers (ADR 0045): the history a node witnessed
    after ``kept_size`` up to the head (``lost_size``, ``lost_root``) is lost, and the log
    goes on from the head (``restored_size``, ``restored_root``); one field per line."""
    fields = [RESTORE_CONTEXT, str(epoch), str(kept_size), str(lost_size), lost_root]
    fields += [str(restored_size), restored_root, utc_timestamp(timestamp), ""]
    return "\n".join(fields).encode("utf-8")
