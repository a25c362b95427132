"""Rooms: share a run's screens with windows on other machines (``models.Room``).

``Share these screens`` makes a room for the run (or the live feed) and shows its
code; on another machine, entering the code on ``/demonstrator/`` opens the
room, and each perspective opened from it keeps in step with the others: the
window a person drives posts its state to ``rooms/<code>/state`` (CSRF-checked,
validated at the door, ``ScreenState``) and the others read it at least once a
second. Anyone signed in may share a simulated run; a live room is for those who
may watch live (``view_demonstrator``), as the live views are.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from fame.accounts.decorators import refuse
from fame.accounts.permissions import can
from fame.audit import record_event
from fame.web.pages import render_page

from .models import CODE_LENGTH, ROOM_HOURS, Room, new_code, plain_code
from .views import PERSPECTIVES, Choice, choose_page, no_room, read_choice, room_choice

SPEEDS = frozenset({1, 10, 100, 1000, 10000, 86400, 604800, 2629800})
"""The clock's speeds (player.mjs ``SPEEDS``): simulated seconds a second."""
BODY_MAX = 4096

Short = Annotated[str, StringConstraints(max_length=200)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Chosen = Short | int | float | bool | None | Annotated[list[Short], Field(max_length=50)]


class ScreenState(BaseModel):
    """What a leading window tells the room: which window, which run, and its clock."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    window: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{4,20}$")]
    run: Annotated[str, StringConstraints(max_length=300)]
    t: Annotated[float, Field(ge=0, le=1_000_000)]
    playing: bool
    speed: int
    selection: Annotated[dict[Key, Chosen], Field(max_length=20)]

    def problem(self, room: Room) -> str:
        if self.speed not in SPEEDS:
            return f"The speed must be one of {', '.join(map(str, sorted(SPEEDS)))}."
        if self.run != room_choice(room).channel:
            return "This window shows another run than the room's."
        return ""


def may_enter(request: HttpRequest, room: Room) -> bool:
    return not room.live or can(request.user, "view_demonstrator")  # type: ignore[arg-type]


def make_room(*, choice: Choice, by: Any) -> Room:
    """A new room for ``choice``'s run with a fresh code; ended rooms go."""
    with transaction.atomic():
        Room.objects.filter(expires_at__lte=timezone.now()).delete()
        code = new_code()
        while Room.objects.filter(code=code).exists():  # pragma: no cover - 1 in 10¹¹
            code = new_code()
        room = Room.objects.create(
            code=code,
            run=choice.query(),
            live=choice.live,
            expires_at=timezone.now() + timedelta(hours=ROOM_HOURS),
            made_by=by,
        )
        record_event(
            "demonstrator.room_opened",
            actor=by,
            target=f"demonstrator:room:{room.code}",
            details={"run": room.run},
        )
    return room


@require_http_methods(["GET", "POST"])
def share(request: HttpRequest) -> HttpResponse:
    """GET: what will be shared, and a button to make the room; POST: make it."""
    choice = read_choice(request.POST if request.method == "POST" else request.GET)
    if choice.live and not can(request.user, "view_demonstrator"):  # type: ignore[arg-type]
        return refuse(request, action="view_demonstrator")
    if choice.problems:
        return choose_page(request, choice)
    if request.method == "POST":
        room = make_room(choice=choice, by=request.user)
        return redirect("demonstrator:room", code=room.code)
    return render_page(request, "demonstrator/share.html", {"choice": choice})


@require_GET
def room(request: HttpRequest, code: str) -> HttpResponse:
    found = Room.find(code)
    if found is None:
        return no_room(request)
    if not may_enter(request, found):
        return refuse(request, action="view_demonstrator")
    return render_page(
        request,
        "demonstrator/room.html",
        {
            "room": found,
            "choice": room_choice(found),
            "perspectives": PERSPECTIVES,
            "room_hours": ROOM_HOURS,
        },
    )


@require_GET
def join(request: HttpRequest) -> HttpResponse:
    """The room a code typed on ``/demonstrator/`` names."""
    code = plain_code(request.GET.get("code", ""))
    if len(code) != CODE_LENGTH:
        problem = "Enter the room code: 8 letters and numbers, like ABCD-2345."
        return choose_page(request, replace(read_choice({}), problems=(problem,)))
    if Room.find(code) is None:
        return no_room(request)
    return redirect("demonstrator:room", code=code)


def _bad(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"problem": message}, status=status)


@require_http_methods(["GET", "POST"])
def state(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the leading window's state (``Room.newest``); POST: this window leads."""
    found = Room.find(code)
    if found is None:
        return _bad("There is no such room, or it has ended.", 404)
    if not may_enter(request, found):
        record_event(
            "access.refused",
            actor=request.user,
            target=f"demonstrator:room:{found.code}",
            details={"action": "view_demonstrator"},
            request=request,
        )
        return _bad("Only those who may watch live may join this room.", 403)
    if request.method == "GET":
        return JsonResponse(found.newest())
    if len(request.body) > BODY_MAX:
        return _bad(f"The state must be at most {BODY_MAX:,} bytes.")
    try:
        sent = ScreenState.model_validate(json.loads(request.body or b"null"), strict=True)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the state"
        return _bad(f"The state is not valid: {where}: {first['msg']}.")
    except ValueError:
        return _bad("The state must be JSON.")
    problem = sent.problem(found)
    if problem:
        return _bad(problem)
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=found.pk)
        locked.lead(sent.window, sent.model_dump(exclude={"window", "run"}))
        locked.save()
    return JsonResponse({"version": locked.version})
