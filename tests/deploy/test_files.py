"""The deployment files: shipped as rendered, accepted by systemd and by nginx.

The units are checked with ``systemd-analyze verify`` and the sites with ``nginx -t``,
each rendered as shipped but for the paths this machine has (the program at
``/opt/fame`` and the certificates are made here).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.deploy import EXAMPLE, all_files, nginx_site, systemd_units
from fame.deploy.render import PAGE_UPLOADS, DeployValueError
from fame.readiness.bank import shipped_banks

from .conftest import Tls

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def test_the_shipped_files_are_what_the_renderer_gives_for_the_guides_values() -> None:
    rendered = all_files(EXAMPLE)
    shipped = {
        str(path.relative_to(DEPLOY)): path.read_text(encoding="utf-8")
        for path in sorted(DEPLOY.rglob("*"))
        if path.is_file()
    }
    assert sorted(shipped) == sorted(rendered), "run `fame deploy files --out deploy`"
    for name, text in rendered.items():
        assert shipped[name] == text, f"deploy/{name} differs: run `fame deploy files --out deploy`"


def test_the_verb_writes_every_file_and_writes_nothing_for_a_bad_value(tmp_path: Path) -> None:
    call_command("deploy", "files", "--out", str(tmp_path / "good"), "--hub-name", "fame.a.org")
    written = sorted(str(p.relative_to(tmp_path / "good")) for p in (tmp_path / "good").rglob("*"))
    assert set(all_files(EXAMPLE)) <= set(written)
    hub_site = (tmp_path / "good" / "nginx" / "fame-hub.conf").read_text(encoding="utf-8")
    assert "server_name fame.a.org;" in hub_site
    assert "FAME_HUB_URL=https://fame.a.org" in (
        tmp_path / "good" / "env" / "police.env.example"
    ).read_text(encoding="utf-8")

    with pytest.raises(CommandError, match="Nothing was written: the server name is 'a b'"):
        call_command("deploy", "files", "--out", str(tmp_path / "bad"), "--hub-name", "a b")
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"server_name": "fame.example.org; include /etc/passwd"}, "the server name"),
        ({"upstreams": ["127.0.0.1"]}, "is not an address and port"),
        ({"upstreams": []}, "at least one upstream"),
        ({"listen": "443 ssl"}, "listen is"),
        ({"certificate": "relative/cert.pem"}, "the certificate's path"),
        ({"client_ca": "/etc/ca.pem;"}, "the client CA's path"),
    ],
)
def test_a_value_that_would_break_the_site_is_refused_by_name(
    change: dict[str, object], says: str
) -> None:
    values: dict[str, object] = {
        "server_name": "fame.example.org",
        "listen": "443",
        "certificate": "/etc/fame/tls/a.crt",
        "certificate_key": "/etc/fame/tls/a.key",
        "upstreams": ["127.0.0.1:9201"],
    } | change
    with pytest.raises(DeployValueError, match=says):
        nginx_site("hub", **values)  # type: ignore[arg-type]


def test_the_proxys_size_limits_follow_the_settings(settings) -> None:
    settings.FAME_API_MAX_BODY = 3 * 1024 * 1024
    settings.FAME_READINESS_MAX_UPLOAD = 2 * 1024 * 1024
    site = nginx_site(
        "hub",
        server_name="fame.example.org",
        listen="443",
        certificate="/c.crt",
        certificate_key="/c.key",
        upstreams=["127.0.0.1:9201"],
    )
    # the APIs (server level) and the pages (10 documents of 2 MiB and 1 MiB of form)
    assert "    client_max_body_size 3m;\n" in site
    assert "        client_max_body_size 21m;\n" in site


def test_a_page_of_the_readiness_round_posts_no_more_documents_than_the_limit_allows() -> None:
    most = max(
        len(bank.in_block(block))
        for bank in shipped_banks().values()
        for block in {s.block for s in bank.statements}
    )
    assert most <= PAGE_UPLOADS


def _verifiable_units(folder: Path) -> list[Path]:
    """The units rendered as shipped but for the program, which exists here, each template
    named by an instance as systemctl would start it."""
    program = folder / "opt" / ".venv" / "bin" / "fame"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    units = systemd_units(install_dir=str(folder / "opt"), env_dir=str(folder / "etc"))
    assert set(units) == {Path(n).name for n in all_files(EXAMPLE) if n.startswith("systemd/")}
    paths = []
    for name, text in units.items():
        (folder / name).write_text(text, encoding="utf-8")
        instance = {"fame-hub@.service": "9201"}.get(name, "police")
        paths.append(folder / name.replace("@.", f"@{instance}."))
    return paths


def _verify(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    assert SYSTEMD_ANALYZE is not None
    return subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_every_unit_passes_systemd_analyze_verify_without_a_warning(tmp_path: Path) -> None:
    paths = _verifiable_units(tmp_path)
    answer = _verify(paths)
    assert (answer.returncode, answer.stderr, answer.stdout) == (0, "", "")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_reports_a_mistake_in_a_unit(tmp_path: Path) -> None:
    """The check above can fail: a misspelt option and a missing program are both reported."""
    paths = _verifiable_units(tmp_path)
    hub = tmp_path / "fame-hub@.service"
    hub.write_text(hub.read_text().replace("NoNewPrivileges=", "NoNewPrivilege="))
    answer = _verify([p for p in paths if p.name.startswith("fame-hub@")])
    assert "Unknown key 'NoNewPrivilege'" in answer.stderr
    (tmp_path / "opt" / ".venv" / "bin" / "fame").unlink()
    answer = _verify([p for p in paths if p.name == "fame-retention.service"])
    assert answer.returncode != 0 and "fame is not executable" in answer.stderr


def _nginx_test(folder: Path, sites: list[str]) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` of a main configuration that includes ``sites``, all in ``folder``."""
    assert NGINX is not None
    includes = []
    for i, site in enumerate(sites):
        (folder / f"site{i}.conf").write_text(site, encoding="utf-8")
        includes.append(f"    include {folder}/site{i}.conf;")
    main = folder / "nginx.conf"
    main.write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\nhttp {{\n"
        + "\n".join(includes)
        + "\n}\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(main), "-e", str(folder / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _site(kind: str, tls: Tls, **change: object) -> str:
    values: dict[str, object] = {
        "server_name": EXAMPLE.hub_server_name if kind == "hub" else EXAMPLE.node_server_name,
        "listen": EXAMPLE.listen,
        "certificate": str(tls.certificate),
        "certificate_key": str(tls.key),
        "upstreams": list(EXAMPLE.hub_upstreams if kind == "hub" else [EXAMPLE.node_upstream]),
    } | change
    return nginx_site(kind, **values)  # type: ignore[arg-type]


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
def test_the_hub_and_node_sites_pass_nginx_t_on_one_host(tmp_path: Path, tls: Tls) -> None:
    sites = [_site("hub", tls), _site("node", tls)]
    shipped = (DEPLOY / "nginx" / "fame-hub.conf").read_text(encoding="utf-8")
    assert sites[0] == shipped.replace(
        EXAMPLE.certificate(EXAMPLE.hub_server_name), str(tls.certificate)
    ).replace(EXAMPLE.certificate_key(EXAMPLE.hub_server_name), str(tls.key))
    answer = _nginx_test(tmp_path, sites)
    assert answer.returncode == 0, answer.stderr
    assert "test is successful" in answer.stderr
    assert "[warn]" not in answer.stderr, answer.stderr


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
def test_a_site_asking_for_client_certificates_passes_nginx_t(tmp_path: Path, tls: Tls) -> None:
    site = _site("node", tls, client_ca=str(tls.ca))
    assert f"ssl_client_certificate {tls.ca};" in site
    answer = _nginx_test(tmp_path, [site])
    assert answer.returncode == 0, answer.stderr


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
def test_nginx_t_refuses_a_site_whose_certificate_is_missing(tmp_path: Path, tls: Tls) -> None:
    answer = _nginx_test(tmp_path, [_site("hub", tls, certificate=str(tmp_path / "none.crt"))])
    assert answer.returncode != 0 and "none.crt" in answer.stderr
