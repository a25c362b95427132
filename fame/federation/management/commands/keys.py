"""`fame keys`: make (first time) and show this process's federation key, and rotate it.

fame keys [--public-key-file F] [--json]          the current key (made on first use)
fame keys --new [--public-key-file F] [--json]    make the next key; nothing signs with it yet
fame keys --switch [--json]                       sign with the next key from now on

Rotation (ADR 0046): `--new`, give the printed public key to the peers (`fame node
register` on the hub for a node's key, `fame node trust` on each node for the hub's),
then `--switch`. Every process of this data directory signs with the new key from its
next request; the peers accept the old one for their overlap.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fame.audit.signing import (
    MissingKeyError,
    make_next_key,
    signing_key,
    switch_to_next_key,
)
from fame.federation.keys import KEY_NAME, process_key, public_pem


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # keys live in files; no database needed
    help = (
        "Make this process's Ed25519 federation key if it has none (under FAME_DATA_DIR/keys) "
        "and print its public key, to register with the hub (or, on the hub, with each node). "
        "--new makes the next key and prints it, for the peers to accept beside the current "
        "one; --switch then signs with it, keeping the old public key under keys/retired."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--public-key-file", help="also write the public key (PEM) here")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--audit-public-key-file", help="also write the audit log's public key (PEM) here"
        )
        parser.add_argument(
            "--new", action="store_true", help="make the next key (or show the one waiting)"
        )
        parser.add_argument(
            "--switch", action="store_true", help="sign with the next key from now on"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new"] and options["switch"]:
            raise CommandError(
                "--new and --switch are two steps: give the new key to the peers between them.",
                returncode=2,
            )
        if options["switch"]:
            self._switch(as_json=options["json"])
            return
        key = make_next_key(KEY_NAME) if options["new"] else process_key()
        pem = public_pem(key.public_key)
        if options["public_key_file"]:
            Path(options["public_key_file"]).write_text(pem, encoding="ascii")
        if options["audit_public_key_file"]:  # the hub's, for the nodes that witness its log
            audit_pem = public_pem(signing_key("audit").public_key)
            Path(options["audit_public_key_file"]).write_text(audit_pem, encoding="ascii")
        if options["json"]:
            answer = {"key_id": key.key_id, "path": str(key.path), "public_key": pem}
            self.stdout.write(json.dumps(answer))
            return
        if options["new"]:
            self.stdout.write(
                f"Next federation key {key.key_id} in {key.path}; this process still signs with "
                f"{process_key().key_id}. Have the peers accept it, then run `fame keys --switch`."
            )
        else:
            self.stdout.write(f"Federation key {key.key_id} in {key.path}")
        self.stdout.write(pem.rstrip())

    def _switch(self, *, as_json: bool) -> None:
        try:
            retired, new = switch_to_next_key(KEY_NAME, at=timezone.now().isoformat())
        except MissingKeyError as error:
            raise CommandError(str(error)) from None
        old = retired.key_id if retired else None
        if as_json:
            self.stdout.write(json.dumps({"key_id": new.key_id, "replaced": old}))
            return
        self.stdout.write(
            f"This process now signs with federation key {new.key_id}"
            + (f"; key {old}'s public half is kept under keys/retired." if old else ".")
        )
