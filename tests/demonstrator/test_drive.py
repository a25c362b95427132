"""``drive`` plays a scenario's searches against a running demo hub through its pages, as
the demo practitioners; the hub audits them as anyone's work. Demo hubs only."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.audit.models import AuditEvent

from ..browser.test_detail_requests import node_on_live_server

pytestmark = [pytest.mark.slow]


def _drive(*args: str, out: StringIO | None = None) -> None:
    call_command(
        "demonstrator", "drive", "--scenario", "small", *args,
        stdout=out or StringIO(), stderr=StringIO(),
    )  # fmt: skip


# The live server needs committed data; restore what migrations put there (training courses)
# when the test ends, for the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drive_plays_searches_the_hub_audits(demo_region: Path, live_server):
    out = StringIO()

    _drive(
        "--hub", live_server.url, "--region", str(demo_region), "--days", "2", "--speed", "1000",
        out=out,
    )  # fmt: skip

    searches = AuditEvent.objects.filter(action="index.search")
    opened = AuditEvent.objects.filter(action="index.record_opened")
    assert searches.count() >= 5
    assert opened.count() >= 1
    logins = json.loads((demo_region / "region.json").read_text())["demo_logins"]
    assert {e.actor_username for e in searches} <= set(logins.values())
    assert f"Played {searches.count()} searches" in out.getvalue()


@pytest.mark.django_db
def test_drive_refuses_a_hub_elsewhere(demo_region: Path):
    with pytest.raises(CommandError, match="is not on this machine") as refused:
        _drive("--hub", "https://fame.example.org", "--region", str(demo_region))

    assert refused.value.returncode == 2
    assert not AuditEvent.objects.filter(action="index.search").exists()


@pytest.mark.django_db
def test_drive_refuses_in_production_mode(demo_region: Path, settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production mode"):
        _drive("--hub", "http://127.0.0.1:9", "--region", str(demo_region))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--hub", "http://127.0.0.1:9", "--speed", "fast"), "--speed takes a number"),
        (("--hub", "http://127.0.0.1:9", "--days", "0"), "--days takes a number from 0.01"),
        (("--region", "."), "Give the demo hub"),
    ],
)
def test_drive_bad_input(db, args: tuple[str, ...], says: str, tmp_path: Path):
    with pytest.raises(CommandError, match=says):
        _drive(*args)


REQUESTING = """
based_on = "small"
name = "requesting"
description = "Few searches, many CAFs quickly asking other agencies: for the test."
[finding]
needs_per_practitioner_month = 0.001
[caf]
concerns_per_10000_children_year = 3000
caf_chance = 1
consent_chance = 1
days_to_decide = { dist = "fixed", value = 0.05 }
days_to_consent = { dist = "fixed", value = 0.05 }
days_to_assess = { dist = "fixed", value = 0.1 }
details_requests_per_caf = 3
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drive_plays_requests_for_details_the_nodes_answer(
    demo_region: Path, live_server, settings, tmp_path: Path
):
    region = json.loads((demo_region / "region.json").read_text())
    agencies = [o["agency_id"] for o in region["organisations"]]
    node_on_live_server(
        settings, live_server, agencies=agencies,
        hosted={o["agency_id"]: o["name"] for o in region["organisations"]},
    )  # fmt: skip
    scenario = tmp_path / "requesting.toml"
    scenario.write_text(REQUESTING, encoding="utf-8")
    out = StringIO()

    call_command(
        "demonstrator", "drive", "--scenario", str(scenario), "--hub", live_server.url,
        "--region", str(demo_region), "--days", "1", "--speed", "1000",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip

    asked = AuditEvent.objects.filter(action="federation.detail_requested").count()
    answered = AuditEvent.objects.filter(action="federation.detail_answered").count()
    assert asked >= 1
    assert answered == asked
    assert f"{asked} requests for details sent" in out.getvalue()
