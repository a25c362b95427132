"""The facts a node decides on, from the hub's registers as they stand now.

Every request the hub sends to a node about a child on behalf of a person
(detail requests, CAF calls) carries them, as a ``fame sharing explain``
scenario, so that the node can decide with the same policy decision point.
The child is named by the node's own record reference and people by
username: no hub identifier leaves the hub. See docs/adr/0012.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from fame.accounts.facilitated import ActingAs
from fame.accounts.models import User
from fame.index.models import Person
from fame.sharing import AccessRequest, facts_for, scenario_document
from fame.sharing.queries import acting, user_id


def asserted(who: User | ActingAs) -> dict[str, Any]:
    """Who the user assertion names: the signed-in user (subject), and the organisation and
    roles the facts give them: their own, or the practitioner's they act for, whose name
    goes with theirs so that the node's records name both."""
    who = acting(who)
    return {
        "subject": who.user.get_username(),
        "name": who.name,
        "organisation": who.agency_id,
        "roles": sorted(who.roles),
    }


def signed_facts(
    *,
    user: User | ActingAs,
    person: Person,
    holder: str,
    child: str,
    purpose: str,
    categories: Iterable[str],
    mfa: bool,
    override_reason: str = "",
    authoriser: User | None = None,
    authoriser_mfa: bool = False,
) -> dict[str, Any]:
    """A scenario with one request per category, for ``user`` (or whoever they act as)
    asking ``holder`` about ``child``."""
    today = timezone.localdate()
    signed_in = acting(user).user
    facts = facts_for(
        user,
        str(person.uid),
        holder,
        today,
        mfa=mfa,
        shielded=person.shielded,
        override_authorised_by=authoriser,
        authoriser_mfa=authoriser_mfa,
    )
    requests = [
        AccessRequest(
            user=user_id(signed_in),
            child=facts.child.id,
            purpose=purpose,
            category=category,
            on=today,
            override_reason=override_reason or None,
            override_authorised_by=user_id(authoriser) if authoriser else None,
            id=category,
        )
        for category in categories
    ]
    names = {user_id(u): u.get_username() for u in (signed_in, authoriser) if u is not None}
    return scenario_document(facts, requests, child_id=child, user_ids=names)
