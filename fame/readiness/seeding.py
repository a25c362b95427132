"""The demo region's readiness round, so that the Readiness pages have something to show.

A real partnership opens its rounds on the Readiness pages; the made-up demo region starts
with one, opened by its partnership officer on the shipped children's-services bank: four
partners named after the region's agencies, two respondents (demo logins, each answering
as a lead) who answered every statement with evidence and submitted, and a third who is
invited and has not started, so that a person can sign in as them and answer. The answers
are drawn from the region's seed, so the same region always gets the same round, and are
written through the round's own actions (``rounds.actions``, ``rounds.answering``).

Seeded once: a hub that already has the round (running ``fame demo`` again resumes it)
is left as it is.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from fame.accounts.models import User

from .bank import Bank, Statement, shipped_banks
from .facts import Fact
from .models import Lead, Respondent, Round
from .rounds.actions import invite, open_round, set_comparing
from .rounds.answering import GivenAnswer, live_facts_for, save_block, submit_answers

__all__ = [
    "DEMO_PARTNERSHIP",
    "DEMO_TITLE",
    "demo_round",
    "login_lines",
    "seed_demo_round",
    "waiting_logins",
]

DEMO_PARTNERSHIP = "Northshire Children's Trust"
DEMO_TITLE = "Readiness, autumn 2026"


@dataclass(frozen=True)
class DemoRespondent:
    persona: str
    lead: Lead
    answers: bool
    """Whether they answered and submitted (else invited and not started)."""


RESPONDENTS = (
    DemoRespondent("isa_officer", Lead.GOVERNANCE, answers=True),
    DemoRespondent("health_visitor", Lead.PRACTICE, answers=True),
    DemoRespondent("school_teacher", Lead.PRACTICE, answers=False),
)
"""Who answers the demo round, as which lead; the partner is the persona's organisation."""

OTHER_PARTNERS = ("police_officer",)
"""Personas whose organisation is a partner with nobody invited yet."""

FLAGGED_SHARE = 0.07
"""About this share of statements get a disagreement of 2 or more for the workshop (a few
more differ by 2 as respondents' scores each stray by one)."""

NOT_ATTACHED = frozenset({"nodes_connected", "audit_verified"})
"""Facts not attached when seeding: the hub is seeded before its nodes are registered and
before any audit check, so these would tell a passing state, not the region's."""

_EVIDENCE: dict[str, tuple[str, ...]] = {
    "practice": (
        "Seen in supervision notes and the {org} practice audit this autumn",
        "Team meetings and case discussions at {org} show this",
        "Practitioners at {org} describe this in the staff survey",
        "Case file audit of twenty cases at {org}",
    ),
    "ict": (
        "The {org} system inventory and the supplier's service report",
        "Checked with the {org} ICT service desk",
        "The {org} information asset register lists this",
        "Tested at {org} during the October system trial",
    ),
    "governance": (
        "Minutes of the partnership board, and the {org} information governance group",
        "Written into the {org} policy, signed off by its director",
        "The {org} data protection officer confirmed this",
        "Part of the agreed terms of reference for {org}",
    ),
}
_HOW_FAR = {
    1: "only in a few teams so far.",
    2: "in some places, not yet consistently.",
    3: "across most of the service.",
    4: "everywhere, and reviewed each year.",
}


def demo_round() -> Round | None:
    return Round.objects.filter(partnership=DEMO_PARTNERSHIP, title=DEMO_TITLE).first()


def waiting_logins() -> list[str]:
    """The usernames invited to the demo round who have not submitted their answers."""
    round_ = demo_round()
    if round_ is None:
        return []
    waiting = round_.respondents.filter(submitted_at__isnull=True).order_by("id")
    return list(waiting.values_list("user__username", flat=True))


def seed_demo_round(
    *, logins: Mapping[str, str], seed: int, bank: Bank | None = None
) -> Round | None:
    """Open the demo round once, on ``bank`` (the shipped children's-services bank unless
    said), answered as the module says; None when it exists or its people are missing.

    ``logins`` maps each demo persona to its username (the region file's ``demo_logins``).
    """
    if demo_round() is not None:
        return None
    wanted = {r.persona for r in RESPONDENTS} | set(OTHER_PARTNERS) | {"partnership_officer"}
    users = {
        persona: user
        for persona in wanted
        if (user := _active(logins.get(persona, ""))) is not None and user.organisation is not None
    }
    if set(users) != wanted:
        return None
    bank = bank or shipped_banks()["childrens-services"]
    officer = users["partnership_officer"]
    partners: dict[str, str] = {}  # persona -> partner name
    for persona in (*(r.persona for r in RESPONDENTS), *OTHER_PARTNERS):
        organisation = users[persona].organisation
        assert organisation is not None
        partners[persona] = organisation.name
    rng = random.Random(f"readiness-demo-{seed}")  # noqa: S311 - made-up answers
    scores = _draw_scores(rng, bank, [r for r in RESPONDENTS if r.answers])
    live = {
        sid: [f for f in found if f.key not in NOT_ATTACHED]
        for sid, found in live_facts_for(bank.statements).items()
    }
    with transaction.atomic():
        round_ = open_round(
            by=officer,
            partnership=DEMO_PARTNERSHIP,
            title=DEMO_TITLE,
            bank=bank,
            partners=sorted(set(partners.values())),
        )
        by_name = {p.name: p for p in round_.partners.all()}
        for demo in RESPONDENTS:
            respondent = invite(
                by=officer,
                round_=round_,
                user=users[demo.persona],
                partner=by_name[partners[demo.persona]],
                lead=demo.lead,
            )
            if demo.answers:
                _answer(rng, respondent, bank, scores[demo.persona], live)
        set_comparing(
            by=officer,
            round_=round_,
            partner_ids=[by_name[partners[r.persona]].pk for r in RESPONDENTS if r.answers],
        )
    return round_


def _active(username: str) -> User | None:
    if not username:
        return None
    found = User.objects.select_related("organisation").filter(username=username, is_active=True)
    return found.first()


def _draw_scores(
    rng: random.Random, bank: Bank, answering: Sequence[DemoRespondent]
) -> dict[str, dict[str, int | None]]:
    """Each answering persona's score per statement (None: "don't know").

    Each building block has a level the partnership is near; respondents score around the
    statement's level, one apart at most, except on about ``FLAGGED_SHARE`` of statements,
    where two of them are 2 or 3 apart (for the workshop). A lead says "don't know" more
    often outside their own dimension.
    """
    near = {s.block: rng.choice((1, 1, 2, 2, 2, 3)) for s in bank.statements}
    ids = [s.id for s in bank.statements]
    flagged = set(rng.sample(ids, max(2, round(len(ids) * FLAGGED_SHARE))))
    drawn: dict[str, dict[str, int | None]] = {r.persona: {} for r in answering}
    for statement in bank.statements:
        level = min(4, max(0, near[statement.block] + rng.choice((-1, 0, 0, 1))))
        if statement.id in flagged and len(answering) >= 2:
            low = min(2, max(0, level - 1))
            pair = [low, min(4, low + rng.choice((2, 2, 3)))]
            rng.shuffle(pair)
            for demo, score in zip(answering, pair + [level] * len(answering), strict=False):
                drawn[demo.persona][statement.id] = score
            continue
        for demo in answering:
            unknown = 0.04 if statement.dimension == demo.lead.value else 0.12
            if rng.random() < unknown:
                drawn[demo.persona][statement.id] = None
            else:
                drawn[demo.persona][statement.id] = min(
                    4, max(0, level + rng.choice((-1, 0, 0, 0, 0, 1)))
                )
    return drawn


def _answer(
    rng: random.Random,
    respondent: Respondent,
    bank: Bank,
    scores: Mapping[str, int | None],
    live: Mapping[str, list[Fact]],
) -> None:
    """Answer every statement block by block, as the task list would, then submit. The
    first statement in the respondent's own dimension scored 2 or more gets a document."""
    organisation = respondent.partner.name
    with_document = next(
        (
            s.id
            for s in bank.statements
            if s.dimension == respondent.lead and (scores[s.id] or 0) >= 2
        ),
        None,
    )
    for block in dict.fromkeys(s.block for s in bank.statements):
        given = []
        for statement in bank.in_block(block):
            answer = _given(rng, statement, scores[statement.id], organisation)
            upload = _document(statement, organisation) if statement.id == with_document else None
            attach = answer.score is not None and bool(live.get(statement.id))
            given.append(replace(answer, upload=upload, attach_fact=attach and rng.random() < 0.7))
        save_block(respondent=respondent, given=given, live=dict(live))
    submit_answers(respondent=respondent)


def _given(
    rng: random.Random, statement: Statement, score: int | None, organisation: str
) -> GivenAnswer:
    """The score with evidence in words (and now and then a link) as a respondent gives it."""
    link = ""
    if score is None:
        text = "Not something I can judge from my role; the lead for this should answer."
    elif score == 0:
        text = f"Not in place at {organisation} yet."
    else:
        source = rng.choice(_EVIDENCE[statement.dimension]).format(org=organisation)
        text = f"{source}: in place {_HOW_FAR[score]}"
        if rng.random() < 0.25:
            link = f"https://intranet.northshire.example/readiness/{statement.id.lower()}"
    return GivenAnswer(
        statement_id=statement.id,
        score=score,
        dont_know=score is None,
        evidence_text=text,
        evidence_link=link,
        upload=None,
        remove=(),
        attach_fact=False,
    )


def _document(statement: Statement, organisation: str) -> SimpleUploadedFile:
    """A short text document, uploaded as a respondent would attach board minutes."""
    body = (
        f"{DEMO_PARTNERSHIP}: partnership board, October 2026 (extract; made-up demo)\n\n"
        f"Reported by {organisation} on {statement.id}: {statement.text}\n"
        "The board noted the evidence and asked for a review in six months.\n"
    )
    return SimpleUploadedFile(
        f"board-minutes-{statement.id.lower()}.txt", body.encode(), content_type="text/plain"
    )


def login_lines(logins: Mapping[str, str]) -> list[str]:
    """What the demo's login list says about the round: who can sign in to answer it, and
    who sees its results."""
    round_ = demo_round()
    if round_ is None:
        return []
    personas = {username: persona for persona, username in logins.items()}
    lines = []
    for username in waiting_logins():
        who = f"{personas[username]} ({username})" if username in personas else username
        lines.append(f'Readiness: sign in as {who} to answer the round "{round_.title}".')
    if "partnership_officer" in logins:
        lines.append(
            f'Readiness: partnership_officer sees the round "{round_.title}", its results, '
            "workshop and plan."
        )
    return lines
