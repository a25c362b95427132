"""The health check, security headers and settings that fail fast."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_sign_in():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # and nothing about the region


def test_pages_are_never_cached(school_teacher):
    response = signed_in_client(school_teacher).get("/")
    assert response["Cache-Control"] == "no-store"


def test_pages_carry_strict_content_security_policy():
    response = Client().get("/sign-in")
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.content


def test_session_cookie_is_http_only(school_teacher):
    client = Client()
    response = client.post("/sign-in", {"username": "alice", "password": "correct-horse-battery"})
    assert response.cookies["sessionid"]["httponly"]


def test_no_personal_data_in_urls_of_sign_in(school_teacher):
    response = Client().post("/sign-in", {"username": "alice", "password": "correct-horse-battery"})
    assert "alice" not in response["Location"]


def test_page_title_has_service_name(school_teacher):
    response = signed_in_client(school_teacher).get("/")
    assert b"<title>Home \xe2\x80\x93 FAME</title>" in response.content
    assert b"govuk-phase-banner" in response.content


def test_fame_is_named_once_at_the_top_of_the_page(school_teacher):
    page = signed_in_client(school_teacher).get("/").content.decode()
    top = page[page.index("<header") : page.index('id="main-content"')]
    assert top.count("FAME") == 1
    assert "govuk-service-navigation__service-name" not in top


def test_unknown_page_is_gov_uk_not_found(school_teacher):
    response = signed_in_client(school_teacher).get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def _start_production(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAME_")}
    env.update({"FAME_ENV": "production", **env_overrides})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'fame.settings'; "
            "django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _start_production({"FAME_ALLOWED_HOSTS": "fame.example.org"})
    assert result.returncode != 0
    assert "Set the environment variable FAME_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _start_production({"FAME_SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "Set the environment variable FAME_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both_and_secure_cookies():
    result = _start_production(
        {"FAME_SECRET_KEY": "k" * 60, "FAME_ALLOWED_HOSTS": "fame.example.org"}
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("FAME_OUTBOX_BATCH", "lots", "set it to a number from 1 to 2000"),
        ("FAME_OUTBOX_BATCH", "5000", "set it to a number from 1 to 2000"),
        ("FAME_OUTBOX_BATCH", "2.5", "set it to a whole number"),
        ("FAME_FEDERATION_TIMEOUT", "-1", "set it to a number from 0.1 to 60"),
        ("FAME_IDLE_MINUTES", "0", "set it to a number from 1 to 1440"),
        ("FAME_API_MAX_BODY", "100", "set it to a number from 65536 to 67108864"),
    ],
)
def test_a_number_setting_out_of_range_stops_start_up_naming_it(name, value, says):
    result = _start_production(
        {"FAME_SECRET_KEY": "k" * 60, "FAME_ALLOWED_HOSTS": "fame.example.org", name: value}
    )
    assert result.returncode != 0
    assert f"{name} is " in result.stderr
    assert says in result.stderr
