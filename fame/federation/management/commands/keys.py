"""`fame keys`: make (first time) and show this process's federation key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fame.audit.signing import signing_key
from fame.federation.keys import process_key, public_pem


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # keys live in files; no database needed
    help = (
        "Make this process's Ed25519 federation key if it has none (under FAME_DATA_DIR/keys) "
        "and print its public key, to register with the hub (or, on the hub, with each node)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--public-key-file", help="also write the public key (PEM) here")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--audit-public-key-file", help="also write the audit log's public key (PEM) here"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key = process_key()
        pem = public_pem()
        if options["public_key_file"]:
            Path(options["public_key_file"]).write_text(pem, encoding="ascii")
        if options["audit_public_key_file"]:  # the hub's, for the nodes that witness its log
            audit_pem = public_pem(signing_key("audit").public_key)
            Path(options["audit_public_key_file"]).write_text(audit_pem, encoding="ascii")
        if options["json"]:
            answer = {"key_id": key.key_id, "path": str(key.path), "public_key": pem}
            self.stdout.write(json.dumps(answer))
            return
        self.stdout.write(f"Federation key {key.key_id} in {key.path}")
        self.stdout.write(pem.rstrip())
