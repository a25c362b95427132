"""``/demonstrator/guided``: a story through a simulated run, one step a page.

Works without JavaScript (Previous and Next links, a list of the steps); with it, the
page leads the perspective windows open on the same run to the step's moment and
case. A simulated run holds no one's details, so anyone signed in may follow it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from fame.web.pages import render_page

from ..playback import shipped
from ..views import PERSPECTIVES, Choice
from .cases import moment_of
from .steps import show, stories
from .story import Story


def _story(name: str) -> Story | None:
    found = stories()
    return found.get(name or next(iter(found)))


def _step_number(text: str, story: Story) -> int | None:
    last = len(story.steps)
    return int(text) if text.isdigit() and 1 <= int(text) <= last else None


def _perspective_links(story: Story) -> list[dict[str, str]]:
    choice = Choice(
        scenario=story.scenario,
        approach=story.approach,
        versus=story.versus or "",
        seed=story.run_seed,
        replication=story.replication,
    )
    return [
        {
            "key": key,
            "name": name,
            "href": reverse("demonstrator:watch", kwargs={"perspective": key})
            + "?"
            + choice.query(),
        }
        for key, (name, _) in PERSPECTIVES.items()
    ]


@require_GET
def guided(request: HttpRequest) -> HttpResponse:
    story = _story(request.GET.get("story", ""))
    if story is None:
        known = ", ".join(stories())
        return render_page(
            request,
            "demonstrator/guided.html",
            {"problem": f"There is no story called “{request.GET['story']}”. Choose {known}."},
            status=400,
        )
    asked = request.GET.get("step", "1")
    number = _step_number(asked, story)
    context: dict[str, Any] = {
        "story": story,
        "steps": story.steps,
        "perspectives": _perspective_links(story),
        "days": shipped()[story.scenario].days,
    }
    if number is None:
        context["problem"] = (
            f"There is no step “{asked}”. Choose a step from 1 to {len(story.steps)}."
        )
        return render_page(request, "demonstrator/guided.html", context, status=400)
    shown = show(story, number)
    context.update(
        shown=shown,
        config={
            "channel": f"{story.scenario}:{story.run_seed}:{story.replication}",
            "t": shown.t,
            "selection": shown.selection,
            "end": context["days"],
            "moment": moment_of(shown.t).isoformat(),
        },
    )
    return render_page(request, "demonstrator/guided.html", context)
