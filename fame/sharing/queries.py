"""Reads from the sharing registers, and the facts one decision needs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from fame.accounts.access import child_data_access
from fame.accounts.facilitated import ActingAs
from fame.accounts.models import Organisation, User

from ._facts import ChildFacts, ConsentFacts, Facts, OrganisationFacts, ProtocolFacts, UserFacts
from ._vocabulary import ConsentDecision
from .models import Consent, Disclosure, Protocol, ProtocolVersion

NO_ORGANISATION = "(no organisation)"


def current_protocol_versions(naming: Iterable[str] | None = None) -> list[ProtocolVersion]:
    """The current (latest) version of each protocol, optionally only those naming an agency."""
    latest = (
        ProtocolVersion.objects.filter(protocol=OuterRef("protocol"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = ProtocolVersion.objects.filter(number=Subquery(latest)).select_related("protocol")
    if naming is None:
        return list(versions)
    wanted = set(naming)
    # Parties are a JSON list; a region has tens of protocols, so filter here
    # rather than rely on JSON containment, which SQLite lacks.
    return [version for version in versions if wanted.intersection(version.parties)]


def protocols_in_force(on: date) -> tuple[list[ProtocolVersion], int]:
    """The current versions of protocols in force on ``on`` (started, not ended), and how
    many protocols are recorded at all."""
    versions = current_protocol_versions()
    in_force = [
        version
        for version in versions
        if version.in_force_from <= on
        and (version.in_force_to is None or on <= version.in_force_to)
    ]
    return in_force, len(versions)


@dataclass(frozen=True)
class ConsentCount:
    """How many consent decisions are recorded, about how many children, and of what kind."""

    recorded: int
    children: int
    agreeing: int
    """Decisions that agree to sharing (the rest refuse it)."""
    withdrawn: int


def consent_count() -> ConsentCount:
    """Every consent decision recorded, withdrawn ones included."""
    counts = Consent.objects.aggregate(
        recorded=Count("pk"),
        children=Count("child_ref", distinct=True),
        agreeing=Count("pk", filter=Q(decision=ConsentDecision.PERMIT)),
        withdrawn=Count("pk", filter=Q(withdrawn_on__isnull=False)),
    )
    return ConsentCount(**counts)


def protocol_facts(*, naming: Iterable[str]) -> list[ProtocolFacts]:
    """The current version of each protocol naming any of ``naming``, as the decision
    point sees it (``reference@version``)."""
    return [
        ProtocolFacts(
            id=f"{version.protocol.reference}@{version.number}",
            parties=frozenset(version.parties),
            purposes=frozenset(version.purposes),
            categories=frozenset(version.data_categories),
            starts=version.in_force_from,
            ends=version.in_force_to,
        )
        for version in current_protocol_versions(naming=naming)
    ]


def protocol_versions(protocol: Protocol) -> QuerySet[ProtocolVersion]:
    """Every version of a protocol, first to latest."""
    return protocol.versions.order_by("number")


def consents_for(child_ref: str) -> QuerySet[Consent]:
    """Every consent recorded about a child, withdrawn ones included."""
    return Consent.objects.filter(child_ref=child_ref).order_by("recorded_at", "pk")


def agreements_in_force(child_ref: str, *, on: date) -> list[Consent]:
    """The child's consents that agree to sharing and are in force on ``on``, oldest first:
    those a request for more information may rely on."""
    return [
        consent
        for consent in consents_for(child_ref).filter(decision="permit")
        if consent.in_force_on(on)
    ]


def user_id(user: User) -> str:
    return str(user.pk)


def acting(who: User | ActingAs) -> ActingAs:
    """A signed-in user acting as themselves, or ``who`` as it is."""
    return who if isinstance(who, ActingAs) else ActingAs.of(who)


def user_facts(who: User | ActingAs, *, on: date, mfa: bool) -> UserFacts:
    """Rule 1 as accounts sees it on ``on``: vetting and training from child_data_access,
    on the standing of whoever the request acts as (``ActingAs``); ``mfa`` is the signed-in
    user's own second factor."""
    who = acting(who)
    access = child_data_access(who.standing, on=on, required=who.required)
    return UserFacts(
        id=user_id(who.user),
        organisation=who.agency_id or NO_ORGANISATION,
        roles=who.roles,
        mfa=mfa,
        vetted=access.vetted,
        trained=access.trained,
    )


def facts_for(
    who: User | ActingAs,
    child_ref: str,
    holder_agency_id: str,
    on: date,
    *,
    mfa: bool,
    shielded: bool,
    override_authorised_by: User | None = None,
    authoriser_mfa: bool = False,
) -> Facts:
    """Everything the decision point needs to decide ``who``'s request about one child.

    Only the child's consents, the protocols naming either organisation and the
    people involved: a small snapshot keeps each decision fast.
    """
    return facts_for_children(
        who,
        {child_ref: (holder_agency_id, shielded)},
        on,
        mfa=mfa,
        override_authorised_by=override_authorised_by,
        authoriser_mfa=authoriser_mfa,
    )[child_ref]


def facts_for_children(
    who: User | ActingAs,
    children: Mapping[str, tuple[str, bool]],
    on: date,
    *,
    mfa: bool,
    override_authorised_by: User | None = None,
    authoriser_mfa: bool = False,
) -> dict[str, Facts]:
    """``facts_for`` each of ``children`` (child ref -> (holding agency, shielded)), read
    with the same few queries however many children there are."""
    asking = user_facts(who, on=on, mfa=mfa)
    people = {asking.id: asking}
    if override_authorised_by is not None:
        authoriser = user_facts(override_authorised_by, on=on, mfa=authoriser_mfa)
        if authoriser.id == asking.id:
            authoriser = asking
        people[authoriser.id] = authoriser
    holders = {holder for holder, _shielded in children.values()}
    agency_ids = {*holders, *(person.organisation for person in people.values())}
    organisations = {
        organisation.agency_id: OrganisationFacts(
            id=organisation.agency_id, accredited=organisation.is_accredited
        )
        for organisation in Organisation.objects.filter(agency_id__in=agency_ids)
    }
    requester = asking.organisation
    protocols = protocol_facts(naming={requester, *holders})
    consents: dict[str, list[ConsentFacts]] = {ref: [] for ref in children}
    for consent in Consent.objects.filter(child_ref__in=list(children)).order_by(
        "recorded_at", "pk"
    ):
        consents[consent.child_ref].append(
            ConsentFacts(
                id=str(consent.pk),
                decision="permit" if consent.decision == "permit" else "deny",
                organisations=frozenset(consent.organisations),
                purposes=frozenset(consent.purposes),
                categories=frozenset(consent.data_categories),
                starts=consent.in_force_from,
                ends=consent.in_force_to,
                withdrawn_on=consent.withdrawn_on,
            )
        )
    return {
        ref: Facts(
            child=ChildFacts(id=ref, holder=holder, shielded=shielded),
            organisations=organisations,
            users=people,
            protocols=[p for p in protocols if {requester, holder} & p.parties],
            consents=consents[ref],
        )
        for ref, (holder, shielded) in children.items()
    }


def disclosures_about(child_ref: str, *, end: str = "hub") -> QuerySet[Disclosure]:
    """What agencies shared or refused about a child in answer to requests, newest first.

    Record page views are left out (the family report lists who looked); so are
    other ends' copies.
    """
    return Disclosure.objects.filter(child_ref=child_ref, recorded_at_end=end).exclude(
        request_ref__startswith="index."
    )
