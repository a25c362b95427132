"""The signed user assertion (a JWT, EdDSA) that travels with a request a person is behind.

IHE XUA-style: who (subject, organisation, roles), why (purpose of use), about
whom (the child, as the receiving agency's own record reference), on what
grounds (consent reference, or an override reason and who authorised it), for
which node (audience), until when (expiry), and a unique id (``jti``) that the
receiver remembers so the assertion cannot be used twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ISSUER = "hub"
LIFETIME = timedelta(seconds=60)
_REQUIRED = ["exp", "iat", "jti", "aud", "sub", "iss"]


class AssertionRefused(Exception):
    """The user assertion is missing, unreadable, expired or not for this node."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class UserAssertion:
    subject: str
    name: str
    organisation: str
    roles: tuple[str, ...]
    purpose: str
    child: str
    audience: str
    assertion_id: str
    expires_at: datetime
    consent_reference: str = ""
    override_reason: str = ""
    override_authoriser: str = ""


def issue_assertion(
    *,
    subject: str,
    name: str,
    organisation: str,
    roles: list[str] | tuple[str, ...],
    purpose: str,
    child: str,
    audience: str,
    private_key: Ed25519PrivateKey,
    consent_reference: str = "",
    override_reason: str = "",
    override_authoriser: str = "",
    now: datetime | None = None,
    lifetime: timedelta = LIFETIME,
) -> str:
    """A compact JWT for one request to one node."""
    now = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": subject,
        "name": name,
        "org": organisation,
        "roles": list(roles),
        "purpose_of_use": purpose,
        "child": child,
        "consent_ref": consent_reference or None,
        "override_reason": override_reason or None,
        "override_authoriser": override_authoriser or None,
        "aud": audience,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, private_key, algorithm="EdDSA")


def _text(claims: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = claims.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise AssertionRefused(f"the assertion's {name} claim is missing or not text")
    return value


def read_assertion(token: str, *, public_key: Ed25519PublicKey, audience: str) -> UserAssertion:
    """The checked assertion, or ``AssertionRefused`` saying what is wrong with it."""
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=["EdDSA"],
            audience=audience,
            issuer=ISSUER,
            options={"require": _REQUIRED},
        )
    except jwt.ExpiredSignatureError:
        raise AssertionRefused("the user assertion has expired") from None
    except jwt.InvalidAudienceError:
        raise AssertionRefused(f"the user assertion is not for {audience}") from None
    except jwt.PyJWTError as error:
        raise AssertionRefused(f"the user assertion is not valid ({error})") from None
    roles = claims.get("roles")
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise AssertionRefused("the assertion's roles claim is not a list of roles")
    override_reason = _text(claims, "override_reason", required=False)
    override_authoriser = _text(claims, "override_authoriser", required=False)
    if bool(override_reason) != bool(override_authoriser):
        raise AssertionRefused("an override needs both a reason and who authorised it")
    return UserAssertion(
        subject=_text(claims, "sub"),
        name=_text(claims, "name", required=False),
        organisation=_text(claims, "org"),
        roles=tuple(roles),
        purpose=_text(claims, "purpose_of_use"),
        child=_text(claims, "child"),
        audience=audience,
        assertion_id=_text(claims, "jti"),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        consent_reference=_text(claims, "consent_ref", required=False),
        override_reason=override_reason,
        override_authoriser=override_authoriser,
    )
