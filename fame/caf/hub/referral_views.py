"""Hub pages for the CAFs an organisation has received by a step up: a list, and one referral.

The copies rest at the receiving organisation's node (``ReferralCopy``); each
page asks that node through ``client``. Opening one asks the decision point
first (the practitioner's own organisation holds the copy: rule 2, for
safeguarding, category ``assessment``) and keeps the decision as a disclosure.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse

from fame.accounts.decorators import acting_user, child_data_required, used_second_factor
from fame.accounts.facilitated import acting_as
from fame.audit import record_event
from fame.caf import presenting
from fame.index.models import Person
from fame.sharing import Requester, permission, record_disclosure
from fame.web.pages import render_page

from . import client
from .client import CafProblem
from .pages import organisation_names
from .permissions import CATEGORY
from .referral import PURPOSE


def _unavailable(request: HttpRequest, problem: CafProblem) -> HttpResponse:
    status = 403 if isinstance(problem, client.CafRefused) else 200
    return render_page(
        request,
        "caf/referrals_unavailable.html",
        {"reason": problem.reason, "nav_active": "caf_referrals"},
        status=status,
    )


@child_data_required
def received(request: HttpRequest) -> HttpResponse:
    """The CAFs stepped up to this practitioner's organisation, newest first."""
    user = acting_user(request)
    try:
        found = client.referrals_received(by=user)
    except CafProblem as problem:
        return _unavailable(request, problem)
    return render_page(
        request, "caf/referrals.html", {"referrals": found, "nav_active": "caf_referrals"}
    )


@child_data_required
def referral(request: HttpRequest, uid: UUID) -> HttpResponse:
    """One referral's CAF, read-only, if the sharing rules let this practitioner read it."""
    user = acting_user(request)
    try:
        found = client.referral_received(by=user, uid=str(uid))
    except CafProblem as problem:
        return _unavailable(request, problem)
    person = Person.objects.filter(uid=found["child_ref"]).first()
    holder = user.organisation.agency_id if user.organisation else ""
    who = acting_as(request)
    decision = permission(
        who,
        child_ref=found["child_ref"],
        holder=holder,
        purpose=PURPOSE,
        category=CATEGORY,
        shielded=bool(person and person.shielded),
        mfa=used_second_factor(user),
    )
    record_disclosure(
        decision=decision,
        child_ref=found["child_ref"],
        category=CATEGORY,
        purpose=PURPOSE,
        requester=Requester.of(user, on_behalf_of=who.on_behalf_of),
        holder=holder,
        request_ref=f"caf.referral:{uid.hex}",
        data_items=("caf",),
        by=user,
        request=request,
    )
    if not decision.permitted:
        record_event(
            "access.refused",
            actor=user,
            target=f"referral:{uid.hex}",
            outcome="refused",
            details={"action": "open a referral", "decision_id": decision.decision_id},
            request=request,
        )
        return render_page(
            request,
            "caf/referral_refused.html",
            {"reasons": decision.reasons, "nav_active": "caf_referrals"},
            status=403,
        )
    names = organisation_names()
    return render_page(
        request,
        "caf/referral.html",
        {
            "referral": found,
            "sections": presenting.answers(found["content"], organisations=names),
            "nav_active": "caf_referrals",
        },
    )
