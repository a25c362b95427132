"""The demonstrator's pages: choosing a run (clear refusals of a bad choice), the run's
events as the views play them, and who may watch live."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest

from fame.audit import record_event
from fame.audit.models import AuditEvent

from ..conftest import signed_in_client
from .test_feed import _frames

pytestmark = pytest.mark.django_db

SMALL = "scenario=small&approach=index&seed=7&replication=1"


def test_anyone_signed_in_may_choose_and_watch_a_simulated_run(school_teacher):
    client = signed_in_client(school_teacher)

    home = client.get("/demonstrator/")
    watch = client.get(f"/demonstrator/client?{SMALL}")

    assert home.status_code == 200
    assert b"Watch the run" in home.content
    assert b"Live" not in home.content  # a practitioner does not oversee the region
    assert watch.status_code == 200
    config = watch.content.split(b'id="demonstrator-config">')[1].split(b"</script>")[0]
    [run] = json.loads(config)["runs"]
    assert run["url"] == f"/demonstrator/run.json?{SMALL}"


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("scenario=atlantis", "There is no scenario called “atlantis”. Choose one of"),
        (
            "scenario=small&approach=teleport",
            "The scenario small has no approach called “teleport”",
        ),
        ("scenario=small&approach=index&versus=index", "Choose a different approach"),
        ("scenario=small&seed=-4", "The seed must be a whole number from 0 to"),
        ("scenario=small&replication=30", "The replication must be a whole number from 0 to 29"),
    ],
)
def test_a_bad_choice_is_refused_with_what_to_do(school_teacher, query, says):
    client = signed_in_client(school_teacher)

    page = client.get(f"/demonstrator/management?{query}")
    data = client.get(f"/demonstrator/run.json?{query}")

    assert page.status_code == 400
    assert says in page.content.decode()
    assert data.status_code == 400
    assert says in data.content.decode()


def test_the_run_is_the_simulation_replayed_event_by_event(school_teacher, small):
    from fame.demonstrator.events import Recorder
    from fame.demonstrator.model import Run

    client = signed_in_client(school_teacher)
    zipped = client.get(f"/demonstrator/run.json?{SMALL}", HTTP_ACCEPT_ENCODING="gzip, br")
    plain = client.get(f"/demonstrator/run.json?{SMALL}")

    assert zipped["Content-Encoding"] == "gzip"
    doc = json.loads(gzip.decompress(zipped.content))
    assert json.loads(plain.content) == doc
    recorder = Recorder()
    Run(small, "index", replication=1, seed=7, recorder=recorder).run()
    expected = sorted(recorder.events, key=lambda e: e[1])
    events = doc["events"]
    assert len(events["t"]) == len(expected)
    for number in (0, len(expected) // 2, len(expected) - 1):
        activity, day, objects, attributes = expected[number]
        assert doc["activities"][events["a"][number]] == activity
        assert events["t"][number] == pytest.approx(day, abs=1e-6)
        flat = events["o"][number]
        assert [doc["objects"][k] for k in flat[::2]] == list(objects)
        assert events["x"].get(str(number), {}) == attributes
    assert doc["approach_label"] == small.approaches["index"].label
    assert doc["ways"] == {"finding": "index", "record": "paper", "requests": "phone"}
    assert doc["measures"]["cafs_per_quarter"] > 0


def test_live_views_are_for_those_who_oversee_the_region(school_teacher, auditor):
    refused = signed_in_client(school_teacher).get("/demonstrator/technology?live=1")
    allowed = signed_in_client(auditor).get("/demonstrator/technology?live=1")

    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", actor_username="alice").exists()
    assert allowed.status_code == 200
    assert b'"live": true' in allowed.content


def test_the_feed_replays_the_last_hour_when_asked(settings, monkeypatch, auditor, school_teacher):
    settings.FAME_DEMONSTRATOR_FEED_SECONDS = 0
    old = record_event("index.record_opened", actor=school_teacher, target="person:old")
    recent = record_event("index.record_opened", actor=school_teacher, target="person:recent")
    between = old.time + (recent.time - old.time) / 2
    assert old.time < between < recent.time
    monkeypatch.setattr("fame.demonstrator.feed.timezone.now", lambda: between + timedelta(hours=1))

    frames = _frames(signed_in_client(auditor).get("/demonstrator/feed?since=3600"))

    assert [f["id"] for f in frames if f["activity"] == "record opened"] == [recent.seq]
