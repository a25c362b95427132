"""The answers to a story's questions, computed when the page is shown.

- A rule answer puts each described request to the sharing policy decision point
  (``fame.sharing.decide``, the Cedar policies every real request meets) and gives
  its decision, the reasons it names and the lawful basis of a permit.
- A figure answer runs the model: one of the published measures, or a count of an
  activity, for each approach on the same random numbers (common random numbers),
  for the story's run or over several replications with a 95% interval.
- A journey answer lists the case's own events of some activities.

Nothing here is typed into a story: change the policy or the model and the answer
changes with it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from fame.sharing import (
    AccessRequest,
    ChildFacts,
    ConsentFacts,
    DataCategory,
    Facts,
    OrganisationFacts,
    ProtocolFacts,
    Purpose,
    UserFacts,
    decide,
)

from ..compare import bounds, interval, run_all
from ..playback import shipped
from ..reports import figure
from .cases import Case, day_in_words, run_document
from .story import MEASURES, Ask, FigureAnswer, JourneyAnswer

# -- rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFinding:
    """One request, and what the sharing policy said of it."""

    label: str
    request: str  # the request in words
    permitted: bool
    reasons: tuple[str, ...]
    basis: str


ASKING = {
    "school": "A teacher",
    "health": "A health practitioner",
    "gp": "A GP",
    "social_care": "A social worker",
    "police": "A police officer",
    "youth": "A youth worker",
    "voluntary": "A voluntary sector worker",
}
HOLDING = {
    "school": "the school",
    "health": "the health trust",
    "gp": "the GP practice",
    "social_care": "social care",
    "police": "the police",
    "youth": "the youth service",
    "voluntary": "the voluntary organisation",
}


def facts_for(ask: Ask, on: date) -> tuple[AccessRequest, Facts]:
    """The request and the facts the decision point is given: two accredited agencies, a
    vetted, trained practitioner signed in with a second factor, a manager of theirs,
    and the protocol and consent the ask describes, in force since a year ago."""
    asking, holding = f"{ask.requester}-agency", f"{ask.holder}-agency"
    since = on - timedelta(days=365)
    people = {
        "asker": UserFacts("asker", asking, frozenset({"practitioner"}), True, True, True),
        "manager": UserFacts("manager", asking, frozenset({"manager"}), True, True, True),
    }
    protocols = []
    if ask.protocol_covers:
        protocols.append(
            ProtocolFacts(
                id="ISP-1",
                parties=frozenset({asking, holding}),
                purposes=frozenset({ask.purpose}),
                categories=frozenset(ask.protocol_covers),
                starts=since,
                ends=None,
            )
        )
    consents = []
    if ask.consent != "none":
        consents.append(
            ConsentFacts(
                id="consent",
                decision=ask.consent,
                organisations=frozenset({asking}),
                purposes=frozenset({ask.purpose}),
                categories=frozenset({ask.category}),
                starts=since,
                ends=None,
                withdrawn_on=None,
            )
        )
    facts = Facts(
        child=ChildFacts(id="child", holder=holding, shielded=False),
        organisations={o: OrganisationFacts(o, accredited=True) for o in (asking, holding)},
        users=people,
        protocols=protocols,
        consents=consents,
    )
    request = AccessRequest(
        user="asker",
        child="child",
        purpose=ask.purpose,
        category=ask.category,
        on=on,
        override_reason=ask.override or None,
        override_authorised_by="manager" if ask.override else None,
    )
    return request, facts


def _described(ask: Ask) -> str:
    category = DataCategory(ask.category).label
    words = (
        f"{ASKING[ask.requester]} asks {HOLDING[ask.holder]} for the child's {category}, "
        f"for {Purpose(ask.purpose).label}. "
    )
    if ask.protocol_covers:
        covered = [str(c.label) for c in DataCategory if c.value in ask.protocol_covers]
        listed = ", ".join(covered[:-1]) + " and " if len(covered) > 1 else ""
        words += f"A protocol between them covers {listed}{covered[-1]}. "
    else:
        words += "No protocol names both agencies. "
    words += {
        "none": "No consent is recorded.",
        "permit": "The family's consent is recorded.",
        "deny": "The family refused consent.",
    }[ask.consent]
    if ask.override:
        words += f" A manager authorises a safeguarding override: “{ask.override}”"
    return words


def rule_findings(asks: list[Ask], *, on: date | None = None) -> list[RuleFinding]:
    """Each request put to the sharing policy decision point."""
    day = on or date.today()
    findings = []
    for ask in asks:
        decision = decide(*facts_for(ask, day))
        findings.append(
            RuleFinding(
                label=ask.label,
                request=_described(ask),
                permitted=decision.permitted,
                reasons=tuple(decision.reasons),
                basis=decision.lawful_basis,
            )
        )
    return findings


# -- figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureFinding:
    """A figure for each approach: the value in words, and the 95% interval if any."""

    name: str
    replications: int
    rows: tuple[tuple[str, str], ...]  # (approach label, figure in words)


Figures = tuple[dict[str, float | None], Counter[str]]


@lru_cache(maxsize=16)
def _runs(
    scenario_name: str, approach: str, seed: int, first: int, replications: int
) -> tuple[Figures, ...]:
    """Each replication's published figures and how often each activity happened. One
    replication is the run the views play (``playback``, cached); more are run here."""
    if replications == 1:
        document = run_document(scenario_name, approach, seed, first)
        names = document["activities"]
        return ((document["measures"], Counter(names[a] for a in document["events"]["a"])),)
    results = run_all(
        shipped()[scenario_name],
        [approach],
        replications=replications,
        seed=seed,
        jobs=1,
        keep_events=True,
    )
    return tuple(
        (figures, Counter(event[0] for event in recorder.events))
        for _, _, figures, recorder in results
    )


def figure_finding(
    answer: FigureAnswer, *, scenario: str, seed: int, replication: int
) -> FigureFinding:
    name = MEASURES[answer.measure] if answer.measure else f"Times “{answer.count}” happened"
    approaches = shipped()[scenario].approaches
    rows = []
    for approach in answer.approaches:
        first = replication if answer.replications == 1 else 0
        values = [
            figures[answer.measure] if answer.measure else float(counts[str(answer.count)])
            for figures, counts in _runs(scenario, approach, seed, first, answer.replications)
        ]
        spread = interval(values, **bounds(answer.measure or "count"))
        counted = answer.count is not None and answer.replications == 1
        words = (
            f"{spread.mean:,.0f}" if counted and spread.mean is not None else figure(spread.mean)
        )
        if spread.ci_low is not None and spread.ci_high is not None:
            words += f" (95% interval {figure(spread.ci_low)} to {figure(spread.ci_high)})"
        rows.append((approaches[approach].label, words))
    return FigureFinding(name, answer.replications, tuple(rows))


# -- the case's own events ---------------------------------------------------------------


@dataclass(frozen=True)
class JourneyFinding:
    rows: tuple[tuple[str, str, str], ...]  # (when, what, details)


def _details(attributes: dict[str, object], objects: dict[str, str]) -> str:
    shown = [
        f"{qualifier}: {id_}"
        for id_, qualifier in objects.items()
        if qualifier not in ("child", "assessment")
    ]
    shown += [f"{k.replace('_', ' ')}: {v}" for k, v in attributes.items()]
    return "; ".join(shown)


def journey_finding(answer: JourneyAnswer, case: Case, days: int) -> JourneyFinding:
    wanted = set(answer.activities)
    return JourneyFinding(
        tuple(
            (day_in_words(h.t, days), h.activity, _details(h.attributes, h.objects))
            for h in case.journey
            if h.activity in wanted
        )
    )
