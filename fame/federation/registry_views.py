"""The hub's register of agency nodes as a page: the start of the technology view.

What /healthz gives machines, for the technology staff: each node's state, when
it was last heard from, what waits in its outbox, and the calls that failed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from fame.accounts.decorators import requires
from fame.web.pages import render_page

from .queries import SILENT_AFTER, node_overview

STATUS_TAGS = {
    "ok": ("Working", "govuk-tag--green"),
    "silent": ("Not heard from lately", "govuk-tag--yellow"),
    "unreachable": ("Not responding", "govuk-tag--red"),
    "never seen": ("Never heard from", "govuk-tag--grey"),
}


@requires("view_nodes")
@require_GET
def nodes(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "federation/nodes.html",
        {
            "lines": node_overview(),
            "tags": STATUS_TAGS,
            "silent_after": int(SILENT_AFTER.total_seconds()),
            "nav_active": "nodes",
        },
    )
