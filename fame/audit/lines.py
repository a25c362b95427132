"""What an auditor's page or download shows of an event: the log's words, with no
Child Index identifier in them.

The index's person identifier is never shown, so where an event names a child
(as its target, or in its details) the child appears as a reference: a keyed
hash of the identifier, the same for the same child on every page and download,
from which the identifier cannot be worked back.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.crypto import salted_hmac

from fame.audit.models import AuditEvent, Outcome
from fame.audit.queries import CHILD_TARGETS

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CHILD_KEYS = frozenset({"person", "child", "child_ref"})
"""Keys whose values, in an event's details, are a child's identifier."""


def child_reference(person_uid: str) -> str:
    """The child's reference on auditors' pages: 16 letters and digits, not the identifier."""
    digest = salted_hmac("fame.audit.child", person_uid.lower(), algorithm="sha256").hexdigest()
    return digest[:16]


def child_of(event: AuditEvent) -> str | None:
    """The identifier of the child ``event`` is about, if its target is one."""
    for prefix in CHILD_TARGETS:
        if event.target.startswith(prefix):
            return event.target.removeprefix(prefix)
    return None


def _masked(value: Any, *, key: str = "") -> Any:
    """``value`` with every child identifier replaced by the child's reference, and any
    other identifier-shaped text by "(identifier)" (it may name a child too)."""
    if isinstance(value, dict):
        return {_masked_key(k): _masked(v, key=k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item, key=key) for item in value]
    if isinstance(value, str) and key in _CHILD_KEYS:
        return f"child {child_reference(value)}"
    if isinstance(value, str):
        return _UUID.sub("(identifier)", value.lower()) if _UUID.search(value.lower()) else value
    return value


def _masked_key(key: str) -> str:
    """A key that is an identifier is a child's (a search's decisions, one per child)."""
    return f"child {child_reference(key)}" if _UUID.fullmatch(key.lower()) else key


@dataclass(frozen=True)
class EventLine:
    """One event as an auditor sees it."""

    seq: int
    time: Any
    username: str
    organisation: str
    organisation_name: str
    action: str
    target: str
    child: str | None
    """The child's reference when the target is a child (the target then says only "A child")."""
    outcome: str
    details: dict[str, Any]

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome in Outcome.values else self.outcome

    @property
    def details_text(self) -> str:
        return json.dumps(self.details, sort_keys=True, ensure_ascii=False)

    def detail(self, *names: str) -> str:
        """The first of ``names`` the details hold, as text ("" if none)."""
        for name in names:
            value = self.details.get(name)
            if value:
                return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return ""


def line_for(event: AuditEvent, organisations: Mapping[str, str] | None = None) -> EventLine:
    """``organisations``: agency ID to name, for the names the page shows."""
    uid = child_of(event)
    child = child_reference(uid) if uid is not None else None
    return EventLine(
        seq=event.seq,
        time=event.time,
        username=event.actor_username,
        organisation=event.organisation,
        organisation_name=(organisations or {}).get(event.organisation, event.organisation),
        action=event.action,
        target=f"child {child}" if child else str(_masked(event.target)),
        child=child,
        outcome=event.outcome,
        details=_masked(event.details),
    )


def lines_for(
    events: Iterable[AuditEvent], organisations: Mapping[str, str] | None = None
) -> list[EventLine]:
    return [line_for(event, organisations) for event in events]


CSV_HEADER = (
    "sequence",
    "time",
    "username",
    "organisation",
    "action",
    "target",
    "outcome",
    "details",
)


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def csv_rows(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The download: a header, then one row per event, each an encoded line of CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flushed() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield flushed()
    for event in events:
        line = line_for(event)
        writer.writerow(
            [
                str(line.seq),
                timezone.localtime(line.time).isoformat(timespec="seconds"),
                *(
                    _cell(text)
                    for text in (
                        line.username,
                        line.organisation,
                        line.action,
                        line.target,
                        line.outcome,
                        line.details_text,
                    )
                ),
            ]
        )
        yield flushed()
