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

from fame.accounts.models import User
from fame.index.models import Person
from fame.sharing import AccessRequest, facts_for, scenario_document
from fame.sharing.queries import user_id


def signed_facts(
    *,
    user: User,
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
    """A scenario with one request per category, for ``user`` asking ``holder`` about ``child``."""
    today = timezone.localdate()
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
            user=user_id(user),
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
    names = {user_id(u): u.get_username() for u in (user, authoriser) if u is not None}
    return scenario_document(facts, requests, child_id=child, user_ids=names)
