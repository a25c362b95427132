"""What of a child's index record a practitioner may see: every part asked of the sharing
policy decision point, and every decision recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from fame.accounts.facilitated import ActingAs
from fame.accounts.models import User
from fame.audit import record_event
from fame.sharing import (
    Decision,
    Requester,
    permission,
    permissions_for,
    record_disclosure,
    record_disclosures,
)
from fame.sharing.queries import acting

from .models import Person, SourceRecord

# What the record page shows of each category (the disclosure record's data items).
SHOWN: dict[str, tuple[str, ...]] = {
    "basic": ("names", "date_of_birth", "sex", "town"),
    "contact": ("addresses",),
    "involvement": ("agency", "practitioner", "service", "role", "phone", "email", "since"),
    "sensitive": ("agency", "practitioner", "service", "role", "phone", "email", "since"),
}


def holder_for(holders: set[str], who: ActingAs) -> str:
    """The agency a child's index record is decided as held by, of those that supplied it:
    the viewer's own organisation when it is one of them (rule 2), otherwise any of them."""
    own = who.agency_id or None
    return own if own in holders else min(holders)


class RecordSharing:
    """The decisions behind one view of one child's record, for one purpose."""

    def __init__(self, person: Person, who: ActingAs | User, *, purpose: str, mfa: bool) -> None:
        self.person = person
        self.who = acting(who)
        self.user = self.who.user
        self.purpose = purpose
        self.mfa = mfa
        holders = set(person.records.values_list("organisation__agency_id", flat=True))
        self.holder = holder_for(holders, self.who)
        self.decisions: dict[str, Decision] = {}
        self.asked: dict[str, tuple[str, str]] = {}  # key: (holder, category)

    def _ask(self, key: str, *, holder: str, category: str) -> Decision:
        if key not in self.decisions:
            self.asked[key] = (holder, category)
            self.decisions[key] = permission(
                self.who,
                child_ref=str(self.person.uid),
                holder=holder,
                purpose=self.purpose,
                category=category,
                shielded=self.person.shielded,
                mfa=self.mfa,
            )
        return self.decisions[key]

    def decide(self, category: str) -> Decision:
        return self._ask(category, holder=self.holder, category=category)

    def permits(self, category: str, holder: str) -> bool:
        """Whether this viewer may see ``category`` of what ``holder`` holds about the child."""
        return self._ask(f"{category}:{holder}", holder=holder, category=category).permitted

    def sensitive_permitted(self) -> set[int]:
        """Keys of the organisations whose sensitive involvement this viewer may see."""
        involved = self.person.involvements.filter(sensitive=True).select_related("organisation")
        return {
            i.organisation_id
            for i in involved
            if self._ask(
                f"sensitive:{i.organisation.agency_id}",
                holder=i.organisation.agency_id,
                category="sensitive",
            ).permitted
        }

    def keep_records(self, request: HttpRequest | None, *, what: str) -> None:
        """A disclosure record of each decision taken (audited by the caller's own event)."""
        requester = Requester.of(self.user, on_behalf_of=self.who.on_behalf_of)
        for key, decision in self.decisions.items():
            holder, category = self.asked[key]
            record_disclosure(
                decision=decision,
                child_ref=str(self.person.uid),
                category=category,
                purpose=self.purpose,
                requester=requester,
                holder=holder,
                request_ref=what,
                data_items=SHOWN.get(category, ()),
                by=self.user,
                request=request,
                audit=False,
            )

    def audit(self, request: HttpRequest, *, what: str = "index.record_viewed") -> None:
        """Audit the view, and keep a disclosure record of each decision behind it."""
        self.keep_records(request, what=what)
        record_event(
            what,
            actor=self.user,
            target=f"person:{self.person.uid}",
            outcome="success" if self.decisions["basic"].permitted else "refused",
            details={
                "purpose": self.purpose,
                "decisions": {
                    key: {"decision": d.decision, "id": d.decision_id, "policies": list(d.policies)}
                    for key, d in self.decisions.items()
                },
            },
            request=request,
        )


SEARCH_PURPOSE = "service_coordination"
"""Finding who is involved with a child is service co-ordination: search results
(basic details) are decided for that purpose; opening a record asks again, for
the purpose the practitioner states."""


@dataclass(frozen=True)
class SearchDecisions:
    """The decision on each person found (by key) about their basic details, and the
    agency each was decided as held by."""

    who: ActingAs
    people: dict[int, Person]
    decisions: dict[int, Decision]
    holders: dict[int, str]

    @property
    def shown(self) -> set[int]:
        """The people whose basic details the searcher may see."""
        return {pk for pk, decision in self.decisions.items() if decision.permitted}

    def keep_records(self) -> None:
        """A disclosure record of each decision, in one insert (audited by the search's event)."""
        if not self.decisions:
            return
        record_disclosures(
            {
                str(self.people[pk].uid): (decision, self.holders[pk])
                for pk, decision in self.decisions.items()
            },
            category="basic",
            purpose=SEARCH_PURPOSE,
            requester=Requester.of(self.who.user, on_behalf_of=self.who.on_behalf_of),
            request_ref="index.search",
            data_items=SHOWN["basic"],
        )


def permitted_results(people: dict[int, Person], who: ActingAs, *, mfa: bool) -> SearchDecisions:
    """Whether this searcher (or whoever they act for) may see each person's basic details:
    the decision ``RecordSharing(...).decide("basic")`` takes, with the facts read once
    for all the people rather than once a person. Nothing is written: the caller keeps
    the records (``SearchDecisions.keep_records``) with the search's audit event."""
    who = acting(who)
    holders: dict[int, set[str]] = {pk: set() for pk in people}
    for person_id, agency_id in SourceRecord.objects.filter(person_id__in=people).values_list(
        "person_id", "organisation__agency_id"
    ):
        holders[person_id].add(agency_id)
    held = {pk: holder_for(holders[pk], who) for pk in people}
    refs = {pk: str(person.uid) for pk, person in people.items()}
    by_ref = (
        permissions_for(
            who,
            children={refs[pk]: (held[pk], person.shielded) for pk, person in people.items()},
            purpose=SEARCH_PURPOSE,
            category="basic",
            mfa=mfa,
        )
        if people
        else {}
    )
    return SearchDecisions(
        who=who, people=people, decisions={pk: by_ref[refs[pk]] for pk in people}, holders=held
    )
