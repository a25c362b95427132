"""Readiness rounds: the list of rounds a person may see (to be grown into set-up and answering)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from fame.web.pages import render_page

from ..queries import may_run, rounds_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "readiness/home.html",
        {"rounds": rounds_for(request.user), "may_run": may_run(request.user)},
    )
