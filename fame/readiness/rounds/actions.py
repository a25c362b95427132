"""Setting up a round: opening it, inviting respondents, who agrees to compare, closing.

Each is one transaction with its audit event, the acting person passed as ``by=``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from fame.accounts.models import User
from fame.audit.actions import record_event

from ..bank import Bank
from ..models import BankVersion, Lead, Partner, Respondent, Round

__all__ = ["close_round", "invite", "open_round", "set_comparing"]


def _target(round_: Round) -> str:
    return f"readiness-round:{round_.pk}"


def open_round(
    *,
    by: User,
    partnership: str,
    title: str,
    bank: Bank | BankVersion,
    partners: Sequence[str],
    closes_on: date | None = None,
) -> Round:
    """Open a round on ``bank`` (kept as a ``BankVersion`` first if it is a shipped bank)."""
    with transaction.atomic():
        version = bank if isinstance(bank, BankVersion) else BankVersion.keep(bank, by=by)
        round_ = Round.objects.create(
            partnership=partnership,
            title=title,
            bank_version=version,
            closes_on=closes_on,
            opened_by=by,
        )
        Partner.objects.bulk_create([Partner(round=round_, name=name) for name in partners])
        record_event(
            "readiness.round_opened",
            actor=by,
            target=_target(round_),
            details={
                "title": title,
                "partnership": partnership,
                "bank": f"{version.key} {version.version}",
                "partners": len(partners),
            },
        )
    return round_


def invite(*, by: User, round_: Round, user: User, partner: Partner, lead: str) -> Respondent:
    with transaction.atomic():
        respondent = Respondent.objects.create(
            round=round_, user=user, partner=partner, lead=Lead(lead)
        )
        record_event(
            "readiness.respondent_invited",
            actor=by,
            target=_target(round_),
            details={"respondent": user.username, "partner": partner.name, "lead": lead},
        )
    return respondent


def set_comparing(*, by: User, round_: Round, partner_ids: Sequence[int]) -> None:
    """Record which partners agree to have their results shown beside others'."""
    with transaction.atomic():
        partners = round_.partners.all()
        partners.filter(pk__in=partner_ids).update(agrees_to_compare=True)
        partners.exclude(pk__in=partner_ids).update(agrees_to_compare=False)
        record_event(
            "readiness.comparing_set",
            actor=by,
            target=_target(round_),
            details={
                "agree": sorted(
                    round_.partners.filter(agrees_to_compare=True).values_list("name", flat=True)
                )
            },
        )


def close_round(*, by: User, round_: Round) -> None:
    with transaction.atomic():
        round_.status = Round.Status.CLOSED
        round_.save(update_fields=["status"])
        record_event("readiness.round_closed", actor=by, target=_target(round_))
