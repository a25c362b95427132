"""Rotating and revoking federation keys without stopping (ADR 0046).

The hub accepts a node's old key beside its new one for the overlap, then refuses it as
retired; a revoked key is refused at once; a node accepts the hub's old and new keys the
same way, user assertions included. Each change is an audit event.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from fame.audit.models import AuditEvent
from fame.audit.signing import key_id_for, retired_keys
from fame.federation import KeyChangeRefused, revoke_key
from fame.federation.actions import register_node
from fame.federation.keys import private_key, process_key, public_pem
from fame.federation.models import FederationNode, PeerKey
from fame.node.actions import trust_key

from .conftest import NODE, ORIGIN, signed_post
from .test_guard import DETAIL, assertion, batch, detail, held_record  # noqa: F401

pytestmark = pytest.mark.django_db

UPDATES = "/federation/v1/hub/index-updates"
STATUS = "/federation/v1/node/status"


def rekey(new: Ed25519PrivateKey, *, overlap: timedelta = timedelta(hours=1)) -> None:
    node = FederationNode.objects.get(name=NODE)
    register_node(
        name=NODE,
        base_url=node.base_url,
        agencies=node.agencies,
        public_key=public_pem(new.public_key()),
        overlap=overlap,
    )


def deliver(key: Ed25519PrivateKey):
    return signed_post(UPDATES, batch(), key_id=NODE, key=key)


def refused_reason(response) -> str:
    assert response.status_code == 401, response.content
    return response.json()["reason"]


def test_node_key_rotation_overlap_then_retired(embedded_node):
    old, new = private_key(), Ed25519PrivateKey.generate()
    rekey(new)
    assert deliver(old).status_code == 200  # the overlap: both keys are accepted
    assert deliver(new).status_code == 200
    [rotated] = AuditEvent.objects.filter(action="federation.key_rotated")
    assert rotated.target == f"key:{NODE}"
    assert rotated.details["old_key_id"] == key_id_for(old.public_key())
    assert rotated.details["new_key_id"] == key_id_for(new.public_key())

    PeerKey.objects.filter(key_id=key_id_for(old.public_key())).update(
        accepted_until=rotated.time - timedelta(seconds=1)
    )
    reason = refused_reason(deliver(old))
    assert reason.startswith(f"retired key: {NODE}'s key {key_id_for(old.public_key())}")
    assert deliver(new).status_code == 200
    # The old public key is kept, with when it was replaced and until when it was accepted.
    kept = PeerKey.objects.get(peer=NODE, key_id=key_id_for(old.public_key()))
    assert kept.public_key == public_pem(old.public_key()) and kept.replaced_at is not None


def test_no_overlap_refuses_the_old_key_at_once(embedded_node):
    old, new = private_key(), Ed25519PrivateKey.generate()
    rekey(new, overlap=timedelta(0))
    assert refused_reason(deliver(old)).startswith("retired key:")
    assert deliver(new).status_code == 200


def test_a_key_never_registered_is_still_unknown(embedded_node):
    stranger = Ed25519PrivateKey.generate()
    rekey(Ed25519PrivateKey.generate())
    assert refused_reason(deliver(stranger)).startswith("bad signature")


def test_revoked_key_is_refused_at_once_and_audited(embedded_node):
    old, new = private_key(), Ed25519PrivateKey.generate()
    rekey(new)
    node = FederationNode.objects.get(name=NODE)
    old_id = key_id_for(old.public_key())
    revoke_key(
        peer=NODE, key_id=old_id, current_pem=node.public_key, reason="laptop stolen", by="test"
    )
    reason = refused_reason(deliver(old))
    assert reason.startswith(f"revoked key: {NODE}'s key {old_id} was revoked at ")
    assert reason.endswith("(laptop stolen)")
    assert deliver(new).status_code == 200
    [event] = AuditEvent.objects.filter(action="federation.key_revoked")
    assert event.details == {
        "key_id": old_id,
        "current": False,
        "reason": "laptop stolen",
        "by": "test",
    }
    # A revoked key is never accepted again, and nothing changes when it is offered.
    with pytest.raises(KeyChangeRefused, match="revoked"):
        register_node(
            name=NODE,
            base_url=node.base_url,
            agencies=node.agencies,
            public_key=public_pem(old.public_key()),
        )
    assert FederationNode.objects.get(name=NODE).public_key == public_pem(new.public_key())


def test_revoking_the_current_key_refuses_the_node_until_it_is_rekeyed(embedded_node):
    old = private_key()
    old_id = key_id_for(old.public_key())
    revoke_key(peer=NODE, key_id=old_id, current_pem=public_pem(), reason="compromised", by="test")
    assert refused_reason(deliver(old)).startswith("revoked key:")
    replacement = Ed25519PrivateKey.generate()
    rekey(replacement)
    assert deliver(replacement).status_code == 200
    assert refused_reason(deliver(old)).startswith("revoked key:")


def test_revoking_an_unknown_key_changes_nothing(embedded_node):
    with pytest.raises(KeyChangeRefused, match="has no key 0000000000000000"):
        revoke_key(
            peer=NODE, key_id="0000000000000000", current_pem=public_pem(), reason="x", by="t"
        )
    with pytest.raises(KeyChangeRefused, match="Say why"):
        revoke_key(
            peer=NODE, key_id=process_key().key_id, current_pem=public_pem(), reason=" ", by="t"
        )
    assert not PeerKey.objects.exists()
    assert not AuditEvent.objects.filter(action="federation.key_revoked").exists()


def test_node_accepts_the_hubs_old_and_new_keys_and_assertions(held_record):  # noqa: F811
    """The hub makes its next key, the node trusts it beside the old, the hub switches."""
    old_key = private_key()
    call_command("keys", "--new")
    from fame.audit.signing import make_next_key

    new_key = make_next_key("federation").private_key
    trust_key(name="hub", public_key=public_pem(new_key.public_key()), base_url=ORIGIN)
    assert signed_post(STATUS, {}, key_id="hub", key=old_key).status_code == 200
    call_command("keys", "--switch")
    assert process_key().key_id == key_id_for(new_key.public_key())  # no restart needed
    answered = signed_post(DETAIL, detail(), key_id="hub", assertion=assertion(private_key=new_key))
    assert answered.status_code == 200, answered.content
    # The hub's retired key's public half stays on disk, with when it was replaced.
    [retired] = retired_keys("federation")
    assert retired.key_id == key_id_for(old_key.public_key())
    assert retired.replaced_by == key_id_for(new_key.public_key())


def test_switch_without_a_next_key_is_refused(data_dir):
    before = process_key().key_id
    with pytest.raises(CommandError, match="No next federation key"):
        call_command("keys", "--switch")
    assert process_key().key_id == before
