"""The federation client: every hub-node call goes through here, even inside one process.

A call is signed (RFC 9421, Ed25519, this process's key), carries a user
assertion when a person is behind it, has a timeout, and is guarded by the
peer's circuit breaker. The transport is httpx's: real HTTP by default, or any
``httpx.BaseTransport`` (tests mount a node in-process with one). Over HTTPS the
peer's certificate is checked against ``FAME_TLS_CA_FILE`` (the region's CA) when set,
else against the public CAs.
"""

from __future__ import annotations

import json
import os
import ssl
import threading
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from ._breaker import CircuitBreaker, breakers
from ._signatures import sign_request
from .keys import private_key


class NoResponse(Exception):
    """The peer did not answer usefully: down, slow, erroring, or its circuit is open."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class FederationResponse:
    status: int
    data: dict[str, Any]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def tls_verify() -> ssl.SSLContext | bool:
    """How a peer's certificate is checked: against the region's CA when
    ``FAME_TLS_CA_FILE`` names one, else against the public CAs (httpx's default)."""
    if settings.FAME_TLS_CA_FILE:
        return ssl.create_default_context(cafile=settings.FAME_TLS_CA_FILE)
    return True


class FederationClient:
    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float | None = None,
        breaker: CircuitBreaker = breakers,
    ) -> None:
        limit = timeout if timeout is not None else settings.FAME_FEDERATION_TIMEOUT
        self.timeout = httpx.Timeout(limit, connect=min(limit, 0.5))
        self.breaker = breaker
        self._http = httpx.Client(
            transport=transport, timeout=self.timeout, trust_env=False, verify=tls_verify()
        )

    def post(
        self,
        base_url: str,
        path: str,
        payload: dict[str, Any],
        *,
        key_id: str,
        peer: str,
        assertion: str | None = None,
        timeout: float | None = None,
    ) -> FederationResponse:
        """Sign and send ``payload``; the answer, or ``NoResponse`` saying why there was none."""
        if not self.breaker.allow(peer):
            raise NoResponse("not tried: it failed repeatedly just now (circuit open)")
        url = base_url.rstrip("/") + path
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = sign_request(
            method="POST",
            url=url,
            body=body,
            key_id=key_id,
            private_key=private_key(),
            assertion=assertion,
        )
        try:
            response = self._http.post(
                url,
                content=body,
                headers=headers,
                timeout=httpx.Timeout(timeout, connect=0.5) if timeout else self.timeout,
            )
        except httpx.TimeoutException:
            self.breaker.failed(peer)
            raise NoResponse("timed out") from None
        except httpx.TransportError as error:
            self.breaker.failed(peer)
            raise NoResponse(f"could not connect ({type(error).__name__})") from None
        if response.status_code >= 500:
            self.breaker.failed(peer)
            raise NoResponse(f"answered with an error ({response.status_code})")
        self.breaker.succeeded(peer)
        try:
            data = response.json()
        except ValueError:
            data = {}
        return FederationResponse(response.status_code, data if isinstance(data, dict) else {})

    def close(self) -> None:
        self._http.close()


_lock = threading.Lock()
_shared: FederationClient | None = None
_transport: httpx.BaseTransport | None = None


def _forget_after_fork() -> None:
    """A forked process makes its own client: the parent's connections are not its own."""
    global _lock, _shared
    _lock, _shared = threading.Lock(), None


os.register_at_fork(after_in_child=_forget_after_fork)


def federation_client() -> FederationClient:
    """The process's client (one connection pool), over the transport in use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = FederationClient(transport=_transport)
        return _shared


def use_transport(transport: httpx.BaseTransport | None) -> None:
    """Send every later call through ``transport`` (None: real HTTP). For tests and benchmarks."""
    global _shared, _transport
    with _lock:
        if _shared is not None:
            _shared.close()
        _shared, _transport = None, transport
