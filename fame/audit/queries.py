"""Reading the audit log: for pages that show who did what, and for witnesses' proofs."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DateField, Exists, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, TruncQuarter
from django.utils import timezone

from fame.audit._merkle import consistency_proof
from fame.audit.models import AuditEvent, AuditLeaf, Outcome, TreeHead


def events_for(
    *,
    target: str | None = None,
    actor_id: int | None = None,
    organisation: str | None = None,
    action_prefix: str | None = None,
) -> QuerySet[AuditEvent]:
    """Events, oldest first, narrowed by any of: target, actor, agency ID, action prefix.

    ``action_prefix="auth"`` matches ``auth.login``, ``auth.login_failed`` and so on.
    """
    events = AuditEvent.objects.all()
    if target is not None:
        events = events.filter(target=target)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if organisation is not None:
        events = events.filter(organisation=organisation)
    if action_prefix is not None:
        prefix = action_prefix.rstrip(".")
        events = events.filter(action__startswith=f"{prefix}.") | events.filter(action=prefix)
    return events.order_by("seq")


LOG_CHECKED = "audit.log_checked"
"""The event the audit pages record each time someone checks the log (``fame audit verify``
at the command line only reads, and records nothing)."""


def last_log_check() -> AuditEvent | None:
    """The latest recorded check of the audit log: its details hold what the check found
    (``log``: ``VerificationResult.as_dict()``; ``witnesses`` where the nodes were asked)."""
    return AuditEvent.objects.filter(action=LOG_CHECKED).order_by("-seq").first()


def latest_tree_head(*, integrate: bool = True) -> TreeHead | None:
    """The signed tree head for the log's current size, or None for an empty log.

    Integrates the events waiting for the sequencer first (unless ``integrate`` is
    False), so the head covers every event committed so far.
    """
    if integrate:
        from fame.audit.sequencer import integrate as integrate_waiting

        integrate_waiting()
    return TreeHead.objects.order_by("-tree_size").first()


class ProofRefused(ValueError):
    """The log cannot prove consistency between these sizes (it is smaller, or has gaps)."""


def consistency_proof_between(first: int, second: int) -> list[bytes]:
    """RFC 6962 proof that the log at size ``first`` is a prefix of the log at ``second``.

    Built from the stored leaf hashes of leaves 1 to ``second``: O(second) work.
    """
    if not 1 <= first <= second:
        raise ValueError(f"sizes must satisfy 1 <= first <= second, not {first} and {second}")
    stored = list(
        AuditLeaf.objects.filter(position__lte=second)
        .order_by("position")
        .values_list("leaf_hash", flat=True)
    )
    if len(stored) < second:
        raise ProofRefused(
            f"the audit log holds {len(stored)} of the events up to {second}, so it cannot "
            f"vouch for a tree of size {second}"
        )
    try:
        leaves = [bytes.fromhex(h) for h in stored]
    except (TypeError, ValueError):
        raise ProofRefused("a stored leaf hash is unreadable") from None
    return consistency_proof(leaves, first)


# What auditors read --------------------------------------------------------------


@dataclass(frozen=True)
class EventFilter:
    """What an auditor narrowed the log to; every part is optional.

    ``action`` matches an action or its prefix (``index`` or ``index.record_opened``),
    ``target`` a target or its start (``user:`` or ``node:police``); ``since`` and
    ``until`` are whole days where the service is, ``until`` included.
    """

    username: str = ""
    action: str = ""
    outcome: str = ""
    target: str = ""
    organisation: str = ""
    since: date | None = None
    until: date | None = None

    def as_audit(self) -> dict[str, str]:
        """The parts given, as text, for the auditor's own audit event."""
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in asdict(self).items()
            if value
        }


def _day_starts(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _in_period(events: QuerySet[AuditEvent], since: date | None, until: date | None) -> QuerySet:
    if since is not None:
        events = events.filter(time__gte=_day_starts(since))
    if until is not None:
        events = events.filter(time__lt=_day_starts(until + timedelta(days=1)))
    return events


def filtered_events(chosen: EventFilter) -> QuerySet[AuditEvent]:
    """The events ``chosen`` selects, newest first."""
    events = AuditEvent.objects.all()
    if chosen.username:
        events = events.filter(actor_username=chosen.username)
    if chosen.action:
        prefix = chosen.action.rstrip(".")
        events = events.filter(Q(action=prefix) | Q(action__startswith=f"{prefix}."))
    if chosen.outcome:
        events = events.filter(outcome=chosen.outcome)
    if chosen.target:
        events = events.filter(target__startswith=chosen.target)
    if chosen.organisation:
        events = events.filter(organisation=chosen.organisation)
    return _in_period(events, chosen.since, chosen.until).order_by("-seq")


CHILD_TARGETS = ("person:", "child:")
"""How the log names a child as a target: by the Child Index's person identifier."""

_LISTINGS = ("index.search", "web.children_listed")
_MENTIONS_CHILDREN = Q(action__in=_LISTINGS) | Q(target__startswith="consent:")
"""Events that name children in their details rather than as their target."""


def child_events(person_uid: str) -> QuerySet[AuditEvent]:
    """Every event about one child, newest first: those with the child as target, the
    searches that found them and the consents recorded for them."""
    targets = [f"{prefix}{person_uid}" for prefix in CHILD_TARGETS]
    return (
        AuditEvent.objects.alias(details_text=Cast("details", TextField()))
        .filter(Q(target__in=targets) | (_MENTIONS_CHILDREN & Q(details_text__contains=person_uid)))
        .order_by("-seq")
    )


class Exceptions:
    """Which of the log's exceptions an auditor looks at."""

    OVERRIDES = "overrides"
    REFUSALS = "refusals"
    BOTH = "both"
    CHOICES = (
        (BOTH, "Overrides and refusals"),
        (OVERRIDES, "Overrides: information shared without consent"),
        (REFUSALS, "Refusals: what someone was not allowed to do"),
    )


def overrides_and_refusals(
    kind: str = Exceptions.BOTH, *, since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    """Events that overrode the family's consent, or that were refused; newest first."""
    override = Q(details__has_key="override_reason") & ~Q(details__override_reason="")
    refused = Q(outcome=Outcome.REFUSED)
    chosen = {Exceptions.OVERRIDES: override, Exceptions.REFUSALS: refused}.get(
        kind, override | refused
    )
    return _in_period(AuditEvent.objects.filter(chosen), since, until).order_by("-seq")


# How much the system is used ----------------------------------------------------------


@dataclass(frozen=True)
class QuarterlyCount:
    """How many times one organisation's people did one thing in one calendar quarter."""

    quarter: date
    """The quarter's first day (1 January, 1 April, 1 July or 1 October) where the service is."""
    organisation: str
    """The agency ID of the organisation the actor belonged to ("" for the system)."""
    action: str
    count: int
    again: bool = False
    """Whether these are repeats: the action done again to something it was done to before."""


def quarterly_counts(
    actions: Collection[str],
    *,
    since: date,
    until: date,
    repeats_by: Mapping[str, str] | None = None,
) -> list[QuarterlyCount]:
    """Successful events of each of ``actions`` per calendar quarter and organisation, from
    ``since`` to ``until`` (whole days where the service is, both included), in quarter,
    organisation, action and repeat order; a quarter, organisation or action with none is
    left out.

    ``repeats_by`` names, for an action, the details key saying what it was done to
    (``{"caf.completed": "caf"}``): its events are counted apart (``again``) when an earlier
    successful one, even before ``since``, was done to the same thing.
    """
    if until < since:
        raise ValueError(f"the period ends ({until}) before it starts ({since})")
    repeats_by = repeats_by or {}
    counted = _in_period(
        AuditEvent.objects.filter(action__in=list(actions), outcome=Outcome.SUCCESS), since, until
    ).annotate(quarter=TruncQuarter("time", output_field=DateField()))
    plain = counted.exclude(action__in=list(repeats_by)).annotate(again=Value(False))
    parts = [plain]
    for action, key in repeats_by.items():
        earlier = AuditEvent.objects.filter(
            action=action,
            outcome=Outcome.SUCCESS,
            seq__lt=OuterRef("seq"),
            **{f"details__{key}": OuterRef(f"details__{key}")},
        )
        named = counted.filter(action=action, **{f"details__{key}__isnull": False})
        unnamed = counted.filter(action=action, **{f"details__{key}__isnull": True})
        parts += [named.annotate(again=Exists(earlier)), unnamed.annotate(again=Value(False))]
    rows = [
        row
        for part in parts
        for row in part.values("quarter", "organisation", "action", "again").annotate(
            count=Count("seq")
        )
    ]
    rows.sort(key=lambda r: (r["quarter"], r["organisation"], r["action"], r["again"]))
    return [
        QuarterlyCount(
            quarter=row["quarter"],
            organisation=row["organisation"],
            action=row["action"],
            count=row["count"],
            again=bool(row["again"]),
        )
        for row in rows
    ]
