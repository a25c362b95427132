"""The region rehearsal (`fame rehearse`, ADR 0044): a region started the production way on
this machine is driven end to end through nginx with TLS, then one hub instance is stopped
and the other carries on, matching correctly.

It needs nginx and a PostgreSQL server, and runs in `make test`'s PostgreSQL pass (the
server of DATABASE_URL): the rehearsal is about PostgreSQL, and running it in the SQLite
pass as well would start the same region twice on a two-core machine."""

from __future__ import annotations

import os
import secrets
import shutil
import ssl
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from fame.web.management.commands import _rehearsal as rehearsal_module
from fame.web.management.commands._rehearsal import Layout, Rehearsal, check_region

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
