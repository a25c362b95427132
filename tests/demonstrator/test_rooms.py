"""Rooms: a run's screens shared with other machines by a short code; the driving window's
state validated at the door (bad input changes nothing); live rooms only for those who may
watch live."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.demonstrator.models import CODE_LETTERS, Room

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db

SMALL = {
    "scenario": "small",
    "approach": "index",
    "seed": "7",
    "replication": "1",
}
STATE = {
    "window": "abc123",
    "run": "small:7:1",
    "t": 12.5,
    "playing": True,
    "speed": 86400,
    "selection": {"case": "child-3", "cases": ["child-3", "child-4"]},
}


def _shared(client: Client, **choice: str) -> Room:
    response = client.post("/demonstrator/share", choice or SMALL)
    assert response.status_code == 302, response.content[:400]
    code = response["Location"].rsplit("/", 1)[1]
    return Room.objects.get(code=code)


def _post(client: Client, room: Room, body: object) -> object:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(
        f"/demonstrator/rooms/{room.code}/state", data, content_type="application/json"
    )


def test_sharing_a_run_makes_a_room_with_a_random_code_and_audits_it(school_teacher):
    client = signed_in_client(school_teacher)

    asked = client.get("/demonstrator/share", SMALL)
    room = _shared(client)
    page = client.get(f"/demonstrator/rooms/{room.code}")

    assert b"Make a room code" in asked.content
    assert len(room.code) == 8 and set(room.code) <= set(CODE_LETTERS)
    assert room.code != _shared(client).code
    assert room.shown_code.encode() in page.content
    assert f"/demonstrator/client?room={room.code}".encode() in page.content
    assert AuditEvent.objects.filter(
        action="demonstrator.room_opened", target=f"demonstrator:room:{room.code}"
    ).exists()


def test_a_code_joins_as_typed_and_opens_the_rooms_run(school_teacher, health_visitor):
    room = _shared(signed_in_client(school_teacher))
    other = signed_in_client(health_visitor)
    typed = f" {room.code[:4].lower()}-{room.code[4:]} "

    joined = other.get("/demonstrator/join", {"code": typed})
    watch = other.get(f"/demonstrator/management?room={room.code}")

    assert joined.status_code == 302
    assert joined["Location"] == f"/demonstrator/rooms/{room.code}"
    config = json.loads(watch.content.split(b'id="demonstrator-config">')[1].split(b"</script>")[0])
    assert config["channel"] == "small:7:1"
    assert config["room"]["url"] == f"/demonstrator/rooms/{room.code}/state"
    assert [run["approach"] for run in config["runs"]] == ["index"]


@pytest.mark.parametrize(
    ("code", "status", "says"),
    [
        ("", 400, "Enter the room code"),
        ("ABC", 400, "Enter the room code"),
        ("ZZZZ-ZZZZ", 404, "There is no room with that code"),
    ],
)
def test_a_bad_code_is_told_clearly(school_teacher, code, status, says):
    response = signed_in_client(school_teacher).get("/demonstrator/join", {"code": code})

    assert response.status_code == status
    assert says in response.content.decode()


def test_the_driving_window_leads_the_others(school_teacher, health_visitor):
    room = _shared(signed_in_client(school_teacher))
    follower = signed_in_client(health_visitor)
    before = follower.get(f"/demonstrator/rooms/{room.code}/state").json()

    sent = _post(signed_in_client(school_teacher), room, STATE)
    after = follower.get(f"/demonstrator/rooms/{room.code}/state").json()

    assert before == {"version": 0}
    assert sent.status_code == 200 and sent.json() == {"version": 1}
    assert after["version"] == 1 and after["window"] == "abc123"
    assert after["state"] == {k: v for k, v in STATE.items() if k not in ("window", "run")}
    assert 0 <= after["age"] < 5


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("not json", "must be JSON"),
        ({**STATE, "t": -1}, "t:"),
        ('{"window": "abc123", "run": "small:7:1", "t": NaN, "playing": true, '
         '"speed": 1, "selection": {}}', "t:"),
        ({**STATE, "playing": "yes"}, "playing:"),
        ({**STATE, "speed": 3}, "The speed must be one of"),
        ({**STATE, "run": "small:8:1"}, "another run"),
        ({**STATE, "window": "<script>"}, "window:"),
        ({**STATE, "owner": "me"}, "owner:"),
        ({**STATE, "selection": {f"k{i}": 1 for i in range(21)}}, "selection:"),
        ({**STATE, "selection": {"case": {"nested": 1}}}, "selection.case"),
        ({**STATE, "selection": {"case": "x" * 5000}}, "at most 4,096 bytes"),
    ],
)  # fmt: skip
def test_bad_state_is_refused_and_changes_nothing(school_teacher, body, says):
    client = signed_in_client(school_teacher)
    room = _shared(client)
    _post(client, room, STATE)

    response = _post(client, room, body)

    assert response.status_code == 400
    assert says in response.json()["problem"]
    room.refresh_from_db()
    assert room.version == 1 and room.state["t"] == 12.5


def test_a_state_without_the_csrf_token_is_refused(school_teacher):
    room = _shared(signed_in_client(school_teacher))
    client = Client(enforce_csrf_checks=True)
    client.cookies = signed_in_client(school_teacher).cookies

    response = _post(client, room, STATE)

    assert response.status_code == 403
    room.refresh_from_db()
    assert room.version == 0


def test_live_rooms_are_only_for_those_who_may_watch_live(auditor, school_teacher):
    room = _shared(signed_in_client(auditor), live="1")
    teacher = signed_in_client(school_teacher)

    assert room.live and room.run == "live=1"
    assert teacher.post("/demonstrator/share", {"live": "1"}).status_code == 403
    assert teacher.get(f"/demonstrator/rooms/{room.code}").status_code == 403
    assert teacher.get(f"/demonstrator/management?room={room.code}").status_code == 403
    assert teacher.get(f"/demonstrator/rooms/{room.code}/state").status_code == 403
    live = {**STATE, "run": "live", "speed": 1}
    assert _post(teacher, room, live).status_code == 403
    assert _post(signed_in_client(auditor), room, live).status_code == 200


def test_an_ended_room_is_gone_and_goes_when_the_next_is_made(school_teacher):
    client = signed_in_client(school_teacher)
    room = _shared(client)
    Room.objects.filter(pk=room.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    state = client.get(f"/demonstrator/rooms/{room.code}/state")
    watch = client.get(f"/demonstrator/client?room={room.code}")
    _shared(client)

    assert state.status_code == 404
    assert watch.status_code == 404
    assert b"There is no room with that code" in watch.content
    assert not Room.objects.filter(pk=room.pk).exists()


def test_using_a_room_keeps_it_open(school_teacher):
    client = signed_in_client(school_teacher)
    room = _shared(client)
    Room.objects.filter(pk=room.pk).update(expires_at=timezone.now() + timedelta(minutes=1))

    _post(client, room, STATE)

    room.refresh_from_db()
    assert room.expires_at > timezone.now() + timedelta(hours=11)
