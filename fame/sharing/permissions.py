"""The door other apps use: may this person see this part of a child's record, now, for this?"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.utils import timezone

from fame.accounts.facilitated import ActingAs
from fame.accounts.models import Organisation, User

from ._facts import AccessRequest, Decision
from ._pdp import decide
from .queries import acting, facts_for, facts_for_children, user_id


def permission(
    user: User | ActingAs,
    *,
    child_ref: str,
    holder: Organisation | str,
    purpose: str,
    category: str,
    shielded: bool,
    mfa: bool,
    override_reason: str | None = None,
    override_authorised_by: User | None = None,
    authoriser_mfa: bool = False,
    on: date | None = None,
) -> Decision:
    """Ask the policy decision point whether ``user`` may see ``category`` of a child's record.

    ``user`` is whoever the request acts as (``fame.accounts.facilitated.acting_as``):
    during facilitated access, the practitioner's organisation, role, vetting and
    training with the signed-in officer's second factor; a ``User`` acts as themselves.

    ``holder`` is the organisation (or its agency ID) that holds the record;
    ``shielded`` whether the Child Index shields the child; ``mfa`` whether the
    user has used their second factor in this session (``request.user.is_verified()``).
    For a safeguarding override, ``override_authorised_by`` is the manager or
    ISA officer who authorised it and ``authoriser_mfa`` whether they did so in a
    session with their second factor. Raises ValueError for an unknown purpose
    or category. Record the disclosure with ``decision.decision_id``.
    """
    today = on or timezone.localdate()
    holder_id = holder.agency_id if isinstance(holder, Organisation) else holder
    who = acting(user)  # once: a user's standing is read from the database
    facts = facts_for(
        who,
        child_ref,
        holder_id,
        today,
        mfa=mfa,
        shielded=shielded,
        override_authorised_by=override_authorised_by,
        authoriser_mfa=authoriser_mfa,
    )
    request = AccessRequest(
        user=user_id(who.user),
        child=child_ref,
        purpose=purpose,
        category=category,
        on=today,
        override_reason=override_reason,
        override_authorised_by=(
            user_id(override_authorised_by) if override_authorised_by is not None else None
        ),
    )
    return decide(request, facts)


def permissions_for(
    user: User | ActingAs,
    *,
    children: Mapping[str, tuple[str, bool]],
    purpose: str,
    category: str,
    mfa: bool,
    on: date | None = None,
) -> dict[str, Decision]:
    """``permission`` for each of ``children`` (child ref -> (holding agency, shielded)),
    the facts read once for all of them: for a page that lists many children."""
    today = on or timezone.localdate()
    who = acting(user)  # once, not once a child: a user's standing is read from the database
    facts = facts_for_children(who, children, today, mfa=mfa)
    return {
        ref: decide(
            AccessRequest(
                user=user_id(who.user),
                child=ref,
                purpose=purpose,
                category=category,
                on=today,
            ),
            facts[ref],
        )
        for ref in children
    }
