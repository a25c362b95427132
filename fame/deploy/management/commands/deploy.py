"""`fame deploy files --out DIR`: write a region's nginx sites, systemd units and example
environment files, rendered from its values (the guide's example values unless given).

    fame deploy files --out DIR [--hub-name fame.example.org]
        [--hub-upstreams 127.0.0.1:9201,127.0.0.1:9202] [--node-name police]
        [--node-server-name police.fame.example.org] [--node-upstream 127.0.0.1:9211]
        [--listen 443] [--tls-dir /etc/fame/tls] [--ca-file F] [--user fame]
        [--install-dir /opt/fame] [--data-root /var/lib/fame] [--env-dir /etc/fame]
        [--database-host db.fame.example.org]

With the example values it writes the files shipped in ``deploy/``. Nothing is written
unless every value is good; files already in DIR are replaced.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fame.deploy.render import EXAMPLE, DeployValueError, Values, all_files


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # text from values: no database
    help = "Write the nginx sites, systemd units and example environment files for a region."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", title="verbs", required=True)
        files = sub.add_parser("files", help="write the deployment files into --out")
        files.add_argument("--out", required=True, help="the folder to write them into")
        files.add_argument("--hub-name", dest="hub_server_name", default=EXAMPLE.hub_server_name)
        files.add_argument(
            "--hub-upstreams",
            default=",".join(EXAMPLE.hub_upstreams),
            help="the hub's served processes, address:port,... (one fame-hub@PORT each)",
        )
        files.add_argument("--node-name", default=EXAMPLE.node_name)
        files.add_argument("--node-server-name", default=EXAMPLE.node_server_name)
        files.add_argument("--node-upstream", default=EXAMPLE.node_upstream)
        files.add_argument("--listen", default=EXAMPLE.listen)
        files.add_argument("--tls-dir", default=EXAMPLE.tls_dir)
        files.add_argument("--ca-file", default=EXAMPLE.ca_file)
        files.add_argument("--user", default=EXAMPLE.user)
        files.add_argument("--install-dir", default=EXAMPLE.install_dir)
        files.add_argument("--data-root", default=EXAMPLE.data_root)
        files.add_argument("--env-dir", default=EXAMPLE.env_dir)
        files.add_argument("--database-host", default=EXAMPLE.database_host)

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        given = {f.name: options[f.name] for f in fields(Values)}
        upstreams = tuple(u.strip() for u in options["hub_upstreams"].split(",") if u.strip())
        values = Values(**given | {"hub_upstreams": upstreams})
        try:
            files = all_files(values)
        except DeployValueError as error:
            raise CommandError(f"Nothing was written: {error}") from None
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"Nothing was written: {out} is a file, not a folder.")
        for name, text in files.items():
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {len(files)} files into {out}:")
        for name in files:
            self.stdout.write(f"  {name}")
