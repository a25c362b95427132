"""The live feed: the real system's activity as it happens, as server-sent events.

``GET /demonstrator/feed`` streams each new activity (the same vocabulary and
pseudonyms as an export, ``live``) as an SSE ``activity`` event whose id is the
audit log's sequence number. A connection lasts at most
``FAME_DEMONSTRATOR_FEED_SECONDS`` and then ends; the browser's EventSource
reconnects with ``Last-Event-ID`` and carries on where it stopped, so a viewer
holds one of the server's threads only while the page is open. Pseudonyms are
keyed per signed-in session: the same child stays the same case on one screen,
and cannot be matched with another viewer's or an export's.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.http import require_GET

from fame.accounts.decorators import requires
from fame.audit import record_event
from fame.audit.models import AuditEvent

from .events import object_type, timestamp
from .live import Pseudonyms, activities

SESSION_NONCE = "fame_demonstrator_feed"
POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0
REPLAY_SECONDS_MAX = 86400


def _frame(seq: int, found: tuple[Any, ...]) -> str:
    activity, moment, related, attributes = found
    data = {
        "activity": activity,
        "time": timestamp(moment),
        "objects": [
            {"id": object_id, "type": object_type(object_id), "qualifier": qualifier}
            for object_id, qualifier in related.items()
        ],
        "attributes": attributes,
    }
    return f"id: {seq}\nevent: activity\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _last_seen(request: HttpRequest) -> int:
    """The sequence number after which to send: the browser's last event when it reconnects,
    ``after`` when asked, the last ``since`` seconds (at most a day) for a replay, else now."""
    given = request.headers.get("Last-Event-ID") or request.GET.get("after", "")
    if given.isdigit():
        return int(given)
    since = request.GET.get("since", "")
    if since.isdigit():
        seconds = min(int(since), REPLAY_SECONDS_MAX)
        older = AuditEvent.objects.filter(time__lt=timezone.now() - timedelta(seconds=seconds))
        return int(older.aggregate(newest=Max("seq"))["newest"] or 0)
    newest = AuditEvent.objects.aggregate(newest=Max("seq"))["newest"]
    return int(newest or 0)


def _stream(names: Pseudonyms, after: int, seconds: float) -> Iterator[str]:
    yield "retry: 1000\n\n"
    # The hub's clock, so that a screen whose clock differs still places events at now.
    yield f"event: clock\ndata: {json.dumps({'now': timestamp(timezone.now())})}\n\n"
    ends = time.monotonic() + seconds
    quiet_since = time.monotonic()
    while True:
        sent = False
        for seq, found in activities(names, after_seq=after, limit=500):
            after = seq
            sent = True
            yield _frame(seq, found)
        now = time.monotonic()
        if sent:
            quiet_since = now
        elif now - quiet_since >= HEARTBEAT_SECONDS:
            quiet_since = now
            yield ": still here\n\n"
        if now >= ends:
            return
        time.sleep(POLL_SECONDS)


@require_GET
@requires("view_demonstrator")  # type: ignore[arg-type]  # a stream is a response too
def feed(request: HttpRequest) -> HttpResponseBase:
    nonce = request.session.get(SESSION_NONCE)
    if not isinstance(nonce, str):
        nonce = request.session[SESSION_NONCE] = secrets.token_hex(16)
    after = _last_seen(request)
    record_event(
        "demonstrator.feed_opened",
        actor=request.user,
        target="demonstrator:feed",
        details={"after": after},
        request=request,
    )
    response = StreamingHttpResponse(
        _stream(Pseudonyms(nonce), after, settings.FAME_DEMONSTRATOR_FEED_SECONDS),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
