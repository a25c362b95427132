"""The region rehearsal (`fame rehearse`, ADR 0044): a region started the production way on
this machine is driven end to end through nginx with TLS, then one hub instance is stopped
and the other carries on, matching correctly; then a health visitor walks the same journey
in Chromium, through nginx to the hub instance left, trusting only the rehearsal's
certificate.

It needs nginx and a PostgreSQL server, and runs in `make test`'s PostgreSQL pass (the
server of DATABASE_URL): the rehearsal is about PostgreSQL, and running it in the SQLite
pass as well would start the same region twice on a two-core machine."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import shutil
import ssl
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from fame.web.management.commands import _rehearsal as rehearsal_module
from fame.web.management.commands._rehearsal import (
    Layout,
    Rehearsal,
    check_region,
    child_to_find,
    security_code,
)

from ..browser.conftest import AXE, CHROMIUM, CheckedPage

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("processes"),
    pytest.mark.allow_hosts(rehearsal_module.LOOPBACK),
]


def postgres_server() -> str:
    """The PostgreSQL server of DATABASE_URL (without its database), or skip."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        pytest.skip("The rehearsal runs in the PostgreSQL pass (DATABASE_URL=postgres://...).")
    server = parts._replace(path="", query="", fragment="").geturl()
    try:
        psycopg.connect(f"{server}/postgres", connect_timeout=3).close()
    except psycopg.Error as error:
        pytest.skip(f"The rehearsal needs the PostgreSQL server at {parts.hostname}: {error}")
    return server


@pytest.fixture
def rehearsal(tmp_path: Path, free_tcp_port_factory) -> Iterator[Rehearsal]:
    if shutil.which("nginx") is None:
        pytest.skip("The rehearsal needs nginx (Debian package nginx; .ci/run installs it).")
    layout = Layout(
        root=tmp_path / "region",
        postgres=postgres_server(),
        prefix=f"fame_rehearse_t{secrets.token_hex(3)}",
        public_port=free_tcp_port_factory(),
        backend_port=free_tcp_port_factory(),
        children=300,
    )
    made = Rehearsal(layout, say=lambda line: None)
    try:
        made.prepare(fresh=True)
        made.start()
        yield made
    finally:
        made.stop()
        rehearsal_module.drop_databases(layout, made.database_names())


def upstreams(rehearsal: Rehearsal, request: str) -> set[str]:
    """The hub instances nginx handed requests starting with ``request`` to."""
    log = (rehearsal.layout.root / "nginx" / "access.log").read_text(encoding="utf-8")
    return {
        line.rsplit(" ", 1)[1]
        for line in log.splitlines()
        if f'"{request}' in line and " 200 " in line
    }


def test_the_rehearsed_region_works_end_to_end_and_survives_a_hub_instance_stopping(
    rehearsal: Rehearsal,
):
    seen: list[str] = []
    found = check_region(rehearsal, say=seen.append, timeout=240)

    # TLS from the throwaway CA: refused without it, and production settings behind it.
    assert "CERTIFICATE_VERIFY_FAILED" in found.untrusted_refused
    context = ssl.create_default_context(cafile=str(rehearsal.certificates.ca))
    with httpx.Client(verify=context, trust_env=False) as client:
        page = client.get(f"{rehearsal.hub_url}/sign-in")
    assert page.status_code == 200
    assert page.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "Secure" in page.headers["set-cookie"]

    # Both hub instances took the nodes' deliveries while both ran.
    hubs = {f"{spec.host}:{spec.port}" for spec in rehearsal.hubs}
    assert upstreams(rehearsal, "POST /federation/") >= hubs

    assert found.records_delivered > 0 and found.found >= 1
    assert found.answer in {"released", "partly", "refused"}, found.answer
    assert found.caf_holder == "schools-health"
    assert found.hub_stopped_with == 0
    assert "hub-a" not in rehearsal.running and rehearsal.running["hub-b"].poll() is None
    assert found.found_after_stop >= 1
    assert found.update_person_matches
    assert found.persons_after == found.persons_before

    # The timers' services, run once as systemd starts them: each node kept the head.
    assert len(found.published) == 3
    assert all(
        ": accepted (" in line or ": already witnessed (" in line for line in found.published
    )
    assert found.retention.startswith("Archived ")
    for node in rehearsal.nodes:
        with rehearsal.database(node.name) as node_db:
            witnessed = node_db.execute(
                "SELECT count(*) FROM audit_witnessedtreehead WHERE status = 'accepted'"
            ).fetchone()
        assert witnessed is not None and witnessed[0] >= 1, node.name

    # Matching by two instances at once gave no child two persons: records identical in
    # name, date of birth and postcode (hundreds in this region) are each on one person.
    with rehearsal.database("hub") as hub:
        split = hub.execute(
            "SELECT count(*) FROM (SELECT 1 FROM index_sourcerecord "
            "GROUP BY data->>'given_name', data->>'family_name', date_of_birth, postcode "
            "HAVING count(DISTINCT person_id) > 1) AS twice"
        ).fetchone()
        copies = hub.execute(
            "SELECT count(*) FROM (SELECT 1 FROM index_sourcerecord "
            "GROUP BY data->>'given_name', data->>'family_name', date_of_birth, postcode "
            "HAVING count(*) > 1) AS copies"
        ).fetchone()
    assert copies is not None and copies[0] > 50
    assert split == (0,)

    # Playwright's sync API runs an event loop of its own: in a thread of its own here, as
    # a test worker that already drives the browser tests' Chromium has one running.
    with ThreadPoolExecutor(max_workers=1) as walker:
        walker.submit(walk_in_chromium, rehearsal).result()


def spki_pin(certificate: Path) -> str:
    """Chromium's pin of a certificate: base64 of SHA-256 of its SubjectPublicKeyInfo."""
    cert = x509.load_pem_x509_certificate(certificate.read_bytes())
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def walk_in_chromium(rehearsal: Rehearsal) -> None:
    """A health visitor signs in, finds a child, opens the record and asks an agency on
    another node for details, in Chromium through nginx (one hub instance left), axe and
    the content security policy checked on each page. Chromium trusts the rehearsal's
    server certificate alone (its pin), not every certificate."""
    if CHROMIUM is None or not AXE.exists():
        missing = "Chromium (Debian package chromium)" if CHROMIUM is None else str(AXE)
        if os.environ.get("CI"):
            pytest.fail(f"The rehearsal's browser walk needs {missing}; .ci/run installs it.")
        pytest.skip(f"The rehearsal's browser walk needs {missing}.")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    login = next(x for x in rehearsal.logins() if x["persona"] == "health_visitor")
    agency = login["username"].rsplit(".", 1)[1]
    child = child_to_find(rehearsal.region_dir, agency, rehearsal.agencies_elsewhere(agency))
    with rehearsal.database("hub") as hub:
        row = hub.execute(
            "SELECT name FROM accounts_organisation WHERE agency_id = %s", [child.others[0]]
        ).fetchone()
    assert row is not None
    other = str(row[0])
    year, month, day = child.date_of_birth.split("-")
    pin = spki_pin(rehearsal.certificates.certificate)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", f"--ignore-certificate-errors-spki-list={pin}"],
        )
        try:
            context = browser.new_context()
            context.add_init_script(path=str(AXE))
            page = CheckedPage(context.new_page(), rehearsal.hub_url)
            page.visit("/sign-in")
            # GOV.UK Frontend's stylesheet and FAME's came through nginx in production, whole.
            rules = page.page.evaluate(
                "() => Object.fromEntries([...document.styleSheets].map("
                "sheet => [sheet.href.split('/').pop(), sheet.cssRules.length]))"
            )
            assert rules["govuk-frontend.min.css"] > 500 and rules["fame.css"] > 10, rules
            page.get_by_label("Username").fill(login["username"])
            page.get_by_label("Password", exact=True).fill(rehearsal.password())
            page.get_by_role("button", name="Continue").click()
            page.check()
            page.get_by_label("Security code").fill(security_code(login["totp_secret"]))
            page.get_by_role("button", name="Continue").click()
            page.check()
            page.visit("/children")
            page.get_by_label("Family name").fill(child.family_name)
            page.get_by_label("Day").fill(day)
            page.get_by_label("Month").fill(month)
            page.get_by_label("Year").fill(year)
            page.get_by_role("button", name="Search").click()
            page.check()
            with page.page.expect_navigation(wait_until="load"):
                page.locator("a[href^='/children/results/']").first.click()
            page.check()
            page.get_by_label("Early help", exact=False).check()
            page.get_by_role("button", name="Open the record").click()
            page.check()
            page.get_by_role("link", name=f"Ask {other} for more information").click()
            page.check()
            page.get_by_label("Early help").check()
            page.get_by_label("Assessments").check()
            page.get_by_label("Yes").check()
            page.get_by_role("button", name="Send the request").click()
            page.check()
            expect(page.locator("h1")).to_contain_text(other)
            page.save_screenshot("rehearsal-detail-answer")
        finally:
            browser.close()
