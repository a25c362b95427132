"""Reads of the Child Index: search with a required minimum, and what a record page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fame.accounts.models import Organisation, User
from fame.audit import events_for
from fame.linkage import LinkageRecord, blocking_keys
from fame.records import AgencyRecord, normalise_postcode

from . import matching
from .models import Involvement, Person, SourceRecord
from .source import from_row

MAX_RESULTS = 20
SEARCH_FLOOR = 0.0
"""Candidates scoring below this match weight are not shown: nobody can browse."""


class SearchRefused(ValueError):
    """The search does not meet the minimum; the message says what to add."""


@dataclass(frozen=True)
class SearchQuery:
    family_name: str
    given_name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""

    def check_minimum(self) -> None:
        """Family name plus date of birth, or family name plus given name plus postcode."""
        if not self.family_name.strip():
            raise SearchRefused("Enter the child's family name")
        if self.date_of_birth is None and not (self.given_name.strip() and self.postcode.strip()):
            raise SearchRefused("Enter the child's date of birth, or their given name and postcode")

    def as_record(self) -> AgencyRecord:
        return AgencyRecord(
            agency_id="search",
            local_id="query",
            given_name=self.given_name,
            middle_names=(),
            family_name=self.family_name,
            previous_family_names=(),
            sex="U",
            date_of_birth=self.date_of_birth,
            address_line_1="",
            address_line_2="",
            town="",
            postcode=normalise_postcode(self.postcode) if self.postcode else "",
            service="",
            role="",
            practitioner_email="",
            started_on=None,
            ended_on=None,
            sensitive=False,
        )

    def as_audit(self) -> dict[str, str]:
        return {
            "family_name": self.family_name,
            "given_name": self.given_name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
            "postcode": self.postcode,
        }


@dataclass(frozen=True)
class SearchResult:
    person_id: int
    name: str
    date_of_birth: date | None
    sex: str
    town: str
    match_weight: float
    band: str


STRONG_WITHIN = 3.0
POSSIBLE_WITHIN = 10.0


def band(weight: float, best_possible: float) -> str:
    """How close a result comes to agreeing on everything the searcher gave.

    A search gives only some fields, so bands are measured from the weight a
    record agreeing exactly on all of them would score, not from the linkage
    thresholds (which assume whole records).
    """
    if weight >= best_possible - STRONG_WITHIN:
        return "Strong match"
    if weight >= best_possible - POSSIBLE_WITHIN:
        return "Possible match"
    return "Weak match"


def _candidates(query: SearchQuery, record: AgencyRecord) -> list[SourceRecord]:
    """Records sharing a blocking key with the query, plus, so that a misspelt name is
    still found, every record with the date of birth given (or its day/month swap) or,
    without one, at the postcode given. Both sets are small: a few hundred at most."""
    live = SourceRecord.objects.filter(person__archived_on__isnull=True)
    by_key = live.filter(keys__key__in=blocking_keys(record)).distinct()
    found = {r.pk: r for r in by_key[: matching.MAX_CANDIDATES]}
    if query.date_of_birth is not None:
        days = {query.date_of_birth}
        born = query.date_of_birth
        if born.day <= 12 and born.day != born.month:
            days.add(born.replace(month=born.day, day=born.month))
        wider = live.filter(date_of_birth__in=days)
    else:
        wider = live.filter(postcode=record.postcode)
    for candidate in wider[: matching.MAX_CANDIDATES]:
        found.setdefault(candidate.pk, candidate)
    return list(found.values())


def search(query: SearchQuery) -> list[SearchResult]:
    """Ranked people for ``query``; archived records are not searched."""
    query.check_minimum()
    record = query.as_record()
    incoming = LinkageRecord.from_agency_record(record)
    candidates = _candidates(query, record)
    best: dict[int, tuple[float, AgencyRecord]] = {}
    scorer = matching.scorer()
    best_possible = scorer.score(incoming, incoming).match_weight
    for candidate in candidates:
        found = from_row(candidate.data)
        weight = scorer.score(incoming, found).match_weight
        if weight >= SEARCH_FLOOR and weight > best.get(candidate.person_id, (-1e9,))[0]:
            best[candidate.person_id] = (weight, found)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])[:MAX_RESULTS]
    return [
        SearchResult(
            person_id=person_id,
            name=f"{found.given_name} {found.family_name}".strip(),
            date_of_birth=found.date_of_birth,
            sex={"F": "Female", "M": "Male"}.get(found.sex, "Not known"),
            town=found.town,
            match_weight=weight,
            band=band(weight, best_possible),
        )
        for person_id, (weight, found) in ranked
    ]


@dataclass(frozen=True)
class ChildSummary:
    """What a record page may show: basic details, contact details when allowed, involvements."""

    names: list[str]
    date_of_birth: date | None
    sex: str
    town: str
    addresses: list[str]
    shielded: bool
    involvements: list[Involvement]
    caf_status: str
    caf_holder: str
    lead_professional: str


def child_summary(
    person: Person, *, show_contact: bool, show_involvement: bool, show_sensitive_of: set[int]
) -> ChildSummary:
    """The record page's content, as the sharing decisions allow.

    Involvement with a sensitive service shows only where the decision point
    permitted ``sensitive`` for the organisation that has it
    (``show_sensitive_of``, organisation keys); nothing on the page hints that
    a hidden one exists.
    """
    records = [from_row(r.data) for r in person.records.order_by("-updated_at")]
    latest = records[0]
    names = sorted({f"{r.given_name} {r.family_name}".strip() for r in records})
    addresses = sorted(
        {
            ", ".join(p for p in (r.address_line_1, r.address_line_2, r.town, r.postcode) if p)
            for r in records
        }
    )
    involvements = list(
        person.involvements.select_related("organisation", "practitioner").order_by(
            "ended_on", "-started_on"
        )
    )
    shown = [
        i
        for i in involvements
        if (i.organisation_id in show_sensitive_of if i.sensitive else show_involvement)
    ]
    return ChildSummary(
        names=names,
        date_of_birth=latest.date_of_birth,
        sex={"F": "Female", "M": "Male"}.get(latest.sex, "Not known"),
        town=latest.town,
        addresses=addresses if show_contact else [],
        shielded=person.shielded,
        involvements=shown,
        caf_status=person.caf_status,
        caf_holder=person.caf_holder.name if person.caf_holder else "",
        lead_professional=person.lead_professional.display_name if person.lead_professional else "",
    )


@dataclass(frozen=True)
class AccessReportLine:
    when: datetime
    who: str
    organisation: str
    what: str


ACCESS_REPORT_ACTIONS = {
    "index.record_opened": "Opened the child's record",
    "federation.detail_requested": "Asked an agency for more information",
    "federation.detail_answered": "Received an agency's answer",
}


def access_report(person: Person) -> list[AccessReportLine]:
    """Who looked at or received information about the child, and when, from the audit log."""
    events = events_for(target=f"person:{person.uid}").filter(
        action__in=list(ACCESS_REPORT_ACTIONS)
    )
    organisations = dict(Organisation.objects.values_list("agency_id", "name"))
    people = {
        u.pk: u.display_name
        for u in User.objects.filter(pk__in={e.actor_id for e in events if e.actor_id})
    }
    lines = []
    for event in events:
        what = ACCESS_REPORT_ACTIONS[event.action]
        purpose = event.details.get("purpose")
        if purpose:
            what += f" for {purpose.replace('_', ' ')}"
        lines.append(
            AccessReportLine(
                when=event.time,
                who=people.get(event.actor_id or 0, event.actor_username or "The system"),
                organisation=organisations.get(event.organisation, event.organisation),
                what=what,
            )
        )
    return lines
