"""Keys per process and the registers: `fame keys`, `fame node register`, `fame node trust`."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from fame.audit.models import AuditEvent
from fame.federation.keys import load_public_pem, public_pem
from fame.federation.models import FederationNode
from fame.node.models import TrustedKey

pytestmark = pytest.mark.django_db


def test_keys_makes_the_key_once_and_prints_it(data_dir: Path, tmp_path: Path):
    out = StringIO()
    call_command("keys", "--json", "--public-key-file", str(tmp_path / "me.pub"), stdout=out)
    first = json.loads(out.getvalue())
    assert (data_dir / "keys" / "federation-ed25519.pem").exists()
    load_public_pem(first["public_key"])
    assert (tmp_path / "me.pub").read_text() == first["public_key"]
    again = StringIO()
    call_command("keys", "--json", stdout=again)
    assert json.loads(again.getvalue())["key_id"] == first["key_id"]


def key_file(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pub"
    path.write_text(public_pem(Ed25519PrivateKey.generate().public_key()))
    return str(path)


def test_register_node_on_the_hub(tmp_path: Path):
    call_command(
        "node", "register", "--name", "police", "--url", "http://127.0.0.1:8104/",
        "--agencies", "pol-001,yot-001", "--public-key-file", key_file(tmp_path, "police"),
    )  # fmt: skip
    node = FederationNode.objects.get()
    assert (node.base_url, node.agencies) == ("http://127.0.0.1:8104", ["pol-001", "yot-001"])
    assert AuditEvent.objects.filter(action="federation.node_registered").count() == 1


def test_registering_again_unchanged_is_not_audited_again(tmp_path: Path):
    args = ["node", "register", "--name", "police", "--url", "http://127.0.0.1:8104"]
    args += ["--agencies", "pol-001", "--public-key-file", key_file(tmp_path, "police")]
    call_command(*args)
    call_command(*args)
    assert AuditEvent.objects.filter(action__startswith="federation.node_").count() == 1


def test_an_agency_has_one_node(tmp_path: Path):
    args = ["--url", "http://127.0.0.1:8104", "--agencies", "pol-001"]
    call_command("node", "register", "--name", "police", *args, "--public-key-file",
                 key_file(tmp_path, "a"))  # fmt: skip
    with pytest.raises(CommandError, match=r"pol-001 \(police\)"):
        call_command("node", "register", "--name", "other", *args, "--public-key-file",
                     key_file(tmp_path, "b"))  # fmt: skip


def test_register_refuses_a_file_that_is_not_a_public_key(tmp_path: Path):
    bad = tmp_path / "bad.pub"
    bad.write_text("not a key")
    with pytest.raises(CommandError, match="not an Ed25519 public key"):
        call_command(
            "node", "register", "--name", "police", "--url", "http://127.0.0.1:8104",
            "--agencies", "pol-001", "--public-key-file", str(bad),
        )  # fmt: skip
    assert not FederationNode.objects.exists()


def test_node_trusts_the_hub(tmp_path: Path):
    call_command("node", "trust", "--url", "http://127.0.0.1:8000",
                 "--public-key-file", key_file(tmp_path, "hub"))  # fmt: skip
    assert TrustedKey.objects.get().name == "hub"
    assert AuditEvent.objects.filter(action="node.key_trusted").exists()
