"""Writes of the workshop: recording (or changing) the score a partnership agreed."""

from __future__ import annotations

from django.db import transaction

from fame.accounts.models import User
from fame.audit import record_event

from ..models import Agreement, Round


@transaction.atomic
def record_agreement(
    *, round_: Round, statement_id: str, score: int, reason: str, by: User
) -> Agreement:
    """Record the workshop's agreed ``score`` for a statement of ``round_``, or change the
    one recorded. The agreement names who agreed it and when; the audit log keeps every
    earlier score, reason, person and time."""
    round_.bank.statement(statement_id)  # KeyError for a statement not in the round's bank
    if score not in range(5):
        raise ValueError(f"an agreed score is 0 to 4, not {score}")
    earlier = Agreement.objects.filter(round=round_, statement_id=statement_id).first()
    agreement, created = Agreement.objects.update_or_create(
        round=round_,
        statement_id=statement_id,
        defaults={"score": score, "reason": reason, "agreed_by": by},
    )
    details: dict[str, object] = {"statement": statement_id, "score": score, "reason": reason}
    if earlier is not None:
        details |= {
            "was_score": earlier.score,
            "was_reason": earlier.reason,
            "was_agreed_by": earlier.agreed_by.username,
            "was_agreed_at": earlier.agreed_at.isoformat(),
        }
    record_event(
        "readiness.agreement_recorded" if created else "readiness.agreement_changed",
        actor=by,
        target=f"readiness-round:{round_.pk}",
        details=details,
    )
    return agreement
