"""Who is involved with the child, as the Team Around the Child sees it: from the Child Index,
as far as the sharing rules let the practitioner see."""

from __future__ import annotations

from fame.accounts.facilitated import ActingAs
from fame.accounts.models import User
from fame.index.models import Person
from fame.index.sharing import RecordSharing


def involved_practitioners(
    person: Person, who: User | ActingAs, *, mfa: bool
) -> list[dict[str, str]]:
    """The practitioners involved with the child now, as far as the rules let ``who`` see."""
    sharing = RecordSharing(person, who, purpose="early_help", mfa=mfa)
    if not sharing.decide("involvement").permitted:
        return []
    sensitive_ok = sharing.sensitive_permitted()
    found = []
    involved = person.involvements.filter(ended_on__isnull=True).select_related(
        "organisation", "practitioner"
    )
    for i in involved.order_by("organisation__name"):
        if i.sensitive and i.organisation_id not in sensitive_ok:
            continue
        name = (
            i.practitioner.display_name if i.practitioner else (i.practitioner_email or i.service)
        )
        found.append(
            {
                "key": str(i.pk),
                "username": i.practitioner.username if i.practitioner else "",
                "name": name,
                "organisation": i.organisation.agency_id,
                "organisation_name": i.organisation.name,
                "service": i.service,
            }
        )
    return found


def tac_needed(person: Person, who: User | ActingAs, *, mfa: bool) -> bool:
    """More than two agencies involved: a Team Around the Child meeting is needed."""
    return len({p["organisation"] for p in involved_practitioners(person, who, mfa=mfa)}) > 2
