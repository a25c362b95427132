"""Settings for a process behind the TLS proxy: the scheme from X-Forwarded-Proto, the
region's CA for calls between hub and nodes, and the address others reach it at."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fame.federation.client import tls_verify

from .conftest import Tls

ROOT = Path(__file__).resolve().parents[2]


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The settings a new process reads from ``env``, as JSON (or its error)."""
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, "
        "s.FAME_TLS_CA_FILE]))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FAME_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=base
        | {"DJANGO_SETTINGS_MODULE": "fame.settings", "FAME_DATA_DIR": str(tmp_path)}
        | env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_behind_the_proxy_the_forwarded_scheme_is_believed_and_not_otherwise(
    tmp_path: Path,
) -> None:
    production = {
        "FAME_ENV": "production",
        "FAME_SECRET_KEY": "k" * 60,
        "FAME_ALLOWED_HOSTS": "fame.example.org",
    }
    behind = _settings(tmp_path, **production, FAME_BEHIND_TLS_PROXY="1")
    assert behind.returncode == 0, behind.stderr
    assert json.loads(behind.stdout) == [["HTTP_X_FORWARDED_PROTO", "https"], False, ""]
    alone = _settings(tmp_path, **production)
    assert alone.returncode == 0, alone.stderr
    assert json.loads(alone.stdout) == [None, True, ""]


def test_a_ca_file_that_is_not_there_stops_start_up_by_name(tmp_path: Path, tls: Tls) -> None:
    missing = _settings(tmp_path, FAME_ENV="test", FAME_TLS_CA_FILE=str(tmp_path / "ca.pem"))
    assert missing.returncode != 0
    assert "FAME_TLS_CA_FILE is" in missing.stderr and "not a file" in missing.stderr
    found = _settings(tmp_path, FAME_ENV="test", FAME_TLS_CA_FILE=str(tls.ca))
    assert json.loads(found.stdout)[2] == str(tls.ca)


def test_calls_between_hub_and_nodes_trust_the_regions_ca_when_given(settings, tls: Tls) -> None:
    settings.FAME_TLS_CA_FILE = str(tls.ca)
    context = tls_verify()
    assert not isinstance(context, bool)
    subjects = [dict(pair[0] for pair in c["subject"]) for c in context.get_ca_certs()]
    assert subjects == [{"commonName": "Example region CA"}]
    settings.FAME_TLS_CA_FILE = ""
    assert tls_verify() is True


@pytest.mark.django_db
def test_serve_answers_at_the_public_url_it_is_given(settings) -> None:
    from django.core.management import CommandError, call_command

    settings.FAME_PUBLIC_URL = "http://before"  # (what serve sets is undone after the test)
    call_command(
        "serve", "--role", "hub", "--prepare-only", "--public-url", "https://fame.example.org/"
    )
    assert settings.FAME_PUBLIC_URL == "https://fame.example.org"
    call_command("serve", "--role", "hub", "--prepare-only", "--port", "9299", "--public-url", "")
    assert settings.FAME_PUBLIC_URL == "http://127.0.0.1:9299"
    with pytest.raises(CommandError, match="--public-url must start with https://"):
        call_command("serve", "--role", "hub", "--prepare-only", "--public-url", "fame.example.org")
