"""Who may open a child's CAF through the hub's CAF pages: the sharing policy decision point says.

Reaching child data at all is ``child_data_required``'s door (accreditation,
vetting, training); the record must be open in the session with a reason.
Past those, reading a CAF is the ``assessment`` category of the child's record
for early help, held by the CAF's holder agency (the index's holder when a CAF
is open, else the practitioner's own organisation, where one would be kept):
``fame.sharing.permission`` decides (rule 2 for the holder's own practitioners)
and every decision is kept as a disclosure record.

Two domain rules stay outside the decision point, because they are about which
door, not whether: the hub's CAF pages are the door of the holder's own
practitioners and of the CAF's Lead Professional, who may work for another
agency (``leads_the_caf``; anyone else whom the rules would let see it asks
the holder through a detail request, which the holding node decides), and
only the assessor or the Lead Professional writes (checked again at the node).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from fame.accounts.decorators import used_second_factor
from fame.accounts.facilitated import ActingAs
from fame.accounts.models import User
from fame.index.models import Person
from fame.sharing import Decision, Requester, permission, record_disclosure

PURPOSE = "early_help"
CATEGORY = "assessment"


@dataclass(frozen=True)
class CafAccess:
    """The decision behind opening a child's CAF, and whose CAF it is."""

    holder: str
    decision: Decision
    own: bool
    """Whether the holder is the practitioner's own organisation (these pages are its door)."""

    @property
    def permitted(self) -> bool:
        return self.decision.permitted

    @property
    def reasons(self) -> list[str]:
        return list(self.decision.reasons)


def leads_the_caf(person: Person, user: User) -> bool:
    """Whether ``user`` is the Lead Professional of the child's open CAF, as the index says."""
    return (
        person.caf_status == "open"
        and person.caf_holder_id is not None
        and person.lead_professional_id is not None
        and person.lead_professional_id == user.pk
    )


def caf_holder(person: Person, who: ActingAs) -> str:
    """The agency whose CAF these pages would open: the index's holder of an open CAF, or the
    practitioner's own organisation ("" when they belong to none)."""
    if person.caf_status == "open" and person.caf_holder is not None:
        return person.caf_holder.agency_id
    return who.agency_id


def decide_caf_access(
    request: HttpRequest,
    who: ActingAs,
    person: Person,
    *,
    holder: str | None = None,
    purpose: str = PURPOSE,
    what: str = "caf",
) -> CafAccess:
    """Ask the decision point whether ``who`` (whoever the request acts as) may read the
    child's CAF; keep the record."""
    user = who.user
    holder_id = holder if holder is not None else caf_holder(person, who)
    decision = permission(
        who,
        child_ref=str(person.uid),
        holder=holder_id,
        purpose=purpose,
        category=CATEGORY,
        shielded=person.shielded,
        mfa=used_second_factor(user),
    )
    record_disclosure(
        decision=decision,
        child_ref=str(person.uid),
        category=CATEGORY,
        purpose=purpose,
        requester=Requester.of(user, on_behalf_of=who.on_behalf_of),
        holder=holder_id,
        request_ref=what,
        data_items=("caf",),
        by=user,
        request=request,
    )
    own = bool(who.agency_id) and holder_id == who.agency_id
    return CafAccess(holder=holder_id, decision=decision, own=own)
