"""Reads of the Child Index: search with a required minimum, and what a record page shows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db import connection
from django.db.models import Count, Min

from fame.accounts.models import Organisation, User
from fame.audit import events_for
from fame.linkage import LinkageRecord, blocking_keys
from fame.records import AgencyRecord, normalise_postcode

from . import matching
from .models import BlockingKey, Involvement, Person, ReviewItem, ReviewStatus, SourceRecord
from .source import LIST_SEPARATOR, from_row

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


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One candidate record: what scoring and a result line need, and nothing else."""

    person_id: int
    given_name: str
    middle_names: str
    family_name: str
    previous_family_names: str
    date_of_birth: date | None
    postcode: str
    sex: str
    town: str


_FROM_DATA = (
    "given_name",
    "middle_names",
    "family_name",
    "previous_family_names",
    "date_of_birth",
    "postcode",
    "sex",
    "town",
)
"""The fields of the stored row a candidate needs, read out as text by the database."""


def _candidate_sql(keys: int, wider: str, values: int, named: int = 0) -> str:
    """The candidate sets in one statement: a UNION of them (each capped), which
    also drops a record found by more than one, returning only the fields in ``_FROM_DATA``.

    Written in SQL because building the same query with the ORM took longer, in
    Python, than the database took to answer it. ``->>`` reads a JSON field as text
    in PostgreSQL and in SQLite (3.38 or newer). ``keys`` and ``values`` are how
    many blocking keys and values of the ``wider`` column the statement takes;
    ``named``, how many keys of a third set, found by the names alone (none: no third set).
    """
    record, person, key = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (SourceRecord, Person, BlockingKey)
    )
    fields = ", ".join(f"r.data ->> '{name}'" for name in _FROM_DATA)
    live = (
        f"r.id, r.person_id, {fields} FROM {record} r "
        f"JOIN {person} p ON p.id = r.person_id WHERE p.archived_on IS NULL"
    )
    keyed = ", ".join(["%s"] * keys)
    among = ", ".join(["%s"] * values)
    limit = matching.MAX_CANDIDATES
    by_names = ""
    if named:
        names = ", ".join(["%s"] * named)
        # As below: names from the models, every value a parameter.
        by_names = f"""
        UNION
        SELECT * FROM (
            SELECT {live} AND r.id IN (SELECT record_id FROM {key} WHERE key IN ({names}))
            LIMIT {limit}
        ) AS by_names"""  # noqa: S608
    # Table and column names from the models and this module; every value is a parameter.
    return f"""
        SELECT * FROM (
            SELECT {live} AND r.id IN (SELECT record_id FROM {key} WHERE key IN ({keyed}))
            LIMIT {limit}
        ) AS by_key
        UNION
        SELECT * FROM (SELECT {live} AND r.{wider} IN ({among}) LIMIT {limit}) AS wider{by_names}
    """  # noqa: S608


_NAMES_AND_YEAR = "given~fam~yob:"
"""The blocking keys of given name, family name and year of birth (``fame.linkage``)."""
NAMED_YEARS = 26
"""A search without a date of birth also looks for the names in any of this many years of
birth up to this one: everyone the index may hold (archived at 18, or 25 with consent)."""


def _named_keys(record: AgencyRecord) -> list[int]:
    """The keys of given and family name with each year of birth the index may hold, so
    that a search by names and postcode still finds a child whose record has no postcode
    (or another one, where the names are rare enough to outweigh the disagreement)."""
    this_year = date.today().year
    keys: set[str] = set()
    for year in range(this_year - NAMED_YEARS + 1, this_year + 1):
        born = replace(record, date_of_birth=date(year, 1, 1))
        keys.update(key for key in blocking_keys(born) if key.startswith(_NAMES_AND_YEAR))
    return matching.stored_keys(keys)


def _candidates(query: SearchQuery, record: AgencyRecord) -> list[_Candidate]:
    """Records sharing a blocking key with the query, plus, so that a misspelt name is
    still found, every record with the date of birth given (or its day/month swap) or,
    without one, at the postcode given, and then also every record with the given and
    family names (by their keys with each year of birth). Each set is small: a few
    hundred at most."""
    keys = matching.stored_keys(blocking_keys(record))
    named: list[int] = []
    wider: list[date] | list[str]
    if query.date_of_birth is not None:
        born = query.date_of_birth
        days = {born}
        if born.day <= 12 and born.day != born.month:
            days.add(born.replace(month=born.day, day=born.month))
        column, wider = "date_of_birth", sorted(days)
    else:
        column, wider = "postcode", [record.postcode]
        if query.given_name.strip():
            named = _named_keys(record)
    with connection.cursor() as cursor:
        sql = _candidate_sql(len(keys), column, len(wider), len(named))
        cursor.execute(sql, [*keys, *wider, *named])
        rows = cursor.fetchall()
    return [
        _Candidate(
            person_id=person_id,
            given_name=given or "",
            middle_names=middle or "",
            family_name=family or "",
            previous_family_names=previous or "",
            date_of_birth=date.fromisoformat(born_on) if born_on else None,
            postcode=postcode or "",
            sex=sex or "",
            town=town or "",
        )
        for _pk, person_id, given, middle, family, previous, born_on, postcode, sex, town in rows
    ]


def _names(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(LIST_SEPARATOR) if part)


def _as_scored(incoming: LinkageRecord, candidate: _Candidate) -> AgencyRecord:
    """The candidate with only the fields the search record can be compared on.

    A comparison whose field the search left blank scores its null level (0)
    whatever the candidate holds, so leaving the candidate's field blank too gives
    the same match weight while sparing its normalisation. A search never has
    middle names, sex or an address; given names (and middle names, which a given
    name can match) count only when a given name was entered, and so on.
    """
    given = incoming.given_name is not None
    return AgencyRecord(
        agency_id="",
        local_id="",
        given_name=candidate.given_name if given else "",
        middle_names=_names(candidate.middle_names) if given else (),
        family_name=candidate.family_name,
        previous_family_names=_names(candidate.previous_family_names),
        sex="U",
        date_of_birth=candidate.date_of_birth if incoming.date_of_birth else None,
        address_line_1="",
        address_line_2="",
        town="",
        postcode=candidate.postcode if incoming.postcode else "",
        service="",
        role="",
        practitioner_email="",
        started_on=None,
        ended_on=None,
        sensitive=False,
    )


def search(query: SearchQuery) -> list[SearchResult]:
    """Ranked people for ``query``; archived records are not searched."""
    query.check_minimum()
    record = query.as_record()
    incoming = LinkageRecord.from_agency_record(record)
    # _as_scored leaves out what a search cannot give; a search that gave it would need it.
    assert not incoming.middle_names and incoming.sex is None and incoming.address is None
    scorer = matching.scorer()
    best_possible = scorer.score(incoming, incoming).match_weight
    best: dict[int, tuple[float, _Candidate]] = {}
    weights: dict[AgencyRecord, float] = {}  # records that compare alike score alike
    for candidate in _candidates(query, record):
        scored = _as_scored(incoming, candidate)
        weight = weights.get(scored)
        if weight is None:
            weight = weights[scored] = scorer.score(incoming, scored).match_weight
        if weight >= SEARCH_FLOOR and weight > best.get(candidate.person_id, (-1e9,))[0]:
            best[candidate.person_id] = (weight, candidate)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:MAX_RESULTS]
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
    lead_professional_id: int | None
    """The Lead Professional's account, so that the page can offer them the CAF."""


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
        lead_professional_id=person.lead_professional_id,
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


def open_reviews() -> tuple[int, datetime | None]:
    """How many possible matches wait for an ISA officer's review, and since when the
    oldest has waited (None when none waits)."""
    waiting = ReviewItem.objects.filter(status=ReviewStatus.OPEN).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return waiting["count"], waiting["oldest"]
