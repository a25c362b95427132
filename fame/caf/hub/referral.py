"""Stepping a CAF up to social care: passed on only if the sharing rules permit it.

The referral goes to an organisation, not yet to a person there, so the
decision point is asked about that organisation as the requester: a practitioner
of it, cleared (rule 1 is asked again of whoever opens it there), for
safeguarding, category ``assessment``. Protocols and the child's consents are
the registers' as they stand; the decision is kept as a disclosure record.
"""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest
from django.utils import timezone

from fame.accounts.models import Organisation, User
from fame.index.models import Person
from fame.sharing import (
    AccessRequest,
    Decision,
    OrganisationFacts,
    Requester,
    UserFacts,
    decide,
    facts_for,
    record_disclosure,
)
from fame.sharing.queries import protocol_facts

from .permissions import CATEGORY

PURPOSE = "safeguarding"


def step_up_decision(
    *,
    user: User,
    person: Person,
    holder: str,
    receiving: Organisation,
    request: HttpRequest | None = None,
) -> Decision:
    """Whether the CAF may pass from ``holder`` to ``receiving`` for safeguarding; recorded."""
    today = timezone.localdate()
    facts = facts_for(user, str(person.uid), holder, today, mfa=True, shielded=person.shielded)
    recipient = f"organisation:{receiving.agency_id}"
    protocols = protocol_facts(naming={holder, receiving.agency_id})
    facts = replace(
        facts,
        users={
            recipient: UserFacts(
                id=recipient,
                organisation=receiving.agency_id,
                roles=frozenset({"practitioner"}),
                mfa=True,
                vetted=True,
                trained=True,
            )
        },
        organisations={
            **facts.organisations,
            receiving.agency_id: OrganisationFacts(
                id=receiving.agency_id, accredited=receiving.is_accredited
            ),
        },
        protocols=protocols,
    )
    decision = decide(
        AccessRequest(
            user=recipient, child=str(person.uid), purpose=PURPOSE, category=CATEGORY, on=today
        ),
        facts,
    )
    record_disclosure(
        decision=decision,
        child_ref=str(person.uid),
        category=CATEGORY,
        purpose=PURPOSE,
        requester=Requester("", receiving.name, receiving.agency_id),
        holder=holder,
        request_ref="caf.step_up",
        data_items=("caf",),
        by=user,
        request=request,
    )
    return decision
