"""An in-process transport: federation calls answered by this process's own Django app.

Used by tests (and benchmarks) to mount a node without a network; the request
is built, signed and checked exactly as over HTTP.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx
from django.test import Client


class DjangoClientTransport(httpx.BaseTransport):
    """Hand each request to a Django test ``Client``, as if it had arrived over HTTP."""

    def __init__(self, client: Client | None = None) -> None:
        self.client = client or Client()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = urlsplit(str(request.url))
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() not in {"host", "content-length", "content-type"}
        }
        headers["host"] = url.netloc
        response = self.client.generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=request.read(),
            content_type=request.headers.get("content-type", "application/json"),
            secure=url.scheme == "https",
            headers=headers,
        )
        return httpx.Response(
            response.status_code,
            headers=dict(response.items()),
            content=response.content,
        )


class UnreachableTransport(httpx.BaseTransport):
    """A peer that is down (``ConnectError``) or that answers only after ``delay`` seconds."""

    def __init__(self, *, delay: float | None = None, inner: httpx.BaseTransport | None = None):
        self.delay = delay
        self.inner = inner
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.delay is None:
            raise httpx.ConnectError("connection refused", request=request)
        timeout = request.extensions.get("timeout", {}).get("read") or 5.0
        time.sleep(min(self.delay, timeout))
        if self.delay >= timeout or self.inner is None:
            raise httpx.ReadTimeout("timed out", request=request)
        return self.inner.handle_request(request)
