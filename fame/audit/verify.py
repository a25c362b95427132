"""Checking the audit log: recompute every leaf and root, check every signature.

``check_log`` is pure (it takes rows and keys); ``verify_audit_log`` feeds the
same walk from the database in one streaming pass, reading each leaf with its
event in chunks through the database cursor (no model per row) and rebuilding
each event's canonical bytes directly. Both stop at the first problem and name
the event it concerns, by its place in the log (``first_bad_event``).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from multiprocessing.pool import Pool
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection
from django.db.models import Max

from fame.audit._canonical import EVENT_FIELDS, event_bytes, tree_head_message
from fame.audit._merkle import LEAF_PREFIX, CompactTree, leaf_hash
from fame.audit.models import AuditEvent, AuditLeaf, LogState, PendingEvent, TreeHead
from fame.audit.rotation import audit_public_keys
from fame.audit.signing import verify_signature

Progress = Callable[[Iterable[Any], int], Iterable[Any]]

CHUNK = 50_000
"""Leaves read from the database at a time."""


@dataclass(frozen=True)
class Problem:
    message: str
    first_bad_event: int | None


@dataclass(frozen=True)
class VerificationResult:
    """What ``fame audit verify`` found. ``root`` is the recomputed root of the events checked.

    ``first_bad_event`` is the place in the log (the leaf) of the first problem.
    """

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
    previous_size: int


_HEAD_FIELDS = tuple(f.name for f in fields(_Head))


# What reading a row back raises when an attacker stored a value of the wrong
# type (SQLite keeps whatever it is given).
_UNREADABLE = (AttributeError, KeyError, OverflowError, TypeError, ValueError)


class _Found(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _event_name(position: int, seq: Any) -> str:
    """An event as the messages name it: its number, and its place in the log if that differs."""
    return f"event {seq}" if seq == position else f"event {seq} (leaf {position} of the log)"


def check_log(
    events: Iterable[Mapping[str, Any]],
    heads: Iterable[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
    *,
    state: Mapping[str, Any] | None = None,
) -> tuple[Problem | None, CompactTree]:
    """Check events (in the log's order) against signed tree heads (ordered by size).

    Each event row holds the event's fields and its stored ``leaf_hash``, and its
    ``position`` in the log (without one, its ``seq`` is its position, as in logs
    written before the sequencer). A head without ``previous_size`` covers one event.
    Returns the first problem found (or None) and the tree recomputed so far.
    One pass, O(log n) work per event beyond the hashing and signature checks.
    """
    tree = CompactTree()
    try:
        _walk(_leaves_of_rows(iter(events), tree), iter(heads), public_keys, tree)
    except _Found as found:
        return found.problem, tree
    if state is not None:
        return _check_state(state, tree), tree
    return None, tree


def _walk(
    leaves: Iterator[bytes],
    heads: Iterator[Mapping[str, Any]],
    public_keys: Mapping[str, Ed25519PublicKey],
    tree: CompactTree,
) -> None:
    """Append each recomputed leaf to ``tree``, checking heads as their size is reached."""
    last_good_head = 0
    head = _next_head(heads, after=0)
    append = tree.append
    for leaf in leaves:
        append(leaf)
        while head is not None and head.tree_size <= tree.size:
            _check_head(head, tree, public_keys, last_good_head)
            last_good_head = head.tree_size
            head = _next_head(heads, after=last_good_head)
    if last_good_head != tree.size:
        raise _Found(
            Problem(
                f"the signed tree head for size {tree.size} is missing: it was deleted, "
                f"so event {tree.size} can no longer be vouched for",
                last_good_head + 1,
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


def _leaves_of_rows(rows: Iterator[Mapping[str, Any]], tree: CompactTree) -> Iterator[bytes]:
    """Each row's recomputed leaf hash, once its place and stored hash check out."""
    while True:
        expected = tree.size + 1
        try:
            row = next(rows, None)
            if row is None:
                return
            seq = row["seq"]
            position = row.get("position", seq)
            if position != expected:
                raise _Found(_position_problem(expected, position, by_seq="position" not in row))
            recomputed = leaf_hash(event_bytes(**{f: row[f] for f in EVENT_FIELDS}))
        except _UNREADABLE as error:
            raise _Found(
                Problem(
                    f"event {expected} was altered so that it can no longer be read ({error})",
                    expected,
                )
            ) from error
        if recomputed.hex() != row["leaf_hash"]:
            raise _Found(
                Problem(
                    f"{_event_name(position, seq)} was altered: "
                    "its contents do not match its leaf hash",
                    position,
                )
            )
        yield recomputed


def _position_problem(expected: int, found: int, *, by_seq: bool) -> Problem:
    one, many = ("event", "events") if by_seq else ("leaf", "leaves")
    of_log = "" if by_seq else " of the log"
    jump = "sequence jumps" if by_seq else "positions jump"
    if found > expected:
        gap = f"{one} {expected}" if found == expected + 1 else f"{many} {expected} to {found - 1}"
        verb = "is" if found == expected + 1 else "are"
        return Problem(
            f"{gap}{of_log} {verb} missing ({jump} from {expected - 1} to {found})", expected
        )
    return Problem(
        f"{one} {found}{of_log} is out of order or duplicated (expected {one} {expected} next)",
        found,
    )


def _next_head(heads: Iterator[Mapping[str, Any]], *, after: int) -> _Head | None:
    try:
        row = next(heads, None)
        if row is None:
            return None
        values = {f: row[f] for f in _HEAD_FIELDS if f != "previous_size"}
        previous = row.get("previous_size")
        return _Head(
            **values, previous_size=values["tree_size"] - 1 if previous is None else previous
        )
    except _UNREADABLE as error:
        raise _Found(
            Problem(
                f"the tree head after size {after} was altered so that it can no longer be "
                f"read ({error})",
                after + 1,
            )
        ) from error


# Reading the log from the database ------------------------------------------------


def verify_audit_log(
    *, progress: Progress | None = None, integrate: bool = True, workers: int = 1
) -> VerificationResult:
    """Verify the stored audit log. ``progress`` may wrap the stream of leaves (e.g. tqdm).

    First integrates the events waiting for the sequencer (unless ``integrate`` is
    False), so that every committed event is checked. Safe to run while events are
    being recorded: it checks the log up to the size it had when the check began.
    """
    if integrate:
        from fame.audit.sequencer import integrate as integrate_waiting

        integrate_waiting()
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
    heads_query = TreeHead.objects.filter(tree_size__lte=size).order_by("tree_size")
    head_count = heads_query.count()
    event_count = AuditLeaf.objects.filter(position__lte=size).count()

    # The current key and those it replaced (ADR 0046); with none, every tree head is
    # reported as signed by an unknown key.
    keys: dict[str, Ed25519PublicKey] = audit_public_keys()

    tree = CompactTree()
    with _checking_processes(workers, size) as pool:
        leaves: Iterable[bytes] = _stored_leaves(size, pool)
        if progress is not None:
            leaves = progress(leaves, size)
        heads = heads_query.values(*_HEAD_FIELDS).iterator(chunk_size=5000)
        try:
            _walk(iter(leaves), heads, keys, tree)
            problem = _check_state(state, tree) if state is not None else None
            problem = problem or _unaccounted_events()
        except _Found as found:
            problem = found.problem
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

    The sequencer commits a batch's leaves, its tree head and the state together,
    and they are read here in that order, so every leaf up to the largest size
    seen here has its head already committed.
    """

    def read_state() -> Mapping[str, Any]:
        row = LogState.objects.filter(pk=LogState.SINGLETON).values().first()
        return row or {"tree_size": 0, "frontier": [], "root_hash": ""}

    state = read_state()
    size = max(
        state["tree_size"],
        AuditLeaf.objects.aggregate(n=Max("position"))["n"] or 0,
        TreeHead.objects.aggregate(n=Max("tree_size"))["n"] or 0,
    )
    if state["tree_size"] < size:
        state = read_state()  # it may have moved on while we looked
    # A state ahead of the checked size belongs to batches integrated since: not comparable.
    return size, state if state["tree_size"] <= size else None


def _stored_leaves(size: int, pool: Pool | None) -> Iterator[bytes]:
    """Leaves 1 to ``size`` recomputed from their events' contents, checked against the stored
    leaf hashes and positions, ``CHUNK`` at a time: in this process, or spread over ``pool``'s
    processes and taken back in the log's order. A chunk's problem is raised once its good
    leaves have been yielded, so it is found where the log reaches it, as one pass would."""
    starts = range(0, size, CHUNK)
    chunks = (
        pool.imap(_checked_chunk, [(start, size) for start in starts])
        if pool is not None
        else (_checked_chunk((start, size)) for start in starts)
    )
    for leaves, problem in chunks:
        yield from (leaves[i : i + 32] for i in range(0, len(leaves), 32))
        if problem is not None:
            raise _Found(problem)
        if not leaves:  # nothing after this point: the walk names what is missing
            return


def _checked_chunk(bounds: tuple[int, int]) -> tuple[bytes, Problem | None]:
    """The recomputed leaves (32 bytes each, joined) of the ``CHUNK`` leaves after
    ``start``, up to the first problem among them, and that problem (or None)."""
    start, size = bounds
    sha256 = hashlib.sha256
    leaves: list[bytes] = []
    keep = leaves.append
    expected = start
    for row in _leaf_rows_after(start, size):
        position, named, stored = row[0], row[1], row[2]
        expected += 1
        if position != expected:
            return b"".join(leaves), _position_problem(expected, position, by_seq=False)
        if row[3] is None:
            return b"".join(leaves), Problem(
                f"{_event_name(position, named)} is missing: "
                "the log holds its leaf but the event was deleted",
                position,
            )
        try:
            data = _row_bytes(row)
        except _UNREADABLE as error:
            return b"".join(leaves), Problem(
                f"{_event_name(position, named)} was altered so that it can no longer "
                f"be read ({error})",
                position,
            )
        recomputed = sha256(LEAF_PREFIX + data).digest()
        if recomputed.hex() != stored:
            return b"".join(leaves), Problem(
                f"{_event_name(position, named)} was altered: "
                "its contents do not match its leaf hash",
                position,
            )
        keep(recomputed)
    return b"".join(leaves), None


def _leaf_rows_after(start: int, size: int) -> list[tuple[Any, ...]]:
    """The leaves at positions ``start`` + 1 to ``start`` + ``CHUNK`` (up to ``size``), as
    ``_leaf_rows`` reads them. A chunk that ends short of its last position also gets the
    leaf that follows the gap, so that a leaf missing at the end of one chunk is noticed
    there, by the position that follows it.

    The chunk is read by its bounds, not as "the next ``CHUNK`` leaves" (``LIMIT``): with
    no statistics on the tables, as after a restore, PostgreSQL read and sorted every leaf
    above ``start`` for each chunk that way (a million events checked in 15 s, not 6)."""
    end = min(start + CHUNK, size)
    with connection.cursor() as cursor:
        cursor.execute(_leaf_query() + _BETWEEN, [start, end])
        rows = cursor.fetchall()
        last = rows[-1][0] if rows else start
        if last < end:
            cursor.execute(_leaf_query() + _BETWEEN + " LIMIT 1", [last, size])
            rows += cursor.fetchall()
        return rows


_BETWEEN = "WHERE l.position > %s AND l.position <= %s ORDER BY l.position"
"""The leaves after one position, up to another, in the log's order (``_leaf_query``'s)."""


def _leaf_query() -> str:
    leaf, event = AuditLeaf._meta.db_table, AuditEvent._meta.db_table
    columns = ", ".join(
        _TIME_AS_TEXT[connection.vendor] if f == "time" else f"e.{connection.ops.quote_name(f)}"
        for f in EVENT_FIELDS
    )
    return (
        f"SELECT l.position, l.seq, l.leaf_hash, {columns} FROM {leaf} l "  # noqa: S608
        f"LEFT JOIN {event} e ON e.seq = l.seq "
    )


@contextmanager
def _checking_processes(workers: int, size: int) -> Iterator[Pool | None]:
    """``workers`` processes to recompute leaves in, or None to do it here: a log of a
    single chunk, or a check inside a transaction (whose rows other connections cannot
    see), is checked in this process. The processes are forked, each opening its own
    connection to the database, and end when the check ends.

    They are let finish the chunks they were given, never stopped with SIGTERM (what
    ``with Pool`` does on leaving): a process stopped while writing its chunk back keeps
    the results queue's lock for ever, and the check hung so when a problem ended it
    early (seen once in a test run)."""
    if workers < 2 or size <= CHUNK or connection.in_atomic_block:
        yield None
        return
    connection.close()  # not shared with the children; opened again here when next used
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        yield pool
    finally:
        pool.close()
        pool.join()


def _leaf_rows(size: int | None) -> Iterator[tuple[Any, ...]]:
    """(position, seq named by the leaf, stored leaf hash, *the event's fields) for leaves
    1 to ``size`` (all if None), in the log's order; the event's fields are None if it
    was deleted. The time comes as text in UTC (``YYYY-MM-DD HH:MM:SS[.ffffff]`` when it
    is well formed), the details as JSON text. Read ``CHUNK`` at a time with a plain cursor."""
    query = _leaf_query() + _BETWEEN
    done = 0
    while size is None or done < size:
        end = done + CHUNK if size is None else min(size, done + CHUNK)
        with connection.cursor() as cursor:
            cursor.execute(query, [done, end])
            rows = cursor.fetchall()
        if not rows:
            return
        yield from rows
        done = end


# The stored time as text, without the driver's conversion to a datetime (the costliest
# part of reading a row): SQLite keeps Django's text, in UTC; PostgreSQL is asked for it.
_TIME_AS_TEXT = {
    "sqlite": "CAST(e.time AS TEXT)",
    "postgresql": "to_char(e.time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
}


def leaves_from_contents() -> Iterator[bytes | None]:
    """Every leaf of the log, in order, recomputed from its event's contents (never the
    stored hash); None for an event deleted or altered so that it can no longer be read."""
    for row in _leaf_rows(None):
        if row[3] is None:
            yield None
            continue
        try:
            yield hashlib.sha256(LEAF_PREFIX + _row_bytes(row)).digest()
        except _UNREADABLE:
            yield None


_string = json.encoder.encode_basestring_ascii  # what canonical_json uses for every string


def _canonical_encoder() -> Callable[[Any], str]:
    """``canonical_json``'s own settings, as text, with the C encoder made once rather than
    for every event (it is what ``json.dumps`` uses underneath)."""
    encoder = json.JSONEncoder(
        sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return encoder.encode
    chunks = make(None, encoder.default, _string, None, ":", ",", True, False, False)
    return lambda value: "".join(chunks(value, 0))


_canonical = _canonical_encoder()
# What json.loads runs, without its wrapping (typeshed does not name the attribute).
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _details(text: str) -> Any:
    """``json.loads(text)``, the same value, by the decoder's scanner alone when the text
    is one JSON value from its first character to its last (as stored)."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        return json.loads(text)  # raises the decoder's own error
    return value if end == len(text) else json.loads(text)


_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?")
_EVENT = (
    '{"action":%s,"actor_id":%s,"actor_username":%s,"details":%s,"organisation":%s,'
    '"outcome":%s,"seq":%d,"target":%s,"time":"%sT%s+00:00"}'
)


def _row_bytes(row: tuple[Any, ...]) -> bytes:
    """``event_bytes`` of a row read by ``_leaf_rows``, spelt out without building the
    mapping: the same canonical JSON (keys sorted, no spaces, ASCII). A value of an
    unexpected type or form goes the long way, through ``event_bytes``."""
    _, _, _, seq, moment, actor_id, username, organisation, action, target, outcome, details = row
    if not (
        type(seq) is int
        and (actor_id is None or type(actor_id) is int)
        and type(username) is str
        and type(organisation) is str
        and type(action) is str
        and type(target) is str
        and type(outcome) is str
        and type(details) is str
        and type(moment) is str
        and _TIME.fullmatch(moment)
    ):
        return _row_bytes_slowly(row)
    return (
        _EVENT
        % (
            _string(action),
            "null" if actor_id is None else actor_id,
            _string(username),
            "{}" if details == "{}" else _canonical(_details(details)),
            _string(organisation),
            _string(outcome),
            seq,
            _string(target),
            moment[:10],
            moment[11:] if len(moment) == 26 else moment[11:] + ".000000",
        )
    ).encode("ascii")


def _utc(moment: Any) -> str:
    """The canonical timestamp of a stored time: text, or a datetime (naive means UTC)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if not isinstance(moment, datetime):
        raise ValueError(f"{moment!r} is not a time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored in UTC (USE_TZ)
    return str(moment.astimezone(UTC).isoformat(timespec="microseconds"))


def _row_bytes_slowly(row: tuple[Any, ...]) -> bytes:
    values = dict(zip(EVENT_FIELDS, row[3:], strict=True))
    details = values["details"]
    values["details"] = json.loads(details) if isinstance(details, str) else details
    values["time"] = datetime.fromisoformat(_utc(values["time"]))
    return event_bytes(**values)


def _unaccounted_events() -> Problem | None:
    """An event that is neither a leaf of the log nor waiting for the sequencer, or a queued
    event that was deleted: found by counting, and named only if the counts disagree."""
    event, leaf, pending = (
        AuditEvent._meta.db_table,
        AuditLeaf._meta.db_table,
        PendingEvent._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(seq) FROM {event}), (SELECT MAX(seq) FROM {pending})"  # noqa: S608
        )
        newest = max(seq or 0 for seq in cursor.fetchone())
        # One statement, so one view of the tables while the sequencer moves events on.
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {event} WHERE seq <= %s), "  # noqa: S608
            f"(SELECT COUNT(*) FROM {leaf} WHERE seq <= %s), "
            f"(SELECT COUNT(*) FROM {pending} WHERE seq <= %s)",
            [newest, newest, newest],
        )
        events, leaves, waiting = cursor.fetchone()
        if events == leaves + waiting:
            return None
        cursor.execute(
            f"SELECT p.seq FROM {pending} p LEFT JOIN {event} e ON e.seq = p.seq "  # noqa: S608
            "WHERE e.seq IS NULL AND p.seq <= %s ORDER BY p.seq",
            [newest],
        )
        gone = [seq for (seq,) in cursor.fetchall()]
        cursor.execute(
            f"SELECT e.seq FROM {event} e WHERE e.seq <= %s "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {leaf} l WHERE l.seq = e.seq) "
            f"AND NOT EXISTS (SELECT 1 FROM {pending} p WHERE p.seq = e.seq) ORDER BY e.seq",
            [newest],
        )
        stray = [seq for (seq,) in cursor.fetchall()]
    if gone:
        return Problem(
            f"event {gone[0]} is missing: it was recorded and waiting for the sequencer, "
            "but was deleted before it joined the log",
            None,
        )
    if stray:
        return Problem(
            f"event {stray[0]} is not in the log: it is neither a leaf of the Merkle tree nor "
            "waiting for the sequencer, so it was added, or taken out of the queue, behind the "
            "log's back",
            None,
        )
    return Problem(
        f"the log counts {events} events, {leaves} leaves and {waiting} waiting; "
        "some leaves name the same event",
        None,
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
    if head.previous_size > last_good_head:
        missing = head.previous_size
        raise _Found(
            Problem(
                f"the signed tree head for size {missing} is missing: it was deleted, "
                f"so event {missing} can no longer be vouched for",
                missing,
            )
        )
    _check_signature(head, public_keys)
    if head.root_hash != tree.root().hex():
        # Every earlier head matched, so the difference is among this head's own events.
        first = last_good_head + 1
        which = (
            f"event {size} was altered, replaced or reordered: it does"
            if first == size
            else f"an event among {first} to {size} was altered, replaced or reordered: they do"
        )
        raise _Found(Problem(f"{which} not match the signed tree head for size {size}", first))


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
