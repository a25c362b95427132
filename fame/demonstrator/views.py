"""The demonstrator's pages: choose a run, and watch it from four perspectives.

Thin, as every page is: read the choice, check it, render. A simulated run may
be watched by anyone signed in (it holds no one's details); the live views, and
the feed they read, are for those who run and oversee the region
(``view_demonstrator``), and show only pseudonymous cases.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_GET
from pydantic import ValidationError

from fame.accounts.decorators import refuse, requires
from fame.accounts.permissions import can
from fame.web.pages import render_page

from .bonnet import BonnetQuery, opened
from .models import ROOM_HOURS, Room
from .playback import REPLICATIONS_MAX, packed_gzip, shipped
from .topology import registered_nodes

PERSPECTIVES = {
    "client": (
        "Client",
        "One child and family's journey: who found whom, how often they told their story, "
        "who saw their information.",
    ),
    "practitioner": (
        "Practitioner",
        "A practitioner's week: finding who is involved, calls, forms and meetings.",
    ),
    "management": (
        "Management",
        "The measures as charts that fill in as time runs, with queues and refusals.",
    ),
    "technology": (
        "Technology",
        "The hub and the agencies' nodes, with the messages between them.",
    ),
}
"""Each perspective: its name, and what it shows."""


@dataclass(frozen=True)
class Choice:
    """A run to watch, or problems with what was asked for (each a sentence)."""

    scenario: str = ""
    approach: str = ""
    versus: str = ""
    seed: int = 0
    replication: int = 0
    live: bool = False
    problems: tuple[str, ...] = ()

    @property
    def channel(self) -> str:
        """What windows showing this run have in common (the approaches shown aside)."""
        return "live" if self.live else f"{self.scenario}:{self.seed}:{self.replication}"

    def query(self, **changes: Any) -> str:
        values: dict[str, Any] = (
            {"live": "1"}
            if self.live
            else {
                "scenario": self.scenario,
                "approach": self.approach,
                "seed": self.seed,
                "replication": self.replication,
            }
        )
        if self.versus and not self.live:
            values["versus"] = self.versus
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def whole_number(text: str, name: str, low: int, high: int, problems: list[str]) -> int:
    if not text.strip().isdigit() or not low <= int(text) <= high:
        problems.append(f"The {name} must be a whole number from {low:,} to {high:,}.")
        return low
    return int(text)


def read_choice(params: Any) -> Choice:
    """The run the page's query names, checked; the first scenario's first approach when it
    names none."""
    if params.get("live") == "1":
        return Choice(live=True)
    scenarios = shipped()
    problems: list[str] = []
    name = params.get("scenario") or next(iter(scenarios))
    scenario = scenarios.get(name)
    if scenario is None:
        known = ", ".join(scenarios)
        return Choice(problems=(f"There is no scenario called “{name}”. Choose one of {known}.",))
    approaches = list(scenario.approaches)
    approach = params.get("approach") or approaches[-1]
    versus = params.get("versus", "")
    for asked in (approach, versus):
        if asked and asked not in scenario.approaches:
            problems.append(
                f"The scenario {name} has no approach called “{asked}”. "
                f"Choose one of {', '.join(approaches)}."
            )
    if versus and versus == approach:
        problems.append("Choose a different approach to compare with, or none.")
    seed = whole_number(params.get("seed", str(scenario.seed)), "seed", 0, 2**31 - 1, problems)
    replication = whole_number(
        params.get("replication", "0"), "replication", 0, REPLICATIONS_MAX, problems
    )
    return Choice(name, approach, versus, seed, replication, False, tuple(problems))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return choose_page(request, read_choice(request.GET))


def choose_page(request: HttpRequest, choice: Choice) -> HttpResponse:
    """The page to choose a run, with ``choice`` filled in (and its problems, if any)."""
    scenarios = shipped()
    return render_page(
        request,
        "demonstrator/home.html",
        {
            "choice": choice,
            "scenarios": scenarios,
            "perspectives": PERSPECTIVES,
            "may_watch_live": can(request.user, "view_demonstrator"),  # type: ignore[arg-type]
            "replications_max": REPLICATIONS_MAX,
        },
        status=400 if choice.problems else 200,
    )


def room_choice(room: Room) -> Choice:
    """The run a room shows."""
    return read_choice(QueryDict(room.run))


def no_room(request: HttpRequest) -> HttpResponse:
    return render_page(request, "demonstrator/no_room.html", {"room_hours": ROOM_HOURS}, status=404)


@require_GET
def watch(request: HttpRequest, perspective: str) -> HttpResponse:
    if perspective not in PERSPECTIVES:
        raise Http404("There is no such view of the demonstrator.")
    room = Room.find(request.GET["room"]) if "room" in request.GET else None
    if "room" in request.GET and room is None:
        return no_room(request)
    choice = room_choice(room) if room else read_choice(request.GET)
    if choice.live and not can(request.user, "view_demonstrator"):  # type: ignore[arg-type]
        return refuse(request, action="view_demonstrator")
    if choice.problems:
        return choose_page(request, choice)
    runs = []
    if not choice.live:
        for approach in filter(None, (choice.approach, choice.versus)):
            runs.append(
                {
                    "approach": approach,
                    "label": shipped()[choice.scenario].approaches[approach].label,
                    "url": reverse("demonstrator:run_events")
                    + "?"
                    + choice.query(approach=approach, versus=""),
                }
            )
    title, about = PERSPECTIVES[perspective]
    return render_page(
        request,
        "demonstrator/watch.html",
        {
            "perspective": perspective,
            "title": title,
            "about": about,
            "choice": choice,
            "runs": runs,
            "perspectives": PERSPECTIVES,
            "feed_url": reverse("demonstrator:feed") if choice.live else "",
            "full_screen": request.GET.get("wall") == "1",
            "room": room,
        },
    )


@require_GET
def run_events(request: HttpRequest) -> HttpResponse:
    """One replication's events and figures (``playback.packed``), gzipped JSON."""
    choice = read_choice(request.GET)
    if choice.live or choice.problems:
        return HttpResponse(
            " ".join(choice.problems) or "Name a scenario and approach.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    body = packed_gzip(choice.scenario, choice.approach, choice.seed, choice.replication)
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return HttpResponse(gzip.decompress(body), content_type="application/json")
    response = HttpResponse(body, content_type="application/json")
    response["Content-Encoding"] = "gzip"
    return response


@require_GET
def bonnet(request: HttpRequest) -> HttpResponse:
    """Under the bonnet of one kind of message (``bonnet.opened``): made up, signed, checked."""
    try:
        query = BonnetQuery.model_validate(request.GET.dict())
    except ValidationError as error:
        problems = [
            f"{'.'.join(map(str, e['loc'])) or 'query'}: {e['msg']}" for e in error.errors()
        ]
        return JsonResponse({"problems": problems}, status=400)
    return JsonResponse(opened(query))


@require_GET
@requires("view_demonstrator")
def nodes(request: HttpRequest) -> HttpResponse:
    """The federation's registered nodes for the live technology view: name, agency type,
    reachable or not. No child's data."""
    return JsonResponse({"nodes": registered_nodes()})
