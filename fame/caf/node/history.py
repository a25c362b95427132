"""Play a demo region's CAF history on a node, through the node's own CAF actions.

Every CAF this node's agencies started in the plan (``fame.caf.history_plan``)
is started, its sections saved, completed, met about, reviewed, escalated and
closed or stepped up by the same functions the node's API calls, with the clock
moved back (time-machine) to the day each thing happened. So the node's rows,
its audit log and the facts its outbox sends the hub are those a real past
would have left, and nothing is written behind the actions' backs (ADR 0034).
Events of all the CAFs are played in the order they happened.
"""

from __future__ import annotations

import heapq
import json
import time
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.utils import timezone

from fame.caf import structure
from fame.caf.history_plan import CafStory, plan_history, read_truth
from fame.caf.models.node import Assessment, Meeting
from fame.caf.vocabulary import ClosureReason
from fame.node.models import NodeAgency, NodeRecord

from . import team
from .actions import Actor, complete_assessment, save_section, start_assessment

__all__ = ["HistoryReport", "answers_for", "play_history"]

Step = Generator[datetime, None, None]


@dataclass(frozen=True)
class HistoryReport:
    """What was played: how many CAFs, meetings, reviews, escalations, closures; how long."""

    cafs: int
    completed: int
    meetings: int
    reviews: int
    escalations: int
    closed: int
    stepped_up: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def answers_for(section_key: str, *, on: date, agency_id: str) -> dict[str, Any]:
    """Answers that complete ``section_key``: plain demo words, the first of each choice."""
    answers: dict[str, Any] = {}
    section = structure.section(section_key)
    for q in section.questions:
        if not (q.required or q.key in section.needs_one_of):
            continue
        if q.kind == structure.Kind.DATE:
            answers[q.key] = (on - timedelta(days=1)).isoformat()
        elif q.kind in {structure.Kind.CHOICE, structure.Kind.LIST}:
            answers[q.key] = "yes" if ("yes", "Yes") in q.choices else q.choices[0][0]
        elif q.kind == structure.Kind.ORGANISATIONS:
            answers[q.key] = [agency_id]
        else:
            answers[q.key] = "Recorded in the demo region's history."
    return answers


class _Player:
    """Plays one node's stories; counts what it did."""

    def __init__(self, region: dict[str, Any]) -> None:
        self.people = {
            p["username"]: p for p in region["practitioners"] if "practitioner" in p["roles"]
        }
        self.names = {o["agency_id"]: o["name"] for o in region["organisations"]}
        self.counts = dict.fromkeys(
            ("cafs", "completed", "meetings", "reviews", "escalations", "closed", "stepped_up"), 0
        )

    def actor(self, username: str) -> Actor:
        p = self.people[username]
        return Actor(username, f"{p['given_name']} {p['family_name']}", p["organisation"])

    def invitee(self, username: str) -> dict[str, str]:
        actor = self.actor(username)
        return {
            "username": username,
            "name": actor.name,
            "organisation": actor.organisation,
            "organisation_name": self.names[actor.organisation],
        }

    def play(self, story: CafStory) -> Step:
        """The story's steps, each after yielding the moment it happens."""
        assessor = self.actor(story.assessor)
        yield _at(story.started_on, 9)
        checklist = answers_for("checklist", on=story.started_on, agency_id=story.agency_id)
        assessment = start_assessment(
            agency_id=story.agency_id, local_id=story.local_id, checklist=checklist, by=assessor
        )
        self.counts["cafs"] += 1
        if story.completed_on is None:
            return
        yield _at(story.completed_on, 10)
        for key in structure.SECTION_KEYS[1:]:
            content = answers_for(key, on=story.completed_on, agency_id=story.agency_id)
            save_section(
                assessment=assessment, section=key, content=content, complete=True, by=assessor
            )
        complete_assessment(assessment=assessment, by=assessor)
        self.counts["completed"] += 1
        lead = self.actor(story.lead_professional)
        last = story.completed_on
        for n, planned in enumerate(story.meetings):
            yield _at(max(last, planned.held_on - timedelta(days=7)), 11)
            meeting = team.arrange_meeting(
                assessment=assessment,
                held_on=planned.held_on,
                invitees=[self.invitee(u) for u in story.invitees],
                by=assessor if n == 0 else lead,
            )
            yield _at(planned.held_on, 16)
            yield from self._record(meeting, planned, lead, story)
            if planned.review_made_on is not None:
                yield _at(planned.review_made_on, 10)
                complete_assessment(assessment=assessment, by=lead, note="Reviewed")
                self.counts["reviews"] += 1
                last = planned.review_made_on
        if story.closed_on is not None:
            yield _at(story.closed_on, 15)
            closer = self.actor(assessment_lead(assessment) or story.assessor)
            if story.stepped_up_to:
                team.close(
                    assessment=assessment,
                    reason=ClosureReason.STEPPED_UP,
                    referred_to=story.stepped_up_to,
                    by=closer,
                )
                self.counts["stepped_up"] += 1
            else:
                team.close(assessment=assessment, reason=ClosureReason.NEEDS_MET, by=closer)
            self.counts["closed"] += 1

    def _record(self, meeting: Meeting, planned: Any, lead: Actor, story: CafStory) -> Step:
        by_username = {i.username: i for i in meeting.invitations.all()}
        team.record_meeting(
            meeting=meeting,
            attendance={by_username[u].pk: a for u, a in planned.attendance.items()},
            lead_professional=lead.username,
            lead_professional_name=lead.name,
            next_review_on=planned.next_review_on,
            by=lead,
        )
        self.counts["meetings"] += 1
        by_username = {i.username: i for i in meeting.invitations.all()}  # as recorded
        if planned.escalate:
            yield _at(planned.held_on + timedelta(days=1), 10)
        for username in planned.escalate:
            team.escalate(
                invitation=by_username[username], reason="Did not attend or send word", by=lead
            )
            self.counts["escalations"] += 1


def assessment_lead(assessment: Assessment) -> str:
    return Assessment.objects.values_list("lead_professional", flat=True).get(pk=assessment.pk)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, clock(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


def play_history(
    *,
    region_dir: Path,
    seed: int,
    today: date | None = None,
    years: int = 3,
    per_10k_a_year: float | None = None,
    agencies: set[str] | None = None,
) -> HistoryReport:
    """Play the CAFs this node's agencies started in the region's last ``years`` years.

    Reproducible for a seed: the same region and seed make the same CAFs on the
    same days. Records this node does not hold are left out, and with
    ``agencies`` those of other agencies. Call it once, on a node with its
    agencies' records imported and no CAFs yet.
    """
    began = time.perf_counter()
    region = json.loads((region_dir / "region.json").read_text(encoding="utf-8"))
    truth = read_truth(region_dir)
    hosted = set(NodeAgency.objects.values_list("agency_id", flat=True))
    if agencies is not None:
        hosted &= agencies
    held = set(NodeRecord.objects.filter(agency_id__in=hosted).values_list("agency_id", "local_id"))
    options = {} if per_10k_a_year is None else {"per_10k_a_year": per_10k_a_year}
    stories = [
        s
        for s in plan_history(
            region, truth, seed=seed, today=today or timezone.localdate(), years=years, **options
        )
        if (s.agency_id, s.local_id) in held
    ]
    player = _Player(region)
    queue: list[tuple[datetime, int, Step]] = []
    for n, story in enumerate(stories):
        steps = player.play(story)
        heapq.heappush(queue, (next(steps), n, steps))
    while queue:
        when, n, steps = heapq.heappop(queue)
        with time_machine.travel(when, tick=False):
            following = next(steps, None)
        if following is not None:
            heapq.heappush(queue, (following, n, steps))
    return HistoryReport(**player.counts, seconds=round(time.perf_counter() - began, 2))
