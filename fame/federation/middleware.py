"""Machine-to-machine requests skip the practitioners' middleware; a node serves no pages.

/federation/v1/ requests are authenticated by their signatures (the guard),
never by sessions or cookies, so sign-in, two factors and CSRF do not apply:
this middleware, placed straight after the security middleware, resolves and
answers them itself. In the node role, everything but the API and /healthz is
404: practitioners use the hub.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

logger = logging.getLogger(__name__)
API_PREFIX = "/federation/v1/"


class FederationApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(API_PREFIX):
            return self._answer(request, path)
        if settings.FAME_ROLE == "node" and path != "/healthz":
            return JsonResponse(
                {"error": "not found", "reason": "an agency node serves no pages; use the hub"},
                status=404,
            )
        return self.get_response(request)

    def _answer(self, request: HttpRequest, path: str) -> HttpResponse:
        try:
            match = resolve(path)
        except Resolver404:
            response: HttpResponse = JsonResponse({"error": "not found"}, status=404)
        else:
            try:
                response = match.func(request, *match.args, **match.kwargs)
            except Exception:
                logger.exception("federation request failed: %s", path)
                response = JsonResponse({"error": "server error"}, status=500)
        response["Cache-Control"] = "no-store"
        return response
