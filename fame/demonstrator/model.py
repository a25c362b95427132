"""The service process as a discrete-event simulation (SimPy).

One run is one replication of one approach. Two kinds of work arrive:

- **Searches**: at any moment some practitioner needs to know who else is
  involved with a child. As is, they phone round the agencies that might be;
  with the index, they search it (or, without an account, ask the ISA team).
- **Concerns**: a practitioner notices a concern; they find who is involved,
  decide on a CAF, seek consent, assess, gather a Team Around the Child when
  more than ``tac_when_agencies_over`` agencies are involved (a co-ordinator
  arranges it), agree a Lead Professional, start services and review until the
  CAF closes or steps up to social care.

Where people or systems are waited for there is a SimPy resource: the ISA
team, the co-ordinators, and each agency's node (up or down). Practitioners'
own time is counted, not queued: their caseloads are outside this model.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import simpy
from pydantic import BaseModel

from .events import Recorder
from .sampling import Draw, attempts_until, block, chooser, drawer, poisson, stream
from .scenario import AGENCY_TYPES, Exponential, Fixed, LogNormal, Scenario, Triangular

DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_QUARTER = 365.25 / 4
MAX_REVIEWS = 12
CALLED_MAX = 16  # agencies phoned in one search, at most (draws are reserved for each)
REQUESTS_MAX = 8  # requests for details in one CAF, at most
REFUSAL_REASONS = ("no consent in force", "no protocol names both agencies")
_TYPES = len(AGENCY_TYPES)
_CAF_DRAWS = 6 + _TYPES + 4 + 3 * MAX_REVIEWS
_STREAMS = (
    "search-arrivals",
    "search-child",
    "phone",
    "index",
    "concern-arrivals",
    "concern",
    "caf",
    "requests",
    "nodes",
    "index-updates",
)


@dataclass
class Tally:
    """What one run saw, summed; ``measures`` turns it into the published figures."""

    searches: int = 0
    searches_finding_everyone: int = 0
    finding_hours: float = 0.0
    cafs: int = 0
    cafs_by_initiator: Counter[str] = field(default_factory=Counter)
    concern_to_tac: list[float] = field(default_factory=list)
    concern_to_services: list[float] = field(default_factory=list)
    story_told: list[int] = field(default_factory=list)
    caf_hours: list[float] = field(default_factory=list)
    requests: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    node_found_up: int = 0
    node_found_down: int = 0
    isa_waits_hours: list[float] = field(default_factory=list)
    slot_waits_days: list[float] = field(default_factory=list)
    request_seconds: list[float] = field(default_factory=list)
    coordinator_waits_days: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Draws:
    """A concern's uniforms, drawn when it arrives (see sampling: common random numbers)."""

    concern: list[float]
    finding: list[float]
    caf: list[float]
    requests: list[float]


@dataclass(frozen=True)
class Outcome:
    """What a search found, and what it cost."""

    found: list[str]
    hours: float
    days: float  # waiting for call-backs
    how: str
    opened: bool = False  # the index found the child, and the record was opened with a reason


class WatchedResource(simpy.Resource):
    """A resource that integrates the length of its queue over time."""

    def __init__(self, env: simpy.Environment, capacity: int, *, keep: bool = False) -> None:
        super().__init__(env, capacity=capacity)
        self._area = 0.0
        self._since = 0.0
        self.series: list[tuple[float, int]] | None = [] if keep else None
        """(day, people waiting) at each change, when kept (the demonstrator's views)."""

    def _note(self) -> None:
        now = self._env.now
        self._area += len(self.queue) * (now - self._since)
        self._since = now

    def mark(self) -> None:
        """Keep the queue's length now (a request granted leaves the queue when it is)."""
        if self.series is not None:
            waiting = len(self.queue)
            if not self.series or self.series[-1][1] != waiting:
                self.series.append((self._env.now, waiting))

    def request(self) -> simpy.resources.resource.Request:
        self._note()
        request = super().request()
        self.mark()
        return request

    def release(self, request: Any) -> Any:
        self._note()
        released = super().release(request)
        self.mark()
        return released

    def mean_queue(self) -> float:
        self._note()
        return self._area / self._since if self._since else 0.0


def _compiled(part: BaseModel) -> Any:
    """The part's values, each distribution turned into a quick ``u -> value`` drawer."""
    values = {}
    for name in type(part).model_fields:
        value = getattr(part, name)
        is_dist = isinstance(value, Fixed | Exponential | LogNormal | Triangular)
        values[name] = drawer(value) if is_dist else value
    return SimpleNamespace(**values)


class Run:
    """One replication of one approach of a scenario."""

    def __init__(
        self,
        scenario: Scenario,
        approach: str,
        *,
        replication: int,
        seed: int,
        recorder: Recorder | None = None,
    ) -> None:
        self.s = scenario
        self.a = scenario.approaches[approach]
        self.env = simpy.Environment()
        self.log = recorder or Recorder(enabled=False)
        self.tally = Tally()
        self.f = _compiled(scenario.finding)
        self.c = _compiled(scenario.caf)
        self.inf = _compiled(scenario.infrastructure)
        self.gather: Draw = drawer(self.a.days_to_gather_tac or scenario.caf.days_to_gather_tac)
        region = scenario.region
        self.children = region.children
        self.practitioners_by_type = scenario.practitioners_by_type()
        self.agencies_by_type: dict[str, int] = {
            str(t): max(1, round(a.agencies_per_10000_children * self.children / 10_000))
            for t, a in region.agencies.items()
        }
        self.practitioners = sum(self.practitioners_by_type.values())
        self._age = chooser({str(age): share for age, share in region.age_mix.items()})
        self._searcher = chooser(self.practitioners_by_type)
        self._initiator = chooser({str(t): a.initiates for t, a in region.agencies.items()})
        self._involvement: dict[str, list[tuple[int, str, float]]] = {
            str(age): [
                (i, str(t), agency.involved.get(age, 0.0))
                for i, t in enumerate(AGENCY_TYPES)
                if (agency := region.agencies.get(t)) is not None  # type: ignore[call-overload]
            ]
            for age in region.age_mix
        }
        self._coverage = [
            agency.index_coverage if (agency := region.agencies.get(t)) else 0.0  # type: ignore[call-overload]
            for t in AGENCY_TYPES
        ]
        workforce = scenario.workforce
        keep = self.log.enabled
        self.isa = WatchedResource(self.env, workforce.isa_officers, keep=keep)
        coordinators = round(workforce.coordinators_per_100000_children * self.children / 100_000)
        self.coordinators = WatchedResource(self.env, max(1, coordinators), keep=keep)
        weekly = workforce.tac_slots_per_week_per_100000_children * self.children / 100_000
        self.slots_per_week = max(1, round(weekly))
        self.slots = simpy.Container(
            self.env, capacity=self.slots_per_week, init=self.slots_per_week
        )
        self.node_up: dict[tuple[str, int], bool] = {}
        self._streams = {name: stream(seed, replication, name) for name in _STREAMS}
        self._ids = Counter[str]()

    # -- the parts every approach shares -------------------------------------------------

    def _uniforms(self, name: str, size: int) -> list[float]:
        return block(self._streams[name], size)

    def _new_id(self, kind: str) -> str:
        self._ids[kind] += 1
        return f"{kind}-{self._ids[kind]}"

    def _involved(self, u: list[float], age: str, own: str) -> list[str]:
        """The other agency types involved with a child (one uniform per type)."""
        return [t for i, t, chance in self._involvement[age] if t != own and u[i] < chance]

    def _practitioner(self, kind: str, u: float) -> str:
        count = max(1, round(self.practitioners_by_type[kind]))
        return f"practitioner-{kind}-{int(u * count)}"

    # -- finding who is involved ---------------------------------------------------------

    def _finding_uniforms(self) -> list[float]:
        """A search's draws, taken when it arrives so that every approach sees the same."""
        if self.a.finding == "phone_round":
            return self._uniforms("phone", 2 + 2 * CALLED_MAX)
        return self._uniforms("index", 3 + _TYPES)

    def _outcome(self, involved: list[str], u: list[float]) -> Outcome:
        f = self.f
        if self.a.finding == "phone_round":
            extra = min(poisson(f.extra_agencies_called, u[0]), CALLED_MAX - len(involved))
            minutes, days, found = 0.0, 0.0, []
            for k in range(len(involved) + max(extra, 0)):
                needed = attempts_until(f.reach_chance, u[2 + 2 * k])
                tries = min(needed, f.attempts_per_agency)
                minutes += tries * f.minutes_per_call(u[3 + 2 * k])
                if k < len(involved) and needed <= f.attempts_per_agency:
                    found.append(involved[k])
                if tries > 1:
                    days = max(days, (tries - 1) * f.days_between_attempts(u[1]))
            return Outcome(found, minutes / 60, days, "phoned round")
        coverage = self._coverage
        finds_child = u[2] < f.index_finds_child
        found = [
            a
            for a in involved
            if finds_child and u[3 + AGENCY_TYPES.index(a)] < coverage[AGENCY_TYPES.index(a)]
        ]
        needs_isa = u[1] < f.share_without_account
        how = "asked the ISA team" if needs_isa else "searched the index"
        minutes = f.minutes_per_index_search(u[0])
        return Outcome(found, minutes / 60, 0.0, how, opened=finds_child)

    def _tally_search(
        self, child: str, involved: list[str], who: str, at: float, o: Outcome
    ) -> None:
        t = self.tally
        t.searches += 1
        t.finding_hours += o.hours
        t.searches_finding_everyone += len(o.found) == len(involved)
        self.log.event(
            "find who is involved",
            at,
            {child: "child", who: "searcher"},
            how=o.how,
            involved=len(involved),
            found=len(o.found),
            minutes=round(o.hours * 60, 1),
        )
        if o.opened:  # as the running system audits it: the search, then the record opened
            self.log.event("record opened", at + o.hours / 24, {child: "child", who: "by"})

    def _find(self, child: str, involved: list[str], who: str, u: list[float]) -> Any:
        """Find who else is involved, waiting where the approach waits; the value is the
        outcome."""
        start = self.env.now
        outcome = self._outcome(involved, u)
        if outcome.how == "asked the ISA team":
            yield from self._ask_isa(u[0])
        if outcome.days:
            yield self.env.timeout(outcome.days)
        self._tally_search(child, involved, who, start, outcome)
        return outcome

    def _ask_isa(self, u: float) -> Any:
        asked = self.env.now
        with self.isa.request() as turn:
            yield turn
            self.isa.mark()
            self.tally.isa_waits_hours.append((self.env.now - asked) * 24)
            hours = self.f.isa_minutes_per_request(u) / 60
            yield self.env.timeout(hours / self.s.workforce.isa_hours_per_day)

    def searches(self) -> Any:
        """Practitioners needing to know who is involved, as a Poisson stream over the run.
        Only a search that waits for someone (the ISA team) becomes a process of its own."""
        rate = self.practitioners * self.f.needs_per_practitioner_month / DAYS_PER_MONTH
        arrivals = self._streams["search-arrivals"]
        env = self.env
        while True:
            yield env.timeout(-math.log1p(-arrivals.random()) / rate)
            if env.now >= self.s.days:
                return
            u = self._uniforms("search-child", 4 + _TYPES)
            child = f"child-{int(u[0] * self.children)}"
            own = self._searcher(u[2])
            involved = self._involved(u[3:], self._age(u[1]), own)
            who = self._practitioner(own, u[-1])
            drawn = self._finding_uniforms()
            outcome = self._outcome(involved, drawn)
            if outcome.how == "asked the ISA team":
                env.process(self._find(child, involved, who, drawn))
            else:
                self._tally_search(child, involved, who, env.now, outcome)

    # -- a concern, and the CAF it may lead to -------------------------------------------

    def concerns(self) -> Any:
        rate = self.c.concerns_per_10000_children_year * self.children / 10_000 / 365.25
        arrivals = self._streams["concern-arrivals"]
        while True:
            yield self.env.timeout(-math.log1p(-arrivals.random()) / rate)
            if self.env.now >= self.s.days:
                return
            # Every draw this concern may use, taken now: the same for every approach.
            drawn = Draws(
                concern=self._uniforms("concern", 4 + _TYPES),
                finding=self._finding_uniforms(),
                caf=self._uniforms("caf", _CAF_DRAWS),
                requests=self._uniforms("requests", 1 + 4 * REQUESTS_MAX),
            )
            self.env.process(self.concern(drawn))

    def concern(self, drawn: Draws) -> Any:
        c, t, env = self.c, self.tally, self.env
        u, v = drawn.concern, drawn.caf
        child = f"child-{int(u[0] * self.children)}"
        initiator = self._initiator(u[2])
        practitioner = self._practitioner(initiator, u[3])
        involved = self._involved(u[4:], self._age(u[1]), initiator)
        start = env.now
        self.log.event(
            "concern noticed",
            start,
            {child: "child", practitioner: "noticed by"},
            agency_type=initiator,
        )
        search = yield env.process(self._find(child, involved, practitioner, drawn.finding))
        found, caf_hours = search.found, search.hours
        yield env.timeout(c.days_to_decide(v[0]))
        if v[1] >= c.caf_chance:
            self.log.event("decided no CAF", env.now, {child: "child", practitioner: "decided by"})
            return
        yield env.timeout(c.days_to_consent(v[2]))
        if v[3] >= c.consent_chance:
            self.log.event("consent refused", env.now, {child: "child"})
            return
        caf = self._new_id("caf")
        objects = {child: "child", caf: "assessment", practitioner: "assessor"}
        self.log.event("CAF started", env.now, objects, agency_type=initiator)
        yield env.timeout(c.days_to_assess(v[4]))
        assessing = c.assessment_hours(v[5])
        caf_hours += assessing
        # On paper each other agency keeps its own record and may ask again; a shared CAF
        # reaches the agencies found, and only those not found may still ask.
        paper = self.a.record == "paper"
        retelling = involved if paper else [a for a in involved if a not in found]
        told = 1 + sum(1 for a in retelling if v[6 + AGENCY_TYPES.index(a)] < c.retell_chance)
        asking = yield env.process(self._details_requests(caf, found, drawn.requests))
        caf_hours += asking
        self.log.event(
            "CAF completed",
            env.now,
            objects,
            agency_type=initiator,
            assessment_hours=round(assessing, 2),
            asking_hours=round(asking, 2),
            times_told=told,
        )
        t.cafs += 1
        t.cafs_by_initiator[initiator] += 1
        agencies = 1 + len(found)
        w = v[6 + _TYPES :]
        if agencies > c.tac_when_agencies_over:
            asked = env.now
            with self.coordinators.request() as turn:
                yield turn
                self.coordinators.mark()
                t.coordinator_waits_days.append(env.now - asked)
                arranging = c.coordinator_hours_per_tac(w[0])
                yield env.timeout(arranging / self.s.workforce.coordinator_hours_per_day)
            yield env.timeout(self.gather(w[1]))
            gathered = env.now
            yield self.slots.get(1)  # a meeting slot this week, or the next week with one free
            t.slot_waits_days.append(env.now - gathered)
            meeting = self._new_id("meeting")
            each = c.meeting_hours_per_attendee(w[2])
            caf_hours += agencies * each
            self.log.event(
                "TAC meeting held",
                env.now,
                {**objects, meeting: "meeting"},
                attendees=agencies,
                hours_each=round(each, 2),
            )
            t.concern_to_tac.append(env.now - start)
        self.log.event("lead professional agreed", env.now, objects)
        yield env.timeout(c.days_to_services(w[3]))
        self.log.event("services started", env.now, objects)
        t.concern_to_services.append(env.now - start)
        t.story_told.append(told)
        for review in range(MAX_REVIEWS):
            at = 4 + 3 * review
            yield env.timeout(c.days_between_reviews(w[at]))
            each = c.review_hours(w[at + 1])
            caf_hours += agencies * each
            self.log.event("CAF reviewed", env.now, objects, hours_each=round(each, 2))
            if w[at + 2] < c.step_up_chance_at_review:
                self.log.event("stepped up to social care", env.now, objects)
                break
            if w[at + 2] < c.step_up_chance_at_review + c.close_chance_at_review:
                self.log.event("CAF closed", env.now, objects)
                break
        t.caf_hours.append(caf_hours)

    def _details_requests(self, caf: str, found: list[str], u: list[float]) -> Any:
        """Ask the agencies found for what they hold; the value is the practitioner's hours."""
        c, t, env = self.c, self.tally, self.env
        if not found:
            return 0.0
        hours = 0.0
        for k in range(min(poisson(c.details_requests_per_caf, u[0]), REQUESTS_MAX)):
            pick, where, answer, latency = u[1 + 4 * k : 5 + 4 * k]
            agency = found[int(pick * len(found))]
            request = self._new_id("request")
            objects = {caf: "assessment", request: "request"}
            timed: dict[str, float] = {}  # a federated request's time to answer, for the views
            t.requests += 1
            if self.a.requests == "phone":
                hours += c.minutes_per_phoned_request(where) / 60
            else:
                node = (agency, int(where * self.agencies_by_type[agency]))
                objects[f"node-{node[0]}-{node[1]}"] = "answered by"
                if self.node_up.get(node, True):
                    t.node_found_up += 1
                else:
                    t.node_found_down += 1
                    self.log.event("request waiting for node", env.now, objects)
                    while not self.node_up.get(node, True):
                        yield env.timeout(self.inf.days_to_retry_request(answer))
                seconds = self.inf.request_seconds(latency)
                t.request_seconds.append(seconds)
                timed["seconds"] = round(seconds, 2)
                hours += seconds / 3600
            self.log.event("details requested", env.now, objects, agency_type=agency, **timed)
            why = None
            if answer < c.refusal_no_consent_chance:
                why = REFUSAL_REASONS[0]
            elif answer < c.refusal_no_consent_chance + c.refusal_no_protocol_chance:
                why = REFUSAL_REASONS[1]
            if why:
                t.refused[why] += 1
                self.log.event("request refused", env.now, objects, why=why)
            else:
                self.log.event("request answered", env.now, objects)
        return hours

    # -- the nodes -----------------------------------------------------------------------

    def node(self, agency: str, number: int, rng: Any) -> Any:
        key, name = (agency, number), f"node-{agency}-{number}"
        while True:
            yield self.env.timeout(self.inf.node_days_between_failures(rng.random()))
            self.node_up[key] = False
            self.log.event("node down", self.env.now, {name: "node"})
            yield self.env.timeout(self.inf.node_hours_to_repair(rng.random()) / 24)
            self.node_up[key] = True
            self.log.event("node up", self.env.now, {name: "node"})

    def index_updates(self) -> Any:
        """Each node's deliveries of index updates to the hub, as one Poisson stream over all
        nodes (the sum of each node's); a node that is down sends nothing (its outbox waits)."""
        nodes = [(a, n) for a, count in self.agencies_by_type.items() for n in range(count)]
        rate = self.s.infrastructure.index_updates_per_node_day * len(nodes)
        if rate <= 0:
            return
        rng, env = self._streams["index-updates"], self.env
        while True:
            yield env.timeout(-math.log1p(-rng.random()) / rate)
            if env.now >= self.s.days:
                return
            agency, number = nodes[int(rng.random() * len(nodes))]
            if self.node_up.get((agency, number), True):
                objects = {f"node-{agency}-{number}": "sent by"}
                self.log.event("index updated", env.now, objects, agency_type=agency)

    def tree_heads(self) -> Any:
        """The hub signs a tree head of its audit log and sends it to every node."""
        every = self.s.infrastructure.tree_head_hours / 24
        while True:
            yield self.env.timeout(every)
            if self.env.now >= self.s.days:
                return
            self.log.event("tree head signed", self.env.now, {"log-audit": "signed"})

    # -- running -------------------------------------------------------------------------

    def weekly_slots(self) -> Any:
        """Each week the partnership's meeting slots are free again (unused ones do not keep)."""
        while True:
            yield self.env.timeout(7)
            if self.slots.level < self.slots_per_week:
                yield self.slots.put(self.slots_per_week - self.slots.level)

    def run(self) -> dict[str, float | None]:
        env = self.env
        env.process(self.weekly_slots())
        env.process(self.searches())
        env.process(self.concerns())
        if self.a.requests == "federated":
            rng = self._streams["nodes"]
            for agency, count in self.agencies_by_type.items():
                for number in range(count):
                    env.process(self.node(agency, number, rng))
            # Index updates and tree heads are drawn only for the views (their own stream):
            # no measure counts them, and no other draw moves because of them.
            if self.log.enabled:
                env.process(self.index_updates())
                env.process(self.tree_heads())
        # Work started before the end runs on (a CAF's reviews, a queue) so that a concern
        # raised late in the run is measured whole; nothing new arrives after the end.
        env.run(until=self.s.days + MAX_REVIEWS * 120)
        return measures(self)


def _mean(values: list[float] | list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def measures(run: Run) -> dict[str, float | None]:
    """The published figures of one run (None where a measure has nothing to average)."""
    t, months = run.tally, run.s.days / DAYS_PER_MONTH
    quarters = run.s.days / DAYS_PER_QUARTER
    nodes_seen = t.node_found_up + t.node_found_down
    figures: dict[str, float | None] = {
        "finding_hours_per_practitioner_month": t.finding_hours / (run.practitioners * months),
        "share_finding_everyone": t.searches_finding_everyone / t.searches if t.searches else None,
        "days_concern_to_first_tac": _mean(t.concern_to_tac),
        "days_concern_to_services": _mean(t.concern_to_services),
        "times_family_tells_story": _mean(t.story_told),
        "practitioner_hours_per_caf": _mean(t.caf_hours),
        "cafs_per_quarter": t.cafs / quarters,
        "requests_refused_share": sum(t.refused.values()) / t.requests if t.requests else None,
        "isa_wait_hours": _mean(t.isa_waits_hours),
        "isa_queue_length": run.isa.mean_queue(),
        "coordinator_wait_days": _mean(t.coordinator_waits_days),
        "coordinator_queue_length": run.coordinators.mean_queue(),
        "node_availability_seen": t.node_found_up / nodes_seen if nodes_seen else None,
        "tac_slot_wait_days": _mean(t.slot_waits_days),
        "request_seconds": _mean(t.request_seconds),
    }
    for agency in AGENCY_TYPES:
        if agency in run.s.region.agencies:
            figures[f"cafs_per_quarter_{agency}"] = t.cafs_by_initiator[agency] / quarters
    for why in REFUSAL_REASONS:
        key = "requests_refused_" + why.replace(" ", "_")
        figures[key] = t.refused[why] / t.requests if t.requests else None
    return figures
