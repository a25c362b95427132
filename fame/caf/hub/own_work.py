"""A practitioner's CAF work, from the facts the holding nodes send the hub (``CafOverview``):
the CAFs they started or lead with what is due, the TAC meetings coming up, and the
escalations about their CAFs with the co-ordinator's follow-ups. Two queries in all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from fame.accounts.models import User
from fame.caf.models.hub import CafOverview, EscalationFollowUp

LEAD, ASSESSOR, INVITED = "Lead Professional", "Assessor", "Invited"


@dataclass(frozen=True)
class CafDue:
    """One open CAF the practitioner started or leads, and what is due on it."""

    person_id: int | None
    holder: str
    role: str
    review_due: date | None
    review_overdue: bool
    next_action_due: date | None
    open_actions: int
    overdue_actions: int

    @property
    def overdue(self) -> bool:
        return self.review_overdue or self.overdue_actions > 0

    @property
    def first_due(self) -> date:
        dates = [d for d in (self.review_due, self.next_action_due) if d is not None]
        return min(dates) if dates else date.max


@dataclass(frozen=True)
class MeetingComing:
    person_id: int | None
    held_on: date
    holder: str
    role: str
    """Lead Professional, Assessor, or Invited."""


@dataclass(frozen=True)
class EscalationNews:
    """An absence the Lead Professional escalated, and the co-ordinator's follow-up if any."""

    person_id: int | None
    agency: str
    raised_on: date | None
    raised_by: str
    followed_up_by: str = ""
    followed_up_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class CafWork:
    cafs: list[CafDue] = field(default_factory=list)
    meetings: list[MeetingComing] = field(default_factory=list)
    escalations: list[EscalationNews] = field(default_factory=list)

    def person_ids(self) -> set[int]:
        lines: list[CafDue | MeetingComing | EscalationNews] = [
            *self.cafs,
            *self.meetings,
            *self.escalations,
        ]
        return {line.person_id for line in lines if line.person_id is not None}


def _role(overview: CafOverview, user: User) -> str | None:
    """LEAD or ASSESSOR when the CAF is the practitioner's own, INVITED to its next meeting."""
    if overview.lead_professional_username == user.username or (
        overview.person is not None and overview.person.lead_professional_id == user.pk
    ):
        return LEAD
    if overview.assessor == user.username:
        return ASSESSOR
    return INVITED if user.username in overview.next_meeting_invited else None


def _due(overview: CafOverview, role: str, today: date) -> CafDue:
    actions = sorted(date.fromisoformat(d) for d in overview.action_due_dates)
    return CafDue(
        person_id=overview.person_id,
        holder=overview.holder.name,
        role=role,
        review_due=overview.review_due,
        review_overdue=overview.review_due is not None and overview.review_due < today,
        next_action_due=actions[0] if actions else None,
        open_actions=len(actions),
        overdue_actions=sum(1 for d in actions if d < today),
    )


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def caf_work(user: User, *, today: date | None = None) -> CafWork:
    """What ``user`` has to do on CAFs, the most urgent first; closed CAFs are left out."""
    today = today or timezone.localdate()
    mine = (
        Q(assessor=user.username)
        | Q(lead_professional_username=user.username)
        | Q(person__lead_professional=user)
    )
    overviews = list(
        CafOverview.objects.exclude(status="closed")
        .filter(mine | Q(next_meeting_on__gte=today))
        .select_related("holder", "person")
        .order_by("pk")
    )
    work = CafWork()
    own: dict[int, tuple[CafOverview, str]] = {}
    for overview in overviews:
        role = _role(overview, user)
        if role is None:
            continue  # another practitioner's CAF with a meeting this one is not invited to
        if role != INVITED:
            own[overview.pk] = (overview, role)
            work.cafs.append(_due(overview, role, today))
        if overview.next_meeting_on is not None and overview.next_meeting_on >= today:
            work.meetings.append(
                MeetingComing(
                    overview.person_id, overview.next_meeting_on, overview.holder.name, role
                )
            )
    work.cafs.sort(key=lambda c: (not c.overdue, c.first_due))
    work.meetings.sort(key=lambda m: m.held_on)
    work.escalations.extend(_escalations([o for o, role in own.values() if role == LEAD]))
    return work


def _escalations(led: list[CafOverview]) -> list[EscalationNews]:
    """Each escalation reported on the CAFs led, followed-up ones (news) first, newest first."""
    follow_ups: dict[tuple[int, str, date | None], EscalationFollowUp] = {
        (f.overview_id, f.agency, f.raised_on): f
        for f in EscalationFollowUp.objects.filter(overview__in=[o.pk for o in led]).select_related(
            "by"
        )
    }
    found = []
    for overview in led:
        for escalation in overview.escalations:
            raised_on = _day(escalation.get("raised_on", ""))
            done = follow_ups.pop((overview.pk, escalation.get("agency", ""), raised_on), None)
            found.append(
                _news(
                    overview,
                    escalation.get("agency", ""),
                    raised_on,
                    done,
                    by=escalation.get("by", ""),
                )
            )
    # A follow-up stays news after the node stops reporting the escalation.
    by_pk = {o.pk: o for o in led}
    for (pk, agency, raised_on), done in follow_ups.items():
        found.append(_news(by_pk[pk], agency, raised_on, done, by=""))
    found.sort(
        key=lambda e: (
            e.followed_up_at is None,
            -(e.followed_up_at.timestamp() if e.followed_up_at else 0),
            e.raised_on or date.max,
        )
    )
    return found


def _news(
    overview: CafOverview,
    agency: str,
    raised_on: date | None,
    done: EscalationFollowUp | None,
    *,
    by: str,
) -> EscalationNews:
    return EscalationNews(
        person_id=overview.person_id,
        agency=agency,
        raised_on=raised_on,
        raised_by=by,
        followed_up_by=done.by.display_name if done else "",
        followed_up_at=done.at if done else None,
        note=done.note if done else "",
    )
