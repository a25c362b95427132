"""`fame node ...`: host agencies, import their records, and register nodes and keys.

On a node:  fame node host --agencies A,B [--region region.json]
            fame node import PATH            (an agency CSV, or a folder of them)
            fame node trust --name hub --url URL --public-key-file F
On the hub: fame node register --name N --url URL --agencies A,B --public-key-file F
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.federation.actions import register_node
from fame.federation.keys import PublicKeyError, load_public_pem
from fame.node import actions
from fame.node.queries import hosted_agencies
from fame.records import RecordFileError, read_records


def _agencies(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _public_key(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="ascii")
        load_public_pem(text)
    except (OSError, UnicodeDecodeError, PublicKeyError) as error:
        raise CommandError(f"{path}: not an Ed25519 public key file ({error})") from None
    return text


class Command(BaseCommand):
    help = "Agency nodes: host agencies, import their records, register nodes and trusted keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", title="verbs", required=True)
        host = sub.add_parser("host", help="host agencies on this node")
        host.add_argument("--agencies", required=True, help="comma-separated agency ids")
        host.add_argument("--region", help="region.json, for the agencies' names")
        load = sub.add_parser("import", help="import hosted agencies' records (CSV file or folder)")
        load.add_argument("path")
        trust = sub.add_parser("trust", help="accept signed requests from a key (the hub's)")
        trust.add_argument("--name", default="hub")
        trust.add_argument("--url", default="")
        trust.add_argument("--public-key-file", required=True)
        register = sub.add_parser("register", help="on the hub: register a node")
        register.add_argument("--name", required=True)
        register.add_argument("--url", required=True)
        register.add_argument("--agencies", required=True)
        register.add_argument("--public-key-file", required=True)

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        getattr(self, f"_{verb}")(**options)

    def _host(self, *, agencies: str, region: str | None, **_: Any) -> None:
        names: dict[str, str] = {}
        if region:
            data = json.loads(Path(region).read_text(encoding="utf-8"))
            names = {o["agency_id"]: o["name"] for o in data.get("organisations", [])}
        wanted = {agency: names.get(agency, "") for agency in _agencies(agencies)}
        new = actions.host_agencies(agencies=wanted, by="cli")
        self.stdout.write(f"This node hosts {len(hosted_agencies())} agencies ({new} new).")

    def _import(self, *, path: str, **_: Any) -> None:
        source = Path(path)
        hosted = set(hosted_agencies())
        if not hosted:
            raise CommandError("This node hosts no agencies yet: run `fame node host` first.")
        if source.is_dir():
            files = sorted(source / f"{agency}.csv" for agency in hosted)
            files = [file for file in files if file.exists()]
        elif source.is_file():
            files = [source]
        else:
            raise CommandError(f"{source} does not exist. Give an agency CSV file or a folder.")
        records = []
        for file in files:
            try:
                records.extend(read_records(file, known_agencies=hosted))
            except RecordFileError as error:
                raise CommandError(f"Nothing was imported.\n{error}") from None
        summary = actions.save_records(records, by="cli", source=str(source))
        counts = ", ".join(f"{n:,} {what}" for what, n in summary.counts.items())
        self.stdout.write(f"Imported {summary.total:,} records from {len(files)} files: {counts}.")

    def _trust(self, *, name: str, url: str, public_key_file: str, **_: Any) -> None:
        actions.trust_key(name=name, public_key=_public_key(public_key_file), base_url=url)
        self.stdout.write(f"This node now accepts requests signed by {name}.")

    def _register(
        self, *, name: str, url: str, agencies: str, public_key_file: str, **_: Any
    ) -> None:
        try:
            register_node(
                name=name,
                base_url=url,
                agencies=_agencies(agencies),
                public_key=_public_key(public_key_file),
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"The hub knows node {name} at {url}.")
