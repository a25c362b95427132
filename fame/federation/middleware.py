"""Machine-to-machine requests skip the practitioners' middleware; a node serves no pages.

/federation/v1/ requests are authenticated by their signatures (the API door,
``_door``), never by sessions or cookies, so sign-in, two factors and CSRF do
not apply: this middleware, placed straight after the security middleware,
resolves and answers them itself. Before anything reads a request's body it
answers 413 to one over ``FAME_API_MAX_BODY`` (from its Content-Length; a body
without a length is read only up to the limit). In the node role, everything
but the API and /healthz is 404: practitioners use the hub.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

from ._door import error_response

logger = logging.getLogger(__name__)
API_PREFIX = "/federation/"


def _over_limit(request: HttpRequest) -> JsonResponse | None:
    """413 if the body is over the limit, or 400 for a Content-Length that is not a number."""
    limit = settings.FAME_API_MAX_BODY
    too_large = error_response(413, f"the body is over {limit:,} bytes, the most this API accepts")
    declared = request.META.get("CONTENT_LENGTH", "")
    if declared:
        try:
            length = int(declared)
        except ValueError:
            return error_response(400, "the Content-Length header is not a number")
        return too_large if length > limit else None
    # No length: WSGI servers that accept chunked bodies may pass them on without one.
    stream = request.META.get("wsgi.input")
    if stream is None or request.method in {"GET", "HEAD", "OPTIONS"}:
        return None
    body = stream.read(limit + 1)
    if len(body) > limit:
        return too_large
    request.META["CONTENT_LENGTH"] = str(len(body))
    request.META["wsgi.input"] = io.BytesIO(body)
    request._stream = io.BytesIO(body)
    request._body = body
    return None


def _in_shape(response: HttpResponse) -> HttpResponse:
    """A 405 (answered by the URL's view before the door) in the APIs' error shape."""
    if response.status_code != 405 or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    allowed = response.get("Allow", "")
    answer = error_response(405, f"use {allowed or 'another method'} for this address")
    if allowed:
        answer["Allow"] = allowed
    return answer


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
        response: HttpResponse | None = _over_limit(request)
        if response is None:
            try:
                match = resolve(path)
            except Resolver404:
                response = error_response(404, f"no federation endpoint at {path}")
            else:
                try:
                    response = _in_shape(match.func(request, *match.args, **match.kwargs))
                except Exception:
                    logger.exception("federation request failed: %s", path)
                    response = error_response(500, "the request failed here; it was logged")
        response["Cache-Control"] = "no-store"
        return response
