"""Writes to a CAF's budget: allocate, commission a directory service, record spend.

Each is one transaction that first locks the CAF's ``CafOverview`` row, so two
commitments made at once cannot both spend the last of a budget, and writes its
audit event in the same transaction. Each refuses, with ``BudgetRefused`` in
words a practitioner understands and nothing written, what would make the
figures untrue: a commitment beyond what is left, spend beyond a commitment, an
allocation below what is already committed.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from fame.accounts.models import User
from fame.audit import record_event
from fame.caf.models.hub import BudgetAllocation, BudgetCommitment, BudgetSpend, CafOverview

from .budget import budget_of, pounds
from .directory_pick import PickedService

__all__ = ["BudgetRefused", "allocate_budget", "commission_service", "record_spend"]


class BudgetRefused(ValueError):
    """The budget cannot change as asked; the message says why, in plain English."""


def _target(overview: CafOverview) -> str:
    return f"person:{overview.person.uid}" if overview.person else f"caf:{overview.caf}"


def _closed(overview: CafOverview) -> bool:
    """Closed by today: a CAF's budget changes up to the day before the day it closed. (Today
    is the clock's, so a history played with the clock moved back (``budget_history``) acts
    on a CAF as it was then; a real CAF never closes on a day still to come.)"""
    if overview.status != "closed":
        return False
    return overview.closed_on is None or overview.closed_on <= timezone.localdate()


def _locked(overview: CafOverview) -> CafOverview:
    locked = (
        CafOverview.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=overview.pk)
    )
    return locked


def allocate_budget(
    *,
    overview: CafOverview,
    amount_pence: int,
    note: str,
    by: User,
    request: HttpRequest | None = None,
) -> BudgetAllocation:
    """Allocate ``amount_pence`` to the CAF (a new row; the latest is in force)."""
    if amount_pence < 0:
        raise BudgetRefused("A budget cannot be less than £0.00")
    with transaction.atomic():
        locked = _locked(overview)
        if _closed(locked):
            raise BudgetRefused("This CAF is closed: its budget cannot change")
        budget = budget_of(locked)
        if amount_pence < budget.committed:
            raise BudgetRefused(
                f"The budget cannot be less than the {pounds(budget.committed)} already "
                "committed to services"
            )
        allocation = BudgetAllocation.objects.create(
            overview=locked, amount_pence=amount_pence, note=note.strip(), by=by
        )
        record_event(
            "caf.budget_allocated",
            actor=by,
            target=_target(locked),
            details={
                "caf": str(locked.caf),
                "amount_pence": amount_pence,
                "was_pence": budget.allocated,
            },
            request=request,
        )
    return allocation


def commission_service(
    *,
    overview: CafOverview,
    service: PickedService,
    amount_pence: int,
    note: str,
    by: User,
    request: HttpRequest | None = None,
) -> BudgetCommitment:
    """Commit ``amount_pence`` of the CAF's budget to a service from the directory.

    Only the CAF's Lead Professional commissions; never beyond what is left.
    """
    if amount_pence <= 0:
        raise BudgetRefused("Enter an amount more than £0.00")
    with transaction.atomic():
        locked = _locked(overview)
        if not locked.lead_professional_username or by.username != (
            locked.lead_professional_username
        ):
            raise BudgetRefused("Only the CAF's Lead Professional can commission a service")
        if _closed(locked):
            raise BudgetRefused("This CAF is closed: nothing more can be commissioned")
        budget = budget_of(locked)
        if not budget.exists:
            raise BudgetRefused(
                "No budget has been allocated to this CAF: ask the CAF co-ordinator"
            )
        if amount_pence > budget.remaining:
            raise BudgetRefused(
                f"{pounds(amount_pence)} is more than the {pounds(budget.remaining)} left in "
                f"this CAF's budget ({pounds(budget.allocated)} allocated, "
                f"{pounds(budget.committed)} already committed)"
            )
        commitment = BudgetCommitment.objects.create(
            overview=locked,
            service_id=service.id,
            service_name=service.name,
            organisation_name=service.organisation,
            amount_pence=amount_pence,
            note=note.strip(),
            by=by,
        )
        record_event(
            "caf.service_commissioned",
            actor=by,
            target=_target(locked),
            details={
                "caf": str(locked.caf),
                "service": service.id,
                "commitment": commitment.pk,
                "amount_pence": amount_pence,
            },
            request=request,
        )
    return commitment


def record_spend(
    *,
    overview: CafOverview,
    commitment_id: int,
    amount_pence: int,
    spent_on: date,
    note: str,
    by: User,
    request: HttpRequest | None = None,
) -> BudgetSpend:
    """Record money spent on one of the CAF's commitments; never beyond what it committed."""
    if amount_pence <= 0:
        raise BudgetRefused("Enter an amount more than £0.00")
    if spent_on > timezone.localdate():
        raise BudgetRefused("The date spent must be today or in the past")
    with transaction.atomic():
        locked = _locked(overview)
        if not locked.lead_professional_username or by.username != (
            locked.lead_professional_username
        ):
            raise BudgetRefused("Only the CAF's Lead Professional can record spend")
        line = budget_of(locked).line(commitment_id)
        if line is None:
            raise BudgetRefused("That service is not commissioned on this CAF")
        if amount_pence > line.unspent:
            raise BudgetRefused(
                f"{pounds(amount_pence)} is more than the {pounds(line.unspent)} not yet spent "
                f"of the {pounds(line.commitment.amount_pence)} committed to "
                f"{line.commitment.service_name}"
            )
        spend = BudgetSpend.objects.create(
            commitment=line.commitment,
            amount_pence=amount_pence,
            spent_on=spent_on,
            note=note.strip(),
            by=by,
        )
        record_event(
            "caf.budget_spent",
            actor=by,
            target=_target(locked),
            details={
                "caf": str(locked.caf),
                "commitment": line.commitment.pk,
                "amount_pence": amount_pence,
                "spent_on": spent_on.isoformat(),
            },
            request=request,
        )
    return spend
