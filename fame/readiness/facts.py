"""What the running system can evidence, told as it stands now (issue 15's live facts).

``live_fact(key)`` tells one of ``bank.FACTS`` as a plain sentence with its figures,
read from this hub's database when it is asked (``as_of``); ``live_facts(keys)`` tells
several. The readiness tool shows a statement's facts beside it, and a respondent may
attach one to their evidence (``Fact.attached()``), so the answer keeps what was true on
the day. Each count is read by the app that owns the rows, through its public queries;
only the words are made here. A fact the data cannot give says so ("No nodes are
registered with the hub"): a partnership that has not joined the federation still gets
a true sentence, never a made-up figure.

The rule behind each fact:

- ``accredited_organisations``: organisations registered on the hub whose
  accreditation status is "accredited", of all registered organisations
  (``fame.accounts.queries.accredited_organisations``).
- ``vetted_trained_practitioners``: active accounts with the practitioner role whose
  enhanced vetting check is within ``FAME_VETTING_VALID_YEARS`` and who hold every
  required training course within its ``valid_for_months``, judged by
  ``fame.accounts.access.child_data_access`` (the same rule that opens child data),
  of all such practitioners.
- ``protocols_in_force``: the current (latest) version of each information-sharing
  protocol, in force today (started, and not ended), of all protocols recorded; with the
  organisations those versions name as parties (``fame.sharing.queries``).
- ``consents_recorded``: every consent decision recorded, withdrawn ones included; the
  children they are about; how many agree to sharing and how many refuse it; how many
  were withdrawn since (``fame.sharing.queries.consent_count``).
- ``nodes_connected``: registered nodes answering now as the "Agency nodes" page judges
  them (``fame.federation.queries.node_status``), the others by state; and over the last
  30 days, the share of the nodes' time (from when each was registered) that they were
  reachable, a node being down from the audit log's ``federation.node_unreachable`` to
  its next ``federation.node_reachable``, with the number of such outages.
- ``match_review_queue``: possible matches between the Child Index's thresholds waiting
  for an information-sharing officer's review, and since when the oldest has waited
  (``fame.index.queries.open_reviews``).
- ``audit_verified``: the latest check of the audit log recorded in the log
  (``audit.log_checked``, written when an auditor checks it from the audit pages): when,
  how many entries it found intact, or what it found altered. ``fame audit verify`` at
  the command line only reads, so its runs are not counted; with no check recorded the
  sentence says so.
- ``cafs_on_time``: the CAFs the holding nodes have told the hub of, by status; and of
  the open CAFs with a next review date, how many are on time by the co-ordinator's
  queue's rule (not overdue: due today or later) (``fame.caf.caf_count``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from fame.accounts.queries import accredited_organisations, practitioners_cleared
from fame.audit.queries import last_log_check
from fame.caf import caf_count
from fame.federation.queries import node_availability
from fame.index.queries import open_reviews
from fame.sharing.queries import consent_count, protocols_in_force
from fame.web.jinja import long_date

from .bank import FACTS

__all__ = ["Fact", "live_fact", "live_facts"]


@dataclass(frozen=True)
class Fact:
    key: str
    text: str
    """One plain sentence, such as "14 of 15 organisations are accredited"."""
    as_of: datetime

    def attached(self) -> dict[str, str]:
        """As stored with an answer's evidence: the sentence and when it was true."""
        return {"key": self.key, "text": self.text, "as_of": self.as_of.isoformat()}


def _many(count: int, one: str, many: str = "") -> str:
    """``count`` and the noun it counts: "1 child", "3 children"."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def _of(part: int, whole: int, one: str, many: str = "") -> str:
    """The part of a whole, and its verb: "3 of 4 organisations are", "1 of 4
    organisations is", "none of the 4 organisations is"."""
    if not part:
        return f"none of the {_many(whole, one, many)} is"
    return f"{part:,} of {_many(whole, one, many)} {'is' if part == 1 else 'are'}"


def _accredited_organisations(now: datetime) -> str:
    accredited, registered = accredited_organisations()
    if not registered:
        return "No organisations are registered."
    return f"{_of(accredited, registered, 'registered organisation')} accredited to use child data."


def _vetted_trained_practitioners(now: datetime) -> str:
    cleared, practitioners = practitioners_cleared(on=timezone.localdate(now))
    if not practitioners:
        return "No practitioners have an account."
    return (
        f"{_of(cleared, practitioners, 'practitioner')} vetted and trained: "
        "their enhanced vetting check and all required training are current."
    )


def _protocols_in_force(now: datetime) -> str:
    in_force, recorded = protocols_in_force(timezone.localdate(now))
    if not recorded:
        return "No information-sharing protocols are recorded."
    sentence = f"{_of(len(in_force), recorded, 'information-sharing protocol')} in force today"
    parties = {party for version in in_force for party in version.parties}
    if parties:
        sentence += f", naming {_many(len(parties), 'organisation')} as parties"
    return sentence + "."


def _consents_recorded(now: datetime) -> str:
    counted = consent_count()
    if not counted.recorded:
        return "No consent decisions are recorded."
    return (
        f"{_many(counted.recorded, 'consent decision')} recorded for "
        f"{_many(counted.children, 'child', 'children')}: {counted.agreeing:,} agreeing to "
        f"sharing, {counted.recorded - counted.agreeing:,} refusing it; "
        f"{counted.withdrawn:,} since withdrawn."
    )


def _nodes_connected(now: datetime) -> str:
    nodes = node_availability(now=now)
    if not nodes.registered:
        return "No nodes are registered with the hub."
    answering = nodes.statuses.get("ok", 0)
    others = ", ".join(
        f"{count:,} {status}" for status, count in sorted(nodes.statuses.items()) if status != "ok"
    )
    sentence = f"{_of(answering, nodes.registered, 'registered node')} answering now"
    if others:
        sentence += f" ({others})"
    days = _many(nodes.period.days, "day")
    it, was, _is = ("it", "was", "is") if nodes.registered == 1 else ("they", "were", "are")
    if nodes.reachable_share is None:
        return f"{sentence}; {it} {was} registered too recently to tell how reachable {it} {_is}."
    # Rounded down, so that a node that was ever down never shows as 100%.
    share = math.floor(nodes.reachable_share * 1000) / 10
    return (
        f"{sentence}; over the last {days} {it} {was} reachable {share:.1f}% of the time, "
        f"with {_many(nodes.outages, 'outage')} recorded."
    )


def _match_review_queue(now: datetime) -> str:
    waiting, oldest = open_reviews()
    if not waiting or oldest is None:
        return "No possible matches are waiting for review."
    return (
        f"{_many(waiting, 'possible match', 'possible matches')} "
        f"{'is' if waiting == 1 else 'are'} waiting for an information-sharing officer's "
        f"review, the oldest since {long_date(oldest)}."
    )


def _audit_verified(now: datetime) -> str:
    check = last_log_check()
    if check is None:
        return "No check of the audit log is recorded."
    found = check.details.get("log", {})
    when = f"The audit log was last checked on {long_date(check.time)}"
    if not found.get("intact"):
        problem = found.get("problem") or "a problem the check did not name"
        return f"{when} and found altered: {problem}."
    sentence = f"{when}: {_many(int(found.get('events', 0)), 'entry', 'entries')} intact"
    witnesses = check.details.get("witnesses")
    if witnesses is not None and not witnesses.get("agree"):
        sentence += ", but the copies the nodes witnessed did not all agree with it"
    return sentence + "."


CAF_STATUSES = {"completed": "completed and open", "closed": "closed", "draft": "in draft"}


def _cafs_on_time(now: datetime) -> str:
    cafs = caf_count(today=timezone.localdate(now))
    if not cafs.known:
        return "The hub has been told of no CAFs."
    order = [*CAF_STATUSES, *sorted(set(cafs.statuses) - set(CAF_STATUSES))]
    parts = ", ".join(
        f"{cafs.statuses[status]:,} {CAF_STATUSES.get(status, status or 'of no status')}"
        for status in order
        if status in cafs.statuses
    )
    if cafs.reviews_set:
        reviews = f"{_of(cafs.reviews_on_time, cafs.reviews_set, 'booked review')} on time"
    else:
        reviews = "no open CAF has a review date"
    return f"The hub knows of {_many(cafs.known, 'CAF')} ({parts}); {reviews}."


_TELLERS: dict[str, Callable[[datetime], str]] = {
    "accredited_organisations": _accredited_organisations,
    "vetted_trained_practitioners": _vetted_trained_practitioners,
    "protocols_in_force": _protocols_in_force,
    "consents_recorded": _consents_recorded,
    "nodes_connected": _nodes_connected,
    "match_review_queue": _match_review_queue,
    "audit_verified": _audit_verified,
    "cafs_on_time": _cafs_on_time,
}


def _known(key: str) -> str:
    if key not in _TELLERS:
        raise KeyError(f"there is no live fact {key!r}; the facts are {', '.join(FACTS)}")
    return key


def live_fact(key: str) -> Fact:
    """The fact ``key`` (one of ``bank.FACTS``) as it stands now; KeyError for another key."""
    teller = _TELLERS[_known(key)]
    now = timezone.now()
    text = teller(now)
    return Fact(key=key, text=text[:1].upper() + text[1:], as_of=now)


def live_facts(keys: Iterable[str]) -> list[Fact]:
    """Each of ``keys`` as it stands now, in the order given; KeyError, before anything is
    read, when any key is not a fact."""
    wanted = [_known(key) for key in keys]
    return [live_fact(key) for key in wanted]
