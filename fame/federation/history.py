"""A handful of detail requests in a demo region's history, shared and refused, made now.

A detail request goes from the hub to the holding node signed, and the node
checks the signature's freshness against its own clock, so these cannot be
played in the past: they are asked at the present time, through the hub's own
``ask_for_detail`` (the function the ask page calls beneath its form), and the
node decides each with its sharing policy. About half rely on a consent the
family gave (recorded by ``fame.sharing.history``) and are asked by a vetted
practitioner of an agency the consent names; the rest are asked without consent
or by a practitioner not yet vetted, as happens, and the node refuses them.
Reproducible from the seed; once: a hub with any detail request keeps them.
"""

from __future__ import annotations

import random
from collections import Counter

from fame.accounts.models import Organisation, User
from fame.accounts.permissions import can
from fame.index.models import Person, SourceRecord
from fame.sharing.models import Consent

from .detail import ask_for_detail
from .models import DetailRequest

__all__ = ["play_detail_requests"]

HOW_MANY = 16


def _agency(user: User) -> str:
    return user.organisation.agency_id if user.organisation else ""


def _practitioners() -> list[User]:
    users = User.objects.filter(organisation__isnull=False, is_active=True).order_by("username")
    return [u for u in users.select_related("organisation") if can(u, "work_with_children")]


def play_detail_requests(*, seed: int, count: int = HOW_MANY) -> Counter[str]:
    """Ask ``count`` detail requests now; how many ended in each status. Nothing when the hub
    has detail requests already, or no consent in force to rely on."""
    if DetailRequest.objects.exists():
        return Counter()
    rnd = random.Random(f"detail-requests-{seed}")  # noqa: S311 - a made-up past, reproducible
    practitioners = _practitioners()
    vetted = [u for u in practitioners if u.vetting_checked_on is not None]
    unvetted = [u for u in practitioners if u.vetting_checked_on is None]
    consents = list(
        Consent.objects.filter(decision="permit", withdrawn_on=None).order_by("recorded_at", "id")
    )
    people = {str(p.uid): p for p in Person.objects.filter(uid__in=[c.child_ref for c in consents])}
    holders = {o.agency_id: o for o in Organisation.objects.all()}
    outcomes: Counter[str] = Counter()
    for consent in rnd.sample(consents, k=len(consents)):
        if sum(outcomes.values()) >= count:
            break
        person = people.get(consent.child_ref)
        if person is None:
            continue
        held = set(
            SourceRecord.objects.filter(person=person).values_list(
                "organisation__agency_id", flat=True
            )
        )
        named = set(consent.organisations)
        agencies = sorted(held & named)
        if not agencies:
            continue
        agency = holders[rnd.choice(agencies)]
        with_consent = rnd.random() < 0.5
        if with_consent:
            askers = [u for u in vetted if _agency(u) in named - {agency.agency_id}]
        else:  # without consent, or asked by someone not yet vetted
            askers = [u for u in vetted if _agency(u) not in named] + unvetted
        if not askers:
            continue
        detail = ask_for_detail(
            person=person,
            agency=agency,
            by=rnd.choice(askers),
            mfa=True,
            purpose="early_help",
            categories=["assessment"],
            consent_reference=str(consent.pk) if with_consent else "",
            family_told=True,
        )
        outcomes[detail.status] += 1
    return outcomes
