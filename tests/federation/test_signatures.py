"""RFC 9421 signatures over hub-node requests: the round trip and each way a request is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fame.federation import SignatureRefused, sign_request, verify_request

URL = "http://127.0.0.1:8101/federation/v1/node/detail-requests"
BODY = b'{"request_id":"r1"}'
KEY = Ed25519PrivateKey.generate()


def keys(name: str):
    return KEY.public_key() if name == "hub" else None


def check(headers, *, url=URL, body=BODY, origin="http://127.0.0.1:8101", method="POST"):
    return verify_request(
        method=method,
        url=url,
        headers=headers.items(),
        body=body,
        public_key_for=keys,
        origin=origin,
    )


def signed(**options):
    return sign_request(method="POST", url=URL, body=BODY, key_id="hub", private_key=KEY, **options)


def test_signature_round_trip_covers_method_target_authority_and_digest():
    headers = signed(assertion="a.b.c")
    result = check(headers)
    assert result.key_id == "hub"
    assert result.covers_assertion
    assert result.expires - result.created == timedelta(seconds=60)
    signature_input = headers["Signature-Input"]
    for component in ('"@method"', '"@target-uri"', '"@authority"', '"content-digest"'):
        assert component in signature_input
    for parameter in ("created=", "expires=", "nonce=", 'keyid="hub"', 'alg="ed25519"'):
        assert parameter in signature_input
    assert headers["Content-Digest"].startswith("sha-256=:")


def test_each_signature_has_its_own_nonce():
    assert check(signed()).nonce != check(signed()).nonce


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body": b'{"request_id":"r2"}'}, "tampered"),
        ({"url": "http://127.0.0.1:8101/federation/v1/node/records"}, "bad signature"),
        ({"method": "PUT"}, "bad signature"),
        ({"origin": "http://127.0.0.1:8102"}, "wrongly addressed"),
    ],
)
def test_signature_refuses_a_changed_request(change, reason):
    with pytest.raises(SignatureRefused) as refused:
        check(signed(), **change)
    assert refused.value.reason.startswith(reason)


def test_signature_refuses_an_unsigned_request():
    with pytest.raises(SignatureRefused, match="unsigned"):
        check({"Content-Type": "application/json"})


def test_signature_refuses_an_expired_signature():
    headers = signed(created=datetime.now(UTC) - timedelta(minutes=5))
    with pytest.raises(SignatureRefused, match="expired"):
        check(headers)


def test_signature_refuses_an_unknown_key():
    headers = sign_request(method="POST", url=URL, body=BODY, key_id="stranger", private_key=KEY)
    with pytest.raises(SignatureRefused, match="unknown key: stranger"):
        check(headers)


def test_signature_refuses_another_key_claiming_a_known_name():
    impostor = Ed25519PrivateKey.generate()
    headers = sign_request(method="POST", url=URL, body=BODY, key_id="hub", private_key=impostor)
    with pytest.raises(SignatureRefused, match="bad signature"):
        check(headers)


def test_signature_refuses_a_swapped_assertion():
    headers = signed(assertion="a.b.c")
    headers["FAME-User-Assertion"] = "x.y.z"
    with pytest.raises(SignatureRefused, match="bad signature"):
        check(headers)


def test_signature_refuses_a_tampered_digest():
    headers = signed()
    headers["Content-Digest"] = "sha-256=:" + "A" * 43 + "=:"
    with pytest.raises(SignatureRefused):
        check(headers)


def test_signature_refuses_a_window_longer_than_allowed():
    headers = signed(lifetime=timedelta(hours=1))
    with pytest.raises(SignatureRefused, match="window"):
        check(headers)
