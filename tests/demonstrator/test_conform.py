"""Conformance: directly-follows graphs, what one log has that the other lacks, and the
timing test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.demonstrator.conform import conformance, directly_follows
from fame.demonstrator.events import ocel_document

DAY0 = datetime(2027, 1, 4, tzinfo=UTC)


def _log(traces: dict[str, list[tuple[str, float]]]) -> dict:
    events = [
        (activity, DAY0 + timedelta(days=day), {child: "child"}, {})
        for child, steps in traces.items()
        for activity, day in steps
    ]
    return ocel_document(sorted(events, key=lambda e: e[1]))


def test_directly_follows_counts_each_trace_in_time_order():
    log = _log({"child-1": [("b", 2), ("a", 0), ("c", 5)], "child-2": [("a", 0), ("b", 1)]})

    assert directly_follows(log) == {("a", "b"): [2.0, 1.0], ("b", "c"): [3.0]}


def test_conformance_names_what_each_lacks_and_tests_timing():
    model = _log({f"child-{i}": [("a", 0), ("b", 1 + i % 3)] for i in range(30)})
    slow = _log({f"child-{i}": [("a", 0), ("b", 10 + i % 3), ("x", 12)] for i in range(30)})
    alike = _log({f"child-{i}": [("a", 0), ("b", 1 + (i + 1) % 3)] for i in range(30)})

    report = conformance(model, slow)

    assert report["only_in_real"] == [{"from": "b", "to": "x"}]
    assert report["only_in_model"] == []
    [timing] = report["parameters"]
    assert (timing["from"], timing["to"], timing["differ"]) == ("a", "b", True)
    assert conformance(model, alike)["parameters"][0]["differ"] is False


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "There is no log file"),
        ("not json", "is not an OCEL 2.0 JSON log"),
        ('{"events": []}', 'needs "events" and "objects" lists'),
        ('{"events": [{"type": "a"}], "objects": []}', "lacks its id, type, time"),
    ],
)
def test_conform_refuses_a_bad_log(tmp_path: Path, content: str | None, says: str):
    path = tmp_path / "log.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=says) as refused:
        call_command(
            "demonstrator", "conform", "--scenario", "small", "--log", str(path), stdout=StringIO()
        )

    assert refused.value.returncode == 2
