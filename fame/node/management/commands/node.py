"""`fame node ...`: host agencies, import their records, and register nodes and keys.

On a node:  fame node host --agencies A,B [--region region.json]
            fame node import PATH            (an agency CSV, or a folder of them)
            fame node trust --name hub --url URL --public-key-file F [--overlap-hours H]
On the hub: fame node register --name N --url URL --agencies A,B --public-key-file F
                               [--overlap-hours H]
On either:  fame node keys [--name N]            a peer's keys: current, replaced, revoked
            fame node revoke-key --name N --key-id K --reason TEXT
A new key for a name already known is a rotation: the old key stays accepted for the
overlap (24 hours unless --overlap-hours says otherwise), then is refused as retired.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.federation import KEY_OVERLAP, KeyChangeRefused, key_lines, revoke_key
from fame.federation.actions import register_node
from fame.federation.keys import PublicKeyError, load_public_pem
from fame.federation.models import FederationNode
from fame.node import actions
from fame.node.models import TrustedKey
from fame.node.queries import hosted_agencies
from fame.records import RecordFileError, read_records


def _agencies(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _overlap(hours: float) -> timedelta:
    if not 0 <= hours <= 24 * 90:
        raise CommandError("--overlap-hours takes 0 to 2160 (90 days).", returncode=2)
    return timedelta(hours=hours)


def _current_pem(name: str) -> str | None:
    """The register row's key for ``name``: a node the hub registered, or a key this node
    trusts."""
    node = FederationNode.objects.filter(name=name).first()
    if node is not None:
        return node.public_key
    trusted = TrustedKey.objects.filter(name=name).first()
    return trusted.public_key if trusted is not None else None


def _public_key(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="ascii")
        load_public_pem(text)
    except (OSError, UnicodeDecodeError, PublicKeyError) as error:
        raise CommandError(f"{path}: not an Ed25519 public key file ({error})") from None
    return text


OVERLAP_HOURS = KEY_OVERLAP.total_seconds() / 3600
OVERLAP = "how long a replaced key stays accepted, in hours (24)"


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
        trust.add_argument("--overlap-hours", type=float, default=OVERLAP_HOURS, help=OVERLAP)
        register = sub.add_parser("register", help="on the hub: register a node")
        register.add_argument("--name", required=True)
        register.add_argument("--url", required=True)
        register.add_argument("--agencies", required=True)
        register.add_argument("--public-key-file", required=True)
        register.add_argument("--overlap-hours", type=float, default=OVERLAP_HOURS, help=OVERLAP)
        keys = sub.add_parser("keys", help="list peers' keys: current, replaced, revoked")
        keys.add_argument("--name", help="only this node (on the hub) or trusted name (a node)")
        revoke = sub.add_parser("revoke-key", help="stop accepting a peer's key at once")
        revoke.add_argument("--name", required=True, help="the node (hub) or trusted name (node)")
        revoke.add_argument("--key-id", required=True, help="16 hex digits, from `fame node keys`")
        revoke.add_argument("--reason", required=True, help="why, for the audit log")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        getattr(self, f"_{verb.replace('-', '_')}")(**options)

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

    def _trust(
        self, *, name: str, url: str, public_key_file: str, overlap_hours: float, **_: Any
    ) -> None:
        overlap = _overlap(overlap_hours)
        before = _current_pem(name)
        public_key = _public_key(public_key_file)
        try:
            actions.trust_key(name=name, public_key=public_key, base_url=url, overlap=overlap)
        except KeyChangeRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"This node now accepts requests signed by {name}.")
        self._say_replaced(name, before, public_key)

    def _register(
        self,
        *,
        name: str,
        url: str,
        agencies: str,
        public_key_file: str,
        overlap_hours: float,
        **_: Any,
    ) -> None:
        overlap = _overlap(overlap_hours)
        before = _current_pem(name)
        public_key = _public_key(public_key_file)
        try:
            register_node(
                name=name,
                base_url=url,
                agencies=_agencies(agencies),
                public_key=public_key,
                overlap=overlap,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"The hub knows node {name} at {url}.")
        self._say_replaced(name, before, public_key)

    def _say_replaced(self, name: str, before: str | None, now: str) -> None:
        if before is None or before == now:
            return
        for line in key_lines(name, now):
            self.stdout.write(f"  {line.key_id}  {line.status}")

    def _keys(self, *, name: str | None, **_: Any) -> None:
        names = (
            [name]
            if name
            else sorted(
                set(FederationNode.objects.values_list("name", flat=True))
                | set(TrustedKey.objects.values_list("name", flat=True))
            )
        )
        if name and _current_pem(name) is None:
            raise CommandError(f"No node or trusted key is called {name}.")
        for peer in names:
            for line in key_lines(peer, _current_pem(peer)):
                self.stdout.write(f"{line.peer}  {line.key_id}  {line.status}")

    def _revoke_key(self, *, name: str, key_id: str, reason: str, **_: Any) -> None:
        current = _current_pem(name)
        if current is None:
            raise CommandError(f"No node or trusted key is called {name}; nothing was changed.")
        try:
            row = revoke_key(peer=name, key_id=key_id, current_pem=current, reason=reason, by="cli")
        except KeyChangeRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Key {row.key_id} of {name} is revoked: requests signed with it are refused."
        )
        if row.public_key == current:
            self.stdout.write(
                f"It was {name}'s current key: {name} is refused until it is given a new one "
                "(`fame node register` on the hub, `fame node trust` on a node)."
            )
