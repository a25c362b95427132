"""``simulate`` writes an OCEL 2.0 event log and a summary, and keeps earlier results."""

from __future__ import annotations

import json
import warnings
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

OBJECT_TYPES = {"child case", "practitioner", "CAF", "TAC meeting", "request", "node", "audit log"}


def _simulate(out: Path, *extra: str) -> None:
    call_command(
        "demonstrator",
        "simulate",
        "--scenario",
        "small",
        "--approach",
        "index_caf_federated",
        "--replications",
        "2",
        "--jobs",
        "1",
        "--out",
        str(out),
        *extra,
        stdout=StringIO(),
        stderr=StringIO(),
    )


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("simulated")
    _simulate(out)
    return out


def test_summary_has_each_replication_and_intervals(simulated: Path):
    summary = json.loads((simulated / "summary.json").read_text(encoding="utf-8"))

    assert summary["approaches"] == ["index_caf_federated"]
    assert len(summary["measures"]["index_caf_federated"]) == 2
    hours = summary["intervals"]["index_caf_federated"]["practitioner_hours_per_caf"]
    assert hours["ci_low"] < hours["mean"] < hours["ci_high"]


def test_event_log_is_ocel_2_json(simulated: Path):
    log = json.loads((simulated / "events-index_caf_federated.ocel.json").read_text("utf-8"))

    assert set(log) == {"objectTypes", "eventTypes", "objects", "events"}
    assert {t["name"] for t in log["objectTypes"]} <= OBJECT_TYPES
    objects = {o["id"]: o["type"] for o in log["objects"]}
    declared = {t["name"]: {a["name"] for a in t["attributes"]} for t in log["eventTypes"]}
    assert {"concern noticed", "CAF started", "TAC meeting held", "details requested"} <= set(
        declared
    )
    times = [event["time"] for event in log["events"]]
    assert times == sorted(times) and times[0].endswith("Z")
    for event in log["events"]:
        assert {a["name"] for a in event["attributes"]} <= declared[event["type"]]
        assert all(r["objectId"] in objects for r in event["relationships"])


def test_pm4py_reads_the_event_log(simulated: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pm4py's own deprecation notices are not ours
        import pm4py

        ocel = pm4py.read_ocel2_json(str(simulated / "events-index_caf_federated.ocel.json"))
        log = json.loads((simulated / "events-index_caf_federated.ocel.json").read_text("utf-8"))

        assert len(ocel.events) == len(log["events"])
        assert len(ocel.objects) == len(log["objects"])
        assert set(ocel.events["ocel:activity"]) == {t["name"] for t in log["eventTypes"]}


def test_simulate_keeps_earlier_results_unless_told(simulated: Path):
    before = (simulated / "summary.json").read_bytes()

    with pytest.raises(CommandError, match="already holds results"):
        _simulate(simulated)

    assert (simulated / "summary.json").read_bytes() == before
