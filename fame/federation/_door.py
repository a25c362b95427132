"""The door of the declared federation APIs (django-ninja): signature, body, errors.

Every endpoint under /federation/v1/ is an operation of one of two NinjaAPI
instances, the hub's and the node's, built by ``federation_api`` and assembled
in ``fame.apis``. What this module gives them:

- ``SignedRequest``: the ninja auth that runs ``check_request`` (the RFC 9421
  signature and, when asked, the hub's user assertion) before anything reads
  the request's fields, and puts the ``Caller`` on ``request.auth``. A refusal
  is audited (``refuse``) and answered 401 or 403.
- ``RequestBody``: the base of request schemas: strict JSON types.
- ``JsonBody``: the parser; bytes that are not UTF-8, are not JSON, or nest
  deeper than ``MAX_DEPTH`` are a 400 saying which.
- One error shape for every 4xx and 5xx (``ErrorOut``): ``{"error": short code,
  "reason": a sentence, "details": [{"field", "reason"}]?}``. Clients read
  ``error`` and ``reason``; a validation error lists each bad field's path.
  Endpoints raise ``ApiError`` (plain) or ``Refusal`` (audited) for theirs.
"""

from __future__ import annotations

import json
import logging
import re
from functools import partial
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.security.base import AuthBase
from pydantic import BaseModel, ConfigDict

from ._assertions import AssertionRefused
from ._signatures import SignatureRefused
from .guard import KeyLookup, check_request, refuse

logger = logging.getLogger(__name__)

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects a request body may have (legal ones use 4)."""


class RequestBody(BaseModel):
    """The base of every request body: an object whose fields have exactly their declared JSON
    types (no ``"3"`` for 3, no ``true`` for 1); fields not declared are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


class FieldProblem(Schema):
    field: str
    """Where, as a dotted path from the body (``body.updates.3.kind``)."""
    reason: str


class ErrorOut(Schema):
    """Every error answer of the federation APIs."""

    error: str
    """A short code: ``bad request``, ``refused``, ``not found``, ``too large``, ..."""
    reason: str
    """A sentence saying what was wrong."""
    details: list[FieldProblem] | None = None


ERRORS: dict[int | str, Any] = {
    code: ErrorOut for code in (400, 401, 403, 404, 405, 409, 413, 500, 503)
}
"""The error responses every operation declares (``response={200: Out, **ERRORS}``)."""


class ApiError(Exception):
    """Answer ``status`` with the error shape; nothing is audited here."""

    def __init__(
        self,
        status: int,
        reason: str,
        *,
        error: str = "",
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.error = error or _CODES.get(status, "error")
        self.details = details


class Refusal(Exception):
    """Refuse the request: audited as ``federation.refused`` and answered with the error shape."""

    def __init__(self, reason: str, *, status: int = 403, key_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.key_id = key_id


_CODES = {
    400: "bad request",
    401: "refused",
    403: "refused",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
    411: "length required",
    413: "too large",
    500: "server error",
    503: "busy",
}


def error_body(status: int, reason: str, *, error: str = "", details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error or _CODES.get(status, "error"), "reason": reason}
    if details:
        body["details"] = details
    return body


def error_response(status: int, reason: str) -> JsonResponse:
    """An answer in the error shape, for places outside an operation (middleware, wrappers)."""
    return JsonResponse(error_body(status, reason), status=status)


class SignedRequest(AuthBase):
    """A request signed with a key ``keys`` knows (and, with ``assertion_key``, carrying a user
    assertion made by a key it knows). ``remember=False``: the endpoint remembers the nonces
    itself, in the transaction of its effect (``remember_nonces``)."""

    openapi_type = "apiKey"
    openapi_in = "header"
    openapi_name = "Signature"
    openapi_description = (
        "RFC 9421 HTTP Message Signature (Ed25519, label fame) with Signature-Input, covering "
        "@method, @target-uri, @authority and Content-Digest (RFC 9530, sha-256), with created, "
        "expires, nonce and keyid; endpoints acting for a person also need FAME-User-Assertion, "
        "covered by the signature."
    )

    def __init__(
        self, keys: KeyLookup, *, assertion_key: KeyLookup | None = None, remember: bool = True
    ) -> None:
        super().__init__()
        self.keys = keys
        self.assertion_key = assertion_key
        self.remember = remember

    def __call__(self, request: HttpRequest) -> Any:
        """The ``Caller`` (ninja puts it on ``request.auth``); a refusal raises
        ``SignatureRefused`` or ``AssertionRefused``, answered 401 and audited."""
        return check_request(
            request, keys=self.keys, assertion_key=self.assertion_key, remember=self.remember
        )


class BodyRefused(ValueError):
    """The body cannot be read as JSON; ``reason`` says why."""


_ESCAPED = re.compile(rb"\\.")
_NEITHER_BRACKET_NOR_QUOTE = bytes(c for c in range(256) if c not in b'[]{}"')


def _nests_within(body: bytes, limit: int) -> bool:
    """Whether the JSON text ``body`` nests arrays and objects no deeper than ``limit``: its
    brackets outside strings counted, before anything parses it (a parser recurses)."""
    kept = _ESCAPED.sub(b"", body).translate(None, _NEITHER_BRACKET_NOR_QUOTE)
    brackets = b"".join(kept.split(b'"')[::2])  # (what lies between pairs of quotes is text)
    depth = 0
    for bracket in brackets:
        if bracket in b"[{":
            depth += 1
            if depth > limit:
                return False
        else:
            depth -= 1
    return True


def read_json(body: bytes) -> Any:
    """The JSON value of ``body``, or ``BodyRefused`` with a reason a sender can act on."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as wrong:
        raise BodyRefused(f"the body is not UTF-8 (byte {wrong.start})") from None
    if not _nests_within(body, MAX_DEPTH):
        raise BodyRefused(f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(text)
    except ValueError as wrong:
        raise BodyRefused(f"the body is not JSON ({wrong})") from None
    where = _unstorable_at(value) if _UNSTORABLE_ESCAPE.search(text) else None
    if where is not None:
        raise BodyRefused(
            f"{where or '(body)'} holds a NUL character (\\u0000) or a lone surrogate "
            "(\\ud800-\\udfff), which no field may hold"
        )
    return value


_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
"""The escapes that make text no database column can keep: NUL (PostgreSQL refuses it in
text and JSON) and UTF-16 surrogates (not characters at all). Only a body that has one
of these escapes is walked (``_unstorable_at``); others cost one search of the text."""


def _unstorable_at(value: Any) -> str | None:
    """The path (``updates.3.payload``) of the first string in ``value`` (keys too) holding
    NUL or a lone surrogate, or None; walked level by level (the nesting is bounded)."""
    level: list[tuple[str, Any]] = [("", value)]
    while level:
        deeper: list[tuple[str, Any]] = []
        for path, item in level:
            if isinstance(item, str):
                if "\x00" in item or _has_surrogate(item):
                    return path
            elif isinstance(item, dict):
                for key, inner in item.items():
                    inner_path = f"{path}.{key}" if path else str(key)
                    deeper += [(path or "(a key)", key), (inner_path, inner)]
            elif isinstance(item, list):
                deeper += [(f"{path}.{n}" if path else str(n), v) for n, v in enumerate(item)]
        level = deeper
    return None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class JsonBody(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], read_json(request.body))


def _field(location: Any) -> str:
    """A bad field's path from the body's root (``updates.3.kind``); ``(body)`` for the body
    itself. Ninja's location starts with the source and the operation's parameter name."""
    parts = [str(part) for part in location]
    if parts[:1] == ["body"]:
        parts = parts[2:]
    return ".".join(parts) or "(body)"


def _answer(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


def _on_api_error(request: HttpRequest, exc: ApiError, *, api: NinjaAPI) -> HttpResponse:
    return _answer(
        api,
        request,
        exc.status,
        error_body(exc.status, exc.reason, error=exc.error, details=exc.details),
    )


def _on_refusal(request: HttpRequest, exc: Refusal, *, api: NinjaAPI) -> HttpResponse:
    return refuse(request, exc.reason, key_id=exc.key_id, status=exc.status)


def _on_signature(
    request: HttpRequest, exc: SignatureRefused | AssertionRefused, *, api: NinjaAPI
) -> HttpResponse:
    key_id = exc.key_id if isinstance(exc, SignatureRefused) else ""
    return refuse(request, exc.reason, key_id=key_id, status=401)


_OBJECT_EXPECTED = frozenset({"model_type", "model_attributes_type", "dict_type"})


def _said(problem: dict[str, Any]) -> str:
    if problem.get("type") in _OBJECT_EXPECTED:
        return "must be a JSON object"
    return str(problem.get("msg", ""))


def _on_validation(request: HttpRequest, exc: ValidationError, *, api: NinjaAPI) -> HttpResponse:
    details = [{"field": _field(e.get("loc", ())), "reason": _said(e)} for e in exc.errors]
    said = "; ".join(f"{d['field']}: {d['reason']}" for d in details[:3])
    more = f"; and {len(details) - 3} more" if len(details) > 3 else ""
    reason = f"the request does not fit its schema: {said}{more}"
    return _answer(api, request, 400, error_body(400, reason, details=details))


def _on_http_error(request: HttpRequest, exc: HttpError, *, api: NinjaAPI) -> HttpResponse:
    cause = exc.__cause__
    reason = cause.args[0] if isinstance(cause, BodyRefused) else str(exc)
    return _answer(api, request, exc.status_code, error_body(exc.status_code, reason))


def _on_not_found(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    return _answer(api, request, 404, error_body(404, "no such thing here"))


def _on_failure(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    logger.error("federation request failed: %s", request.path, exc_info=exc)
    return _answer(api, request, 500, error_body(500, "the request failed here; it was logged"))


def federation_api(*, role: str, title: str, description: str) -> NinjaAPI:
    """A NinjaAPI for ``role`` (hub or node) with the door's parser and error answers.

    Mounted at /federation/v1/<role>/, its OpenAPI document at
    /federation/v1/<role>/openapi.json, no docs page (it would load outside assets).
    """
    api = NinjaAPI(
        title=title,
        version="1",
        description=description,
        urls_namespace=f"{role}_api",
        openapi_url="/openapi.json",
        docs_url=None,
        parser=JsonBody(),
    )
    api.add_exception_handler(ApiError, partial(_on_api_error, api=api))
    api.add_exception_handler(Refusal, partial(_on_refusal, api=api))
    api.add_exception_handler(SignatureRefused, partial(_on_signature, api=api))
    api.add_exception_handler(AssertionRefused, partial(_on_signature, api=api))
    api.add_exception_handler(ValidationError, partial(_on_validation, api=api))
    api.add_exception_handler(HttpError, partial(_on_http_error, api=api))
    api.add_exception_handler(Http404, partial(_on_not_found, api=api))
    api.add_exception_handler(Exception, partial(_on_failure, api=api))
    return api
