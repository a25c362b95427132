"""Render the nginx sites, systemd units and example environment files from a few values.

One source for the files shipped in ``deploy/`` (``EXAMPLE``'s values), for
``fame deploy files`` (a region's own values) and for anything that starts a region
as the guide does: each function returns text, and writes nothing.

    nginx_site("hub", server_name=..., listen="443", certificate=..., certificate_key=...,
               upstreams=["127.0.0.1:9201", "127.0.0.1:9202"])
    systemd_units(user="fame", install_dir="/opt/fame", ...)  # {file name: text}
    env_files(EXAMPLE)                                        # {file name: text}
    all_files(EXAMPLE)                                        # {path under deploy/: text}

The request-size limits come from the settings (``FAME_API_MAX_BODY`` for the
federation APIs, ``FAME_READINESS_MAX_UPLOAD`` for the pages), so the proxy refuses
what the application would refuse, and nothing it would take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import jinja2
from django.conf import settings

FILES = Path(__file__).resolve().parent / "files"
PAGE_UPLOADS = 10
"""The most documents one page posts: a readiness round's building block takes one per
statement, and the shipped banks have at most 10 statements in a block."""
FORM_MARGIN = 1024 * 1024
"""Room in a page's request for its form fields beside the documents."""
SITE_KINDS = ("hub", "node")

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(FILES),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # noqa: S701 - configuration files, not HTML
)


class DeployValueError(ValueError):
    """A value that would make a broken file; the message names the value."""


@dataclass(frozen=True)
class Values:
    """What a region's deployment files depend on; ``EXAMPLE`` holds the guide's values."""

    hub_server_name: str = "fame.example.org"
    hub_upstreams: tuple[str, ...] = ("127.0.0.1:9201", "127.0.0.1:9202")
    node_name: str = "police"
    node_server_name: str = "police.fame.example.org"
    node_upstream: str = "127.0.0.1:9211"
    listen: str = "443"
    tls_dir: str = "/etc/fame/tls"
    user: str = "fame"
    install_dir: str = "/opt/fame"
    data_root: str = "/var/lib/fame"
    env_dir: str = "/etc/fame"
    database_host: str = "db.fame.example.org"
    ca_file: str = "/etc/fame/tls/region-ca.pem"

    def certificate(self, server_name: str) -> str:
        return f"{self.tls_dir}/{server_name}.crt"

    def certificate_key(self, server_name: str) -> str:
        return f"{self.tls_dir}/{server_name}.key"

    @property
    def hub_ports(self) -> list[str]:
        return [_port(upstream) for upstream in self.hub_upstreams]


EXAMPLE = Values()

_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
_UPSTREAM = re.compile(r"^(\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$")
_LISTEN = re.compile(r"^((\[[0-9A-Fa-f:]+\]|[0-9.]+):)?(\d{1,5})$")
_PATH = re.compile(r"^/[A-Za-z0-9._/@%-]*$")
_USER = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_NODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def _check(pattern: re.Pattern[str], value: str, what: str, example: str) -> str:
    if not pattern.fullmatch(value):
        raise DeployValueError(f"{what} is {value!r}; give one like {example}.")
    return value


def _port(upstream: str) -> str:
    match = _UPSTREAM.fullmatch(upstream)
    if not match or not 1 <= int(match.group(2)) <= 65535:
        raise DeployValueError(
            f"the upstream {upstream!r} is not an address and port like 127.0.0.1:9201."
        )
    return match.group(2)


def _under(path: str, root: str) -> str:
    """``path`` relative to ``root`` if it lies under it, else the empty string."""
    return path[len(root) + 1 :] if path.startswith(root + "/") else ""


def _size(number: int) -> str:
    """A size as nginx reads it: in megabytes or kilobytes when whole, else in bytes."""
    for unit, factor in (("m", 1024 * 1024), ("k", 1024)):
        if number % factor == 0:
            return f"{number // factor}{unit}"
    return str(number)


def nginx_site(
    kind: Literal["hub", "node"],
    *,
    server_name: str,
    listen: str,
    certificate: str,
    certificate_key: str,
    upstreams: list[str],
    client_ca: str | None = None,
) -> str:
    """The nginx site in front of the hub's instances or a node: TLS, HSTS, and the
    request-size limits of the APIs and pages.

    ``listen`` is a port or an address and port (``443``, ``10.0.0.5:443``);
    ``upstreams`` the served processes behind it (``127.0.0.1:9201``); ``client_ca``, if
    given, asks every client for a certificate from that CA (FAME's own calls between
    hub and nodes present none, so a site they reach must leave it unset).
    """
    if kind not in SITE_KINDS:
        raise DeployValueError(f"the site is for {kind!r}; give hub or node.")
    _check(_NAME, server_name, "the server name", "fame.example.org")
    listen_match = _LISTEN.fullmatch(listen)
    if not listen_match or not 1 <= int(listen_match.group(3)) <= 65535:
        raise DeployValueError(f"listen is {listen!r}; give a port or address:port like 443.")
    for path, what in ((certificate, "the certificate"), (certificate_key, "the key")):
        _check(_PATH, path, f"{what}'s path", "/etc/fame/tls/fame.example.org.crt")
    if client_ca is not None:
        _check(_PATH, client_ca, "the client CA's path", "/etc/fame/tls/region-ca.pem")
    if not upstreams:
        raise DeployValueError("give at least one upstream, like 127.0.0.1:9201.")
    for upstream in upstreams:
        _port(upstream)
    api_max_body = int(settings.FAME_API_MAX_BODY)
    page_max_body = max(
        PAGE_UPLOADS * int(settings.FAME_READINESS_MAX_UPLOAD) + FORM_MARGIN,
        int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
    )
    return _environment.get_template("nginx-site.conf.j2").render(
        kind=kind,
        server_name=server_name,
        upstream_name=f"fame_{kind}_{re.sub(r'[^A-Za-z0-9]', '_', server_name)}",
        listen=listen,
        http_listen=(listen_match.group(1) or "") + "80",
        certificate=certificate,
        certificate_key=certificate_key,
        client_ca=client_ca,
        upstreams=upstreams,
        api_max_body=_size(api_max_body),
        api_max_body_bytes=f"{api_max_body:,}",
        page_max_body=_size(page_max_body),
        page_uploads=PAGE_UPLOADS,
        max_upload_bytes=f"{int(settings.FAME_READINESS_MAX_UPLOAD):,}",
        feed_seconds=int(settings.FAME_DEMONSTRATOR_FEED_SECONDS) + 60,
    )


def systemd_units(
    *,
    user: str = EXAMPLE.user,
    install_dir: str = EXAMPLE.install_dir,
    data_root: str = EXAMPLE.data_root,
    env_dir: str = EXAMPLE.env_dir,
) -> dict[str, str]:
    """The systemd units and timers, by file name: the hub's instances (``fame-hub@PORT``),
    each node (``fame-node@NAME``) and its outbox worker (``fame-worker@NAME``), and the
    hub's daily retention and its tree-head publishing, each as a service and a timer."""
    _check(_USER, user, "the user", "fame")
    for path, what in (
        (install_dir, "the install folder"),
        (data_root, "the data folder"),
        (env_dir, "the settings folder"),
    ):
        _check(_PATH, path, what, "/opt/fame")
    values = {
        "user": user,
        "fame": f"{install_dir.rstrip('/')}/.venv/bin/fame",
        "install_dir": install_dir.rstrip("/"),
        "data_root": data_root.rstrip("/"),
        "env_dir": env_dir.rstrip("/"),
        # systemd makes the data folders, owned by the user, when they are under /var/lib.
        "state_directory": _under(data_root.rstrip("/"), "/var/lib"),
    }
    names = [
        "fame-hub@.service",
        "fame-node@.service",
        "fame-worker@.service",
        "fame-retention.service",
        "fame-retention.timer",
        "fame-audit-publish.service",
        "fame-audit-publish.timer",
    ]
    return {name: _environment.get_template(f"{name}.j2").render(**values) for name in names}


def env_files(values: Values = EXAMPLE) -> dict[str, str]:
    """Example environment files (``/etc/fame/hub.env``, ``/etc/fame/NODE.env``), by file
    name, with the secrets left for the reader to fill in."""
    _check(_NODE, values.node_name, "the node's name", "police")
    _check(_NAME, values.database_host, "the database host", "db.fame.example.org")
    common = {
        "hub_url": f"https://{values.hub_server_name}",
        "database_host": values.database_host,
        "ca_file": values.ca_file,
    }
    hub = _environment.get_template("hub.env.j2").render(
        server_name=values.hub_server_name, **common
    )
    node = _environment.get_template("node.env.j2").render(
        node_name=values.node_name,
        server_name=values.node_server_name,
        port=_port(values.node_upstream),
        **common,
    )
    return {"hub.env.example": hub, f"{values.node_name}.env.example": node}


def all_files(values: Values = EXAMPLE) -> dict[str, str]:
    """Every deployment file for ``values``, by its path under ``deploy/``."""
    sites: dict[Literal["hub", "node"], tuple[str, list[str]]] = {
        "hub": (values.hub_server_name, list(values.hub_upstreams)),
        "node": (values.node_server_name, [values.node_upstream]),
    }
    files: dict[str, str] = {}
    for kind, (server_name, upstreams) in sites.items():
        # A node's site is named after the node: two nodes hosted on one machine each
        # have their own.
        name = "fame-hub" if kind == "hub" else f"fame-node-{values.node_name}"
        files[f"nginx/{name}.conf"] = nginx_site(
            kind,
            server_name=server_name,
            listen=values.listen,
            certificate=values.certificate(server_name),
            certificate_key=values.certificate_key(server_name),
            upstreams=upstreams,
        )
    units = systemd_units(
        user=values.user,
        install_dir=values.install_dir,
        data_root=values.data_root,
        env_dir=values.env_dir,
    )
    files.update({f"systemd/{name}": text for name, text in units.items()})
    files.update({f"env/{name}": text for name, text in env_files(values).items()})
    return files
