"""What of a child's index record a practitioner may see: every part asked of the sharing
policy decision point, and every decision recorded in the audit log."""

from __future__ import annotations

from django.http import HttpRequest

from fame.accounts.facilitated import ActingAs
from fame.accounts.models import User
from fame.audit import record_event
from fame.sharing import Decision, Requester, permission, record_disclosure
from fame.sharing.queries import acting

from .models import Person

# What the record page shows of each category (the disclosure record's data items).
SHOWN: dict[str, tuple[str, ...]] = {
    "basic": ("names", "date_of_birth", "sex", "town"),
    "contact": ("addresses",),
    "involvement": ("agency", "practitioner", "service", "role", "phone", "email", "since"),
    "sensitive": ("agency", "practitioner", "service", "role", "phone", "email", "since"),
}


class RecordSharing:
    """The decisions behind one view of one child's record, for one purpose."""

    def __init__(self, person: Person, who: ActingAs | User, *, purpose: str, mfa: bool) -> None:
        self.person = person
        self.who = acting(who)
        self.user = self.who.user
        self.purpose = purpose
        self.mfa = mfa
        holders = set(person.records.values_list("organisation__agency_id", flat=True))
        own = self.who.agency_id or None
        # The index's copy is held for the agencies that supplied it: the viewer's own
        # organisation when it is one of them (rule 2), otherwise any of them.
        self.holder = own if own in holders else min(holders)
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


def permitted_results(
    people: dict[int, Person], who: ActingAs, *, mfa: bool, request: HttpRequest | None
) -> tuple[set[int], dict[int, Decision]]:
    """The people whose basic details this searcher (or whoever they act for) may see, and
    every decision taken."""
    shown: set[int] = set()
    decisions: dict[int, Decision] = {}
    for pk, person in people.items():
        sharing = RecordSharing(person, who, purpose=SEARCH_PURPOSE, mfa=mfa)
        decisions[pk] = sharing.decide("basic")
        if decisions[pk].permitted:
            shown.add(pk)
        sharing.keep_records(request, what="index.search")
    return shown, decisions
