"""A region rehearsed the production way on one machine (`fame rehearse`, ADR 0044).

PostgreSQL for the hub and each node (one database each on the machine's
server), the hub as two gunicorn instances on two loopback addresses behind one
nginx with TLS from a throwaway CA, three nodes on their own loopback addresses,
each behind nginx too, all with ``FAME_ENV=production``. nginx's sites and each
process's command line and environment come from ``fame.deploy.render``: the
rehearsal runs what the shipped files say. The region joins with the verbs the
deployment guide names (`fame keys`, `fame node register`, `fame node trust`,
`fame audit trust`, `fame node host`, `fame node import`).
"""

from __future__ import annotations

import base64
import csv
import datetime
import ipaddress
import json
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from psycopg import sql

from fame.deploy.render import nginx_site, systemd_units

from . import _processes as processes
from .demo import plan_nodes

NODE_PLAN: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("schools-health", "Schools, GP practices and health trusts", ("sch", "gp", "hlt")),
    ("social-care-police", "Social care, police and youth justice", ("lasc", "pol", "yot")),
    ("community-hosted", "Hosted node: voluntary, youth, early years and others", ()),
)
"""The rehearsal's three nodes: name, what it is, the agency id prefixes it hosts."""

HUB_HOST = "127.0.0.1"
"""Where nginx answers for the hub; its two instances listen on loopback beside it, as the
units say (``fame-hub@PORT``), on two ports."""
NODE_HOSTS = ("127.0.0.3", "127.0.0.4", "127.0.0.5")
"""Where nginx answers for each node (its process listens on 127.0.0.1, as its unit says)."""
LOOPBACK = [f"127.0.0.{n}" for n in range(1, 10)]
DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,40}")


class RehearsalError(RuntimeError):
    """The rehearsal could not be set up or a check failed; the message says which and why."""


@dataclass(frozen=True)
class Layout:
    """Where the rehearsal keeps its files and databases, and which ports it uses."""

    root: Path
    postgres: str = "postgres://postgres@127.0.0.1:5432"
    prefix: str = "fame_rehearse"
    public_port: int = 9443
    """nginx's TLS port, on the hub's and each node's address."""
    backend_port: int = 9301
    """gunicorn's port, on each hub instance's and each node's address."""
    children: int = 500
    seed: int = 11

    def check(self) -> None:
        if not DATABASE_NAME.fullmatch(self.prefix):
            raise RehearsalError(
                f"--prefix {self.prefix!r}: use lower-case letters, digits and _ "
                "(up to 41), starting with a letter or _."
            )
        parts = urlsplit(self.postgres)
        if parts.scheme not in {"postgres", "postgresql"} or not parts.hostname:
            raise RehearsalError(
                f"--postgres {self.postgres!r}: give a server's address, "
                "postgres://USER@HOST:PORT (no database name)."
            )
        if parts.path.strip("/"):
            raise RehearsalError(
                f"--postgres {self.postgres!r}: leave out the database name; "
                f"the rehearsal makes its own ({self.prefix}_hub, ...)."
            )
        for port in (self.public_port, self.backend_port):
            if not 1024 <= port <= 65535:
                raise RehearsalError(f"Port {port}: use one from 1024 to 65535.")
        if self.public_port == self.backend_port:
            raise RehearsalError("nginx and gunicorn need different ports.")

    def database_url(self, name: str) -> str:
        return f"{self.postgres.rstrip('/')}/{self.database(name)}"

    def database(self, name: str) -> str:
        return f"{self.prefix}_{name.replace('-', '_')}"


@dataclass(frozen=True)
class Certificates:
    ca: Path
    certificate: Path
    key: Path

    def context(self) -> ssl.SSLContext:
        """A client's TLS context that trusts the throwaway CA and nothing else."""
        return ssl.create_default_context(cafile=str(self.ca))


def make_certificates(folder: Path, *, hosts: list[str]) -> Certificates:
    """A throwaway CA (made once, kept in ``folder``) and one server certificate from it for
    ``hosts`` (loopback addresses) and localhost."""
    folder.mkdir(parents=True, exist_ok=True)
    made = Certificates(folder / "ca.pem", folder / "server.pem", folder / "server-key.pem")
    if made.ca.exists() and made.certificate.exists() and made.key.exists():
        return made
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "FAME rehearsal CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    names += [x509.IPAddress(ipaddress.ip_address(host)) for host in hosts]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    made.key.touch(mode=0o600)
    made.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    made.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    made.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return made


def make_databases(
    layout: Layout, names: list[str], *, fresh: bool, migrate: Callable[[str], None]
) -> None:
    """One database per process on the machine's PostgreSQL server (dropped first if
    ``fresh``; kept, to resume, otherwise). Each new one is a copy of a template database
    that ``migrate`` (given its URL) set up once: one migration, not one per process."""
    try:
        connection = psycopg.connect(layout.postgres.rstrip("/") + "/postgres")
    except psycopg.Error as error:
        raise RehearsalError(f"PostgreSQL at {layout.postgres} does not answer: {error}") from None
    with connection:
        connection.autocommit = True

        def exists(name: str) -> bool:
            query = "SELECT 1 FROM pg_database WHERE datname = %s"
            return connection.execute(query, [layout.database(name)]).fetchone() is not None

        if fresh:
            for name in [*names, "template"]:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(layout.database(name))
                    )
                )
        missing = [name for name in names if not exists(name)]
        if not missing:
            return
        template = sql.Identifier(layout.database("template"))
        if not exists("template"):
            connection.execute(sql.SQL("CREATE DATABASE {}").format(template))
            migrate(layout.database_url("template"))
        for name in missing:
            connection.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(layout.database(name)), template
                )
            )


def drop_databases(layout: Layout, names: list[str]) -> None:
    with psycopg.connect(layout.postgres.rstrip("/") + "/postgres", autocommit=True) as connection:
        for name in [*names, "template"]:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(layout.database(name))
                )
            )


def on_rehearsal_ports(site: str) -> str:
    """A shipped site as the rehearsal runs it: without its plain-HTTP redirect on port
    80, as the rehearsal keeps to its own ports; the rest as shipped."""
    return re.sub(r"server \{\s*listen [0-9.:]*80;.*?\n\}\n", "", site, flags=re.S)


def unit_command(
    unit: str, *, instance: str, cache: str
) -> tuple[list[str], dict[str, str], list[str]]:
    """A systemd unit's ``ExecStart`` (split as systemd would), its ``Environment`` and
    the ``EnvironmentFile`` it reads, for ``instance`` (``%i``; ``%C`` is ``cache``)."""
    command: list[str] = []
    env: dict[str, str] = {}
    files: list[str] = []
    for line in unit.splitlines():
        line = line.replace("%i", instance).replace("%C", cache)
        key, _, value = line.strip().partition("=")
        if key == "ExecStart":
            command = shlex.split(value.lstrip("-@:+!"))
        elif key == "Environment":
            for item in shlex.split(value):
                name, _, setting = item.partition("=")
                env[name] = setting
        elif key == "EnvironmentFile":
            files.append(value.lstrip("-"))
    if not command:
        raise RehearsalError("The rendered unit has no ExecStart.")
    return command, env, files


@dataclass
class Rehearsal:
    """The region: its layout, its processes' specs, and what is running."""

    layout: Layout
    say: Callable[[str], None] = print
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.layout.check()
        root = self.layout.root
        self.region_dir = root / "region"
        self.hubs = [
            processes.ProcessSpec(
                f"hub-{letter}",
                "hub",
                self.layout.backend_port + i,
                root / "hub",
                log_name=f"serve-hub-{letter}.log",
            )
            for i, letter in enumerate("ab")
        ]
        self.nodes: list[processes.ProcessSpec] = []
        self.certificates = Certificates(
            root / "tls" / "ca.pem", root / "tls" / "server.pem", root / "tls" / "server-key.pem"
        )

    # Addresses ---------------------------------------------------------------------------

    @property
    def hub_url(self) -> str:
        return f"https://{HUB_HOST}:{self.layout.public_port}"

    def public_host(self, spec: processes.ProcessSpec) -> str:
        return HUB_HOST if spec.role == "hub" else NODE_HOSTS[self.nodes.index(spec)]

    def public_url(self, spec: processes.ProcessSpec) -> str:
        return f"https://{self.public_host(spec)}:{self.layout.public_port}"

    @property
    def everyone(self) -> list[processes.ProcessSpec]:
        return [*self.hubs, *self.nodes]

    def database_names(self) -> list[str]:
        return ["hub", *(name for name, _, _ in NODE_PLAN)]

    # The units and their environment ------------------------------------------------------

    def units(self) -> dict[str, str]:
        """The shipped units, rendered for the rehearsal's folders."""
        return systemd_units(
            user=pwd.getpwuid(os.geteuid()).pw_name,
            install_dir=str(self.layout.root / "install"),
            data_root=str(self.layout.root),
            env_dir=str(self.layout.root / "etc"),
        )

    def environment_file(self, spec: processes.ProcessSpec) -> Path:
        return self.layout.root / "etc" / f"{'hub' if spec.role == 'hub' else spec.name}.env"

    def write_environment(self, spec: processes.ProcessSpec) -> None:
        """What an operator writes in the process's environment file: its secrets and
        addresses (``/etc/fame/*.env`` in a real region)."""
        self.environment_file(spec).parent.mkdir(parents=True, exist_ok=True)
        secret = spec.data_dir / "secret-key"
        if not secret.exists():
            secret.touch(mode=0o600)
            secret.write_text(secrets.token_urlsafe(64), encoding="ascii")
        database = "hub" if spec.role == "hub" else spec.name
        values = {
            "FAME_ENV": "production",
            "FAME_ROLE": spec.role,
            "FAME_NODE_NAME": spec.name if spec.role == "node" else "hub",
            "FAME_SECRET_KEY": secret.read_text(encoding="ascii"),
            # its public name, and loopback, where its own health is checked
            "FAME_ALLOWED_HOSTS": f"{self.public_host(spec)},127.0.0.1",
            "FAME_PUBLIC_URL": self.public_url(spec),
            "FAME_HUB_URL": self.hub_url,
            "FAME_BEHIND_TLS_PROXY": "1",
            "FAME_TLS_CA_FILE": str(self.certificates.ca),
            "DATABASE_URL": self.layout.database_url(database),
        }
        if spec.role == "node":
            values["FAME_PORT"] = str(spec.port)
        path = self.environment_file(spec)
        path.touch(mode=0o600)
        path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")

    def command_and_environment(
        self, spec: processes.ProcessSpec, unit: str = ""
    ) -> tuple[list[str], dict[str, str]]:
        """The command line of ``spec``'s unit (``fame-hub@PORT`` or ``fame-node@NAME``, or
        ``unit``; this checkout's ``fame``) and the environment systemd would give it: the
        unit's ``Environment=`` and its environment file."""
        name = unit or ("fame-hub@.service" if spec.role == "hub" else "fame-node@.service")
        instance = str(spec.port) if spec.role == "hub" else spec.name
        cache = str(self.layout.root / "cache")
        command, unit_env, files = unit_command(self.units()[name], instance=instance, cache=cache)
        if Path(command[0]).name != "fame":
            raise RehearsalError(f"The unit runs {command[0]}, not the fame command.")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FAME_", "DATABASE_"))}
        env.update(unit_env)
        for file in files:
            for line in Path(file).read_text(encoding="utf-8").splitlines():
                key, _, value = line.partition("=")
                if key.strip() and not key.startswith("#"):
                    env[key.strip()] = value.strip()
        command = [re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), a) for a in command]
        return [*processes.FAME, *command[1:]], env

    def environment(self, spec: processes.ProcessSpec) -> dict[str, str]:
        return self.command_and_environment(spec)[1]

    def migrate(self, database_url: str) -> None:
        """Set up a new database (`fame migrate`) in production mode."""
        env = {**self.environment(self.hubs[0]), "DATABASE_URL": database_url}
        _run_fame([*processes.FAME, "migrate", "--verbosity", "0"], env, "")

    def run(self, spec: processes.ProcessSpec, *args: str) -> str:
        """Run a one-off `fame` verb as ``spec``'s process would (its environment)."""
        return _run_fame([*processes.FAME, *args], self.environment(spec), f"for {spec.name}")

    def run_scheduled(self, unit: str) -> str:
        """Start a timer's service once on the hub as systemd would (``unit``, such as
        ``fame-audit-publish.service``: its command line and environment); its output."""
        command, env = self.command_and_environment(self.hubs[0], unit)
        return _run_fame(command, env, f"({unit})")

    # Preparing --------------------------------------------------------------------------

    def prepare(self, *, fresh: bool) -> None:
        root = self.layout.root
        if fresh and root.exists():
            self.say(f"Starting afresh: removing {root} and the rehearsal's databases…")
            shutil.rmtree(root)
        root.mkdir(parents=True, exist_ok=True)
        self.certificates = make_certificates(root / "tls", hosts=LOOPBACK)
        if not (self.region_dir / "region.json").exists():
            self.say(f"Making a region of {self.layout.children:,} children (`fame synth`)…")
            call_command(
                "synth",
                children=self.layout.children,
                seed=self.layout.seed,
                out=str(self.region_dir),
                stdout=StringIO(),
            )
        region = self.region()
        self.nodes = [
            processes.ProcessSpec(
                spec.name, "node", spec.port, spec.data_dir, agencies=spec.agencies
            )
            for spec in plan_nodes(
                region, root=root, first_port=self.layout.backend_port + 2, plan=NODE_PLAN
            )
        ]
        for spec in self.everyone:
            spec.data_dir.mkdir(parents=True, exist_ok=True)
            self.write_environment(spec)
        self.say("Making the databases (one migrated, copied for each process)…")
        make_databases(self.layout, self.database_names(), fresh=fresh, migrate=self.migrate)
        password = root / "password"
        if not password.exists():
            password.touch(mode=0o600)
            password.write_text(secrets.token_urlsafe(18), encoding="ascii")
        self.say("Making each process's key (`fame keys`)…")
        hub = self.hubs[0]
        processes.make_keys([hub, *self.nodes], hub_url=self.hub_url, env_for=self.environment)
        self.say("Loading the region's organisations and people into the hub…")
        command, _ = self.command_and_environment(hub)
        self.run(
            hub,
            *command[len(processes.FAME) :],
            "--region",
            str(self.region_dir),
            "--password-file",
            str(password),
            "--prepare-only",
        )
        self.say("Joining the nodes (`fame node register`, `fame node trust`, …)…")
        for node in self.nodes:
            self.run(
                hub,
                "node",
                "register",
                "--name",
                node.name,
                "--url",
                self.public_url(node),
                "--agencies",
                ",".join(node.agencies),
                "--public-key-file",
                str(node.public_key_file),
            )
        problems: list[str] = []

        def join(node: processes.ProcessSpec) -> None:
            try:
                self.join_node(node)
            except RehearsalError as error:
                problems.append(str(error))

        threads = [threading.Thread(target=join, args=(node,)) for node in self.nodes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if problems:
            raise RehearsalError("\n".join(problems))

    def join_node(self, node: processes.ProcessSpec) -> None:
        """A node trusts the hub's keys, hosts its agencies and imports their records."""
        hub = self.hubs[0]
        self.run(
            node, "node", "trust", "--name", "hub", "--url", self.hub_url,
            "--public-key-file", str(hub.public_key_file),
        )  # fmt: skip
        self.run(node, "audit", "trust", "--public-key-file", str(hub.data_dir / "audit.pub"))
        self.run(
            node, "node", "host", "--agencies", ",".join(node.agencies),
            "--region", str(self.region_dir / "region.json"),
        )  # fmt: skip
        self.run(node, "node", "import", str(self.region_dir))

    def region(self) -> dict[str, Any]:
        return dict(json.loads((self.region_dir / "region.json").read_text(encoding="utf-8")))

    # Running ----------------------------------------------------------------------------

    def start(self, *, timeout: float = 180.0) -> None:
        """The hub's two instances, then nginx, then the nodes; each answering."""
        for spec in self.hubs:
            self.start_process(spec)
        processes.wait_healthy(self.hubs, self.running, timeout=timeout, say=self.say)
        self.start_nginx()
        for spec in self.nodes:
            self.start_process(spec)
        processes.wait_healthy(self.nodes, self.running, timeout=timeout, say=self.say)
        for spec in self.nodes:  # its outbox worker (fame-worker@NAME)
            command, env = self.command_and_environment(spec, "fame-worker@.service")
            log = spec.data_dir / "worker.log"
            self.running[f"{spec.name}-worker"] = processes.launch(command, env=env, log=log)
        self.wait_for_nginx(timeout=30)

    def start_process(self, spec: processes.ProcessSpec) -> None:
        command, env = self.command_and_environment(spec)
        self.running[spec.name] = processes.launch(command, env=env, log=spec.log)

    def nginx_config(self) -> str:
        folder = self.layout.root / "nginx"
        tls = self.certificates
        sites = [
            nginx_site(
                "hub",
                server_name=HUB_HOST,
                listen=f"{HUB_HOST}:{self.layout.public_port}",
                certificate=str(tls.certificate),
                certificate_key=str(tls.key),
                upstreams=[f"{spec.host}:{spec.port}" for spec in self.hubs],
            )
        ]
        sites += [
            nginx_site(
                "node",
                server_name=self.public_host(node),
                listen=f"{self.public_host(node)}:{self.layout.public_port}",
                certificate=str(tls.certificate),
                certificate_key=str(tls.key),
                upstreams=[f"{node.host}:{node.port}"],
            )
            for node in self.nodes
        ]
        sites = [on_rehearsal_ports(site) for site in sites]
        # nginx started by root would run its workers as nobody, who cannot write here.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        temp = "\n".join(
            f"    {kind}_temp_path {folder / 'temp' / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return (
            f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} warn;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            "    log_format upstreams '$remote_addr \"$request\" $status $upstream_addr';\n"
            f"    access_log {folder / 'access.log'} upstreams;\n{temp}\n\n"
            + "\n".join(sites)
            + "}\n"
        )

    def start_nginx(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        folder = self.layout.root / "nginx"
        (folder / "temp").mkdir(parents=True, exist_ok=True)
        (folder / "nginx.conf").write_text(self.nginx_config(), encoding="utf-8")
        command = [nginx, "-p", str(folder), "-e", str(folder / "error.log")]
        command += ["-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
        tested = subprocess.run(  # noqa: S603 - our own command line
            [*command[:-2], "-t"], capture_output=True, text=True, check=False
        )
        if tested.returncode != 0:
            raise RehearsalError(f"nginx refuses the configuration:\n{tested.stderr}")
        self.running["nginx"] = processes.launch(
            command, env=dict(os.environ), log=folder / "nginx.log"
        )

    def wait_for_nginx(self, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        urls = [self.hub_url, *(self.public_url(node) for node in self.nodes)]
        with httpx.Client(verify=self.certificates.context(), trust_env=False) as client:
            for url in urls:
                while True:
                    if self.running["nginx"].poll() is not None:
                        raise RehearsalError("nginx stopped; see its error.log")
                    try:
                        if client.get(f"{url}/healthz", timeout=2).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        raise RehearsalError(f"{url} does not answer through nginx")
                    time.sleep(0.3)
        self.say(f"  nginx answers with TLS on {', '.join(urls)}")

    def stop_process(self, name: str, *, grace: float = 30.0) -> int:
        """SIGTERM one process (as systemd stops a unit) and wait for it; its exit status."""
        process = self.running.pop(name)
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise RehearsalError(f"{name} did not stop within {grace:.0f} s of SIGTERM") from None

    def stop(self) -> None:
        processes.stop(list(self.running.values()))
        self.running.clear()

    # What a person needs ----------------------------------------------------------------

    def logins(self) -> list[dict[str, str]]:
        path = self.hubs[0].data_dir / "demo-logins.json"
        return list(json.loads(path.read_text(encoding="utf-8")))

    def agencies_elsewhere(self, agency: str) -> set[str]:
        """The agencies hosted on a node other than ``agency``'s."""
        mine = {n.name for n in self.nodes if agency in n.agencies}
        return {a for n in self.nodes if n.name not in mine for a in n.agencies}

    def password(self) -> str:
        return (self.layout.root / "password").read_text(encoding="ascii").strip()

    def database(self, name: str) -> psycopg.Connection[Any]:
        return psycopg.connect(self.layout.database_url(name), autocommit=True)


def _run_fame(command: list[str], env: dict[str, str], where: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command line
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        verb = " ".join(["fame", *command[len(processes.FAME) :]])
        raise RehearsalError(f"`{verb}` {where} failed:\n{done.stderr or done.stdout}")
    return done.stdout


def security_code(secret: str) -> str:
    """The current six-digit code of an authenticator with base32 ``secret`` (RFC 6238)."""
    from django_otp.oath import totp

    return f"{totp(base64.b32decode(secret)):06d}"


@dataclass
class Child:
    family_name: str
    date_of_birth: str
    local_id: str
    others: list[str]
    """The agencies of other nodes that hold a record of the child."""


def child_to_find(region_dir: Path, agency: str, elsewhere: set[str]) -> Child:
    """A child ``agency`` holds a record of, that an agency of ``elsewhere`` holds too."""
    held: dict[str, list[tuple[str, str]]] = {}
    with (region_dir / "truth.csv").open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            held.setdefault(row["child_key"], []).append((row["agency_id"], row["local_id"]))
    with (region_dir / f"{agency}.csv").open(encoding="utf-8", newline="") as rows:
        records = {row["local_id"]: row for row in csv.DictReader(rows)}
    for records_of_child in held.values():
        ours = [local for a, local in records_of_child if a == agency and local in records]
        others = sorted({a for a, _ in records_of_child if a in elsewhere})
        if ours and others:
            row = records[ours[0]]
            return Child(row["family_name"], row["date_of_birth"], ours[0], others)
    raise RehearsalError(f"No child of {agency} is known to another agency: {sorted(elsewhere)}.")


class Practitioner:
    """A person using the hub at ``hub_url`` as a browser would (the Origin header sent with
    each form): through nginx, TLS checked against ``verify`` (the throwaway CA)."""

    def __init__(self, hub_url: str, *, verify: ssl.SSLContext | bool = True) -> None:
        self.hub = hub_url
        self.client = httpx.Client(
            base_url=self.hub,
            verify=verify,
            trust_env=False,
            timeout=30,
            headers={"Origin": self.hub},
        )

    def post(self, path: str, data: dict[str, str]) -> httpx.Response:
        token = self.client.cookies.get("csrftoken") or ""
        return self.client.post(path, data={"csrfmiddlewaretoken": token, **data})

    def sign_in(self, username: str, password: str, secret: str) -> None:
        self.client.get("/sign-in").raise_for_status()
        step = self.post("/sign-in", {"username": username, "password": password})
        if step.status_code != 302:
            raise RehearsalError(f"{username}'s password was refused (HTTP {step.status_code}).")
        done = self.post("/sign-in/security-code", {"code": security_code(secret)})
        if done.status_code != 302:
            raise RehearsalError(f"{username}'s security code was refused.")

    def search(self, child: Child) -> list[str]:
        """The result links of a search of the Child Index for ``child``."""
        from fame.demonstrator.drive import links

        year, month, day = child.date_of_birth.split("-")
        page = self.post(
            "/children",
            {
                "family_name": child.family_name,
                "date_of_birth-day": day,
                "date_of_birth-month": month,
                "date_of_birth-year": year,
            },
        )
        if page.status_code != 200:
            raise RehearsalError(f"The search answered HTTP {page.status_code}.")
        return links(page.text, "/children/results/")

    def open_record(self, result: str) -> str:
        opened = self.post(result, {"purpose": "early_help"})
        if opened.status_code != 302:
            raise RehearsalError(f"Opening a record answered HTTP {opened.status_code}.")
        return str(opened.headers["location"])

    def ask(self, record: str, agency: str) -> None:
        asked = self.post(
            f"{record}/ask/{agency}",
            {"purpose": "early_help", "categories": "assessment", "family_told": "yes",
             "consent": "none"},
        )  # fmt: skip
        if asked.status_code != 302:
            raise RehearsalError(f"Asking {agency} answered HTTP {asked.status_code}.")

    def start_caf(self, record: str) -> None:
        from fame.caf.structure import CHECKLIST

        answers = {question.key: "yes" for question in CHECKLIST.questions if question.required}
        started = self.post(f"{record}/caf/start", answers)
        if started.status_code != 302:
            raise RehearsalError(f"Starting a CAF answered HTTP {started.status_code}.")


PERSONA = "school_teacher"
"""Whose login the checks use: a teacher, whose school's node keeps the CAF they start."""


@dataclass
class Findings:
    """What the end-to-end checks saw (``check_region``)."""

    untrusted_refused: str = ""
    records_delivered: int = 0
    found: int = 0
    asked: str = ""
    answer: str = ""
    caf_holder: str = ""
    hub_stopped_with: int | None = None
    found_after_stop: int = 0
    persons_before: int = 0
    persons_after: int = 0
    update_person_matches: bool = False
    published: list[str] = field(default_factory=list)
    retention: str = ""


def count(connection: psycopg.Connection[Any], query: str, *args: object) -> int:
    row = connection.execute(query, list(args)).fetchone()
    return int(row[0]) if row else 0


def wait_until(what: str, test: Callable[[], bool], *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            raise RehearsalError(f"Not done after {timeout:.0f} s: {what}.")
        time.sleep(0.5)


def check_region(
    rehearsal: Rehearsal, *, say: Callable[[str], None], timeout: float = 180.0
) -> Findings:
    """Drive the region through nginx end to end: a practitioner signs in, finds a child,
    asks an agency on another node for details and starts a CAF; then one hub instance is
    stopped (SIGTERM) and the other carries on: a search, and an index update a node
    delivers, matched to the child's person (no second person). Raise on the first failure."""
    found = Findings()
    try:
        httpx.get(rehearsal.hub_url, trust_env=False, timeout=5)
    except httpx.ConnectError as error:
        found.untrusted_refused = str(error)
    if not found.untrusted_refused:
        raise RehearsalError("A client that does not trust the throwaway CA got an answer.")
    say("TLS: the hub's certificate is refused without the throwaway CA, accepted with it.")

    hub_db = rehearsal.database("hub")
    expected = 0
    for node in rehearsal.nodes:
        with rehearsal.database(node.name) as node_db:
            expected += count(node_db, "SELECT count(*) FROM node_noderecord")
    wait_until(
        f"the hub's Child Index holding the nodes' {expected:,} records",
        lambda: count(hub_db, "SELECT count(*) FROM index_sourcerecord") == expected,
        timeout=timeout,
    )
    found.records_delivered = expected
    say(f"The nodes delivered their {expected:,} records to the Child Index.")

    login = next(x for x in rehearsal.logins() if x["persona"] == PERSONA)
    agency = login["username"].rsplit(".", 1)[1]
    child = child_to_find(rehearsal.region_dir, agency, rehearsal.agencies_elsewhere(agency))
    person = Practitioner(rehearsal.hub_url, verify=rehearsal.certificates.context())
    try:
        person.sign_in(login["username"], rehearsal.password(), login["totp_secret"])
        say(f"{login['username']} signed in with password and security code.")
        results = person.search(child)
        found.found = len(results)
        if not results:
            raise RehearsalError(f"The search for {child.family_name} found nobody.")
        record = person.open_record(results[0])
        say(f"Found {child.family_name} ({child.date_of_birth}) and opened the record.")
        found.asked = child.others[0]
        person.ask(record, found.asked)
        row = hub_db.execute(
            "SELECT r.status FROM federation_detailrequest r "
            "JOIN accounts_organisation o ON o.id = r.agency_id "
            "WHERE o.agency_id = %s ORDER BY r.id DESC LIMIT 1",
            [found.asked],
        ).fetchone()
        found.answer = str(row[0]) if row else ""
        if found.answer in {"", "sent", "no_response"}:
            raise RehearsalError(f"{found.asked}'s node did not answer ({found.answer!r}).")
        say(f"Asked {found.asked} for details; its node answered: {found.answer}.")
        person.start_caf(record)
        holder = next(n for n in rehearsal.nodes if agency in n.agencies)
        with rehearsal.database(holder.name) as node_db:
            if not count(node_db, "SELECT count(*) FROM caf_assessment"):
                raise RehearsalError(f"No CAF is kept at {holder.name} after starting one.")
        found.caf_holder = holder.name
        say(f"Started a CAF; {holder.name} keeps it.")

        found.persons_before = count(hub_db, "SELECT count(*) FROM index_person")
        stopped = rehearsal.hubs[0]
        found.hub_stopped_with = rehearsal.stop_process(stopped.name)
        say(f"Stopped {stopped.name} with SIGTERM (exit {found.hub_stopped_with}).")
        found.found_after_stop = len(person.search(child))
        if not found.found_after_stop:
            raise RehearsalError("After the stop, the search found nobody.")
        say(f"The search still answers through nginx ({rehearsal.hubs[1].name} alone).")
        new_id = deliver_update(
            rehearsal.region_dir,
            rehearsal.layout.root / "updates",
            agency,
            child,
            run_import=lambda update: rehearsal.run(holder, "node", "import", str(update)),
        )
        wait_until(
            "the node's index update reaching the hub",
            lambda: bool(
                count(hub_db, "SELECT count(*) FROM index_sourcerecord WHERE local_id = %s", new_id)
            ),
            timeout=timeout,
        )
        persons = hub_db.execute(
            "SELECT DISTINCT person_id FROM index_sourcerecord WHERE local_id IN (%s, %s)",
            [child.local_id, new_id],
        ).fetchall()
        found.update_person_matches = len(persons) == 1
        found.persons_after = count(hub_db, "SELECT count(*) FROM index_person")
        if not found.update_person_matches or found.persons_after != found.persons_before:
            raise RehearsalError(
                f"The update was matched wrongly: {len(persons)} persons for the child's two "
                f"records, {found.persons_before} persons before and {found.persons_after} after."
            )
        say(
            f"{holder.name} delivered a new record of the child; {rehearsal.hubs[1].name} "
            f"matched it to the child's person ({found.persons_after:,} persons, as before)."
        )
        # The timers' services, started once as systemd would start them.
        found.published = rehearsal.run_scheduled("fame-audit-publish.service").splitlines()
        if len(found.published) != len(rehearsal.nodes):
            raise RehearsalError(f"Publishing the tree head said: {found.published}")
        say("fame-audit-publish.service: " + "; ".join(found.published) + ".")
        found.retention = rehearsal.run_scheduled("fame-retention.service").strip()
        say(f"fame-retention.service: {found.retention}")
    finally:
        person.client.close()
        hub_db.close()
    return found


def deliver_update(
    region_dir: Path,
    updates: Path,
    agency: str,
    child: Child,
    *,
    run_import: Callable[[Path], object],
) -> str:
    """A second record of ``child`` at ``agency`` (a copy of its first with a new local id),
    written in ``updates`` and imported at its node by ``run_import`` (`fame node import`);
    the node's worker delivers it to the hub."""
    source = region_dir / f"{agency}.csv"
    with source.open(encoding="utf-8", newline="") as rows:
        reader = csv.DictReader(rows)
        row = next(r for r in reader if r["local_id"] == child.local_id)
        fields = list(reader.fieldnames or [])
    new_id = f"{child.local_id}-R{secrets.token_hex(3).upper()}"
    update = updates / f"{agency}.csv"
    update.parent.mkdir(parents=True, exist_ok=True)
    with update.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerow({**row, "local_id": new_id})
    run_import(update)
    return new_id
