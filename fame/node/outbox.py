"""Delivering the outbox to the hub: at least once, in order, with exponential back-off.

Each pass sends the oldest due updates (up to 1,000) in one signed request. What
the hub applied or already had is marked delivered; what it rejected, or a
whole batch that did not get through, is tried again later, each time waiting
longer (0.5 s, 1 s, 2 s ... up to ``FAME_OUTBOX_MAX_BACKOFF``). The hub's
receipts make a redelivery harmless, so a crash at any moment loses nothing
and doubles nothing.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from fame.federation import FederationClient, NoResponse, federation_client

from .models import Outbox

logger = logging.getLogger(__name__)

UPDATES_PATH = "/federation/v1/hub/index-updates"
HEARTBEAT_PATH = "/federation/v1/hub/heartbeat"
DELIVERY_TIMEOUT = 30.0
"""A batch of 1,000 takes the hub a while to match, and may wait for others; a delivery
may wait this long."""


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    delivered: int = 0
    duplicates: int = 0
    rejected: int = 0
    deferred: int = 0
    error: str = ""


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try after ``attempts`` failed ones (with jitter)."""
    ceiling = float(settings.FAME_OUTBOX_MAX_BACKOFF)
    seconds = min(ceiling, 0.5 * 2 ** max(0, attempts - 1))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311 - jitter


def backlog() -> int:
    return Outbox.objects.filter(delivered_at__isnull=True).count()


def _postpone(rows: list[Outbox], error: str, now: datetime) -> None:
    for row in rows:
        row.attempts += 1
        row.last_error = error[:300]
        row.next_attempt_at = now + backoff(row.attempts)
    Outbox.objects.bulk_update(rows, ["attempts", "last_error", "next_attempt_at"])


def deliver_once(
    *,
    hub_url: str | None = None,
    node_name: str | None = None,
    client: FederationClient | None = None,
    batch: int | None = None,
) -> DeliveryReport:
    """Send the oldest due updates to the hub once; what the hub answered, or the error."""
    now = timezone.now()
    size = batch or settings.FAME_OUTBOX_BATCH
    due = list(
        Outbox.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now).order_by("id")[
            :size
        ]
    )
    if not due:
        return DeliveryReport()
    payload = {
        "backlog": backlog(),
        "updates": [
            {
                "idempotency_key": row.idempotency_key,
                "kind": row.kind,
                "agency_id": row.agency_id,
                "payload": row.payload,
            }
            for row in due
        ],
    }
    client = client or federation_client()
    try:
        response = client.post(
            hub_url or settings.FAME_HUB_URL,
            UPDATES_PATH,
            payload,
            key_id=node_name or settings.FAME_NODE_NAME,
            peer="hub",
            timeout=DELIVERY_TIMEOUT,
        )
    except NoResponse as failed:
        error = f"the hub did not respond: {failed.reason}"
    else:
        if response.ok and isinstance(response.data.get("results"), list):
            return _record_results(due, response.data["results"])
        error = f"the hub answered {response.status}: {response.data.get('reason', '')}"
    with transaction.atomic():
        _postpone(due, error, timezone.now())
    return DeliveryReport(sent=len(due), error=error)


def _record_results(due: list[Outbox], results: list[object]) -> DeliveryReport:
    by_key = {
        r["idempotency_key"]: r for r in results if isinstance(r, dict) and "idempotency_key" in r
    }
    now = timezone.now()
    done, duplicates, rejected, deferred = [], 0, [], 0
    for row in due:
        result = by_key.get(row.idempotency_key, {})
        status = result.get("status")
        if status == "deferred":  # the hub ran out of time for it: send it again at once
            deferred += 1
        elif status in {"applied", "duplicate"}:
            done.append(row.pk)
            duplicates += status == "duplicate"
        else:
            row.last_error = str(result.get("reason", "no answer for this update"))
            rejected.append(row)
    with transaction.atomic():
        Outbox.objects.filter(pk__in=done).update(
            delivered_at=now, attempts=F("attempts") + 1, last_error=""
        )
        if rejected:
            for row in rejected:
                row.attempts += 1
                row.next_attempt_at = now + backoff(row.attempts)
            Outbox.objects.bulk_update(rejected, ["attempts", "last_error", "next_attempt_at"])
    return DeliveryReport(
        sent=len(due),
        delivered=len(done),
        duplicates=duplicates,
        rejected=len(rejected),
        deferred=deferred,
    )


def send_heartbeat(*, client: FederationClient | None = None) -> bool:
    """Tell the hub this node is alive and how many updates wait; whether the hub heard."""
    try:
        response = (client or federation_client()).post(
            settings.FAME_HUB_URL,
            HEARTBEAT_PATH,
            {"backlog": backlog()},
            key_id=settings.FAME_NODE_NAME,
            peer="hub",
        )
    except NoResponse:
        return False
    return response.ok


class OutboxWorker(threading.Thread):
    """Deliver the outbox until stopped: at once while there is work, otherwise every ``idle`` s."""

    def __init__(self, *, idle: float = 0.5, heartbeat_every: float = 5.0) -> None:
        super().__init__(name="fame-outbox", daemon=True)
        self.idle = idle
        self.heartbeat_every = heartbeat_every
        self.stopping = threading.Event()

    def run(self) -> None:
        last_heartbeat = 0.0
        clock = 0.0
        try:
            while not self.stopping.is_set():
                close_old_connections()
                try:
                    report = deliver_once()
                except Exception:  # keep delivering whatever one pass ran into
                    logger.exception("outbox delivery failed")
                    report = DeliveryReport(error="crashed")
                if report.sent and not report.error and not report.rejected:
                    continue
                if clock - last_heartbeat >= self.heartbeat_every:
                    send_heartbeat()
                    last_heartbeat = clock
                self.stopping.wait(self.idle)
                clock += self.idle
        finally:
            connection.close()

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.join(timeout)
