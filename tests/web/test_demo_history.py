"""A node prepared from a demo region (as `fame demo` starts each one) plays its agencies'
CAF history once, and not again when the region resumes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from fame.caf.models import Assessment

pytestmark = pytest.mark.django_db


def test_a_node_prepared_from_a_demo_region_plays_its_history_once(tmp_path, settings):
    region = tmp_path / "region"
    call_command("synth", children=400, seed=5, out=str(region), stdout=StringIO())
    prepare = [
        "serve",
        "--role=node",
        "--name=school-trust",
        "--agencies=sch-001,sch-002",
        f"--region={region}",
        "--prepare-only",
    ]
    first = StringIO()
    call_command(*prepare, stdout=first)
    assert "Played three years of CAF history" in first.getvalue()
    played = Assessment.objects.count()
    assert played > 0
    assert set(Assessment.objects.values_list("agency_id", flat=True)) <= {"sch-001", "sch-002"}

    again = StringIO()
    call_command(*prepare, stdout=again)
    assert "Played" not in again.getvalue()
    assert Assessment.objects.count() == played
