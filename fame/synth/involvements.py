"""Which agencies know each child, through which service, since when; and their local ids.

Rates are of all children in the age band (see docs/adr/0004-synthetic-region.md).
Family-wide services (social care, family support, housing) reach every child at home.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .organisations import Organisation
from .people import Child, Family, age_on
from .services import FAMILY_VOLUNTARY, SERVICES, SOCIAL_CARE, SOCIAL_CARE_WEIGHTS, Service

_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


@dataclass(frozen=True, slots=True)
class Involvement:
    organisation: Organisation
    service: Service
    started_on: date
    ended_on: date | None


def school_year(birth: date, as_of: date) -> int:
    """The child's school year group on ``as_of``: 0 is reception, 11 is year 11."""
    reception = birth.year + 4 if birth.month < 9 else birth.year + 5
    return school_year_start(as_of).year - reception


class Agencies:
    """The region's organisations, looked up by what they do and where."""

    def __init__(self, organisations: list[Organisation]) -> None:
        self._by: dict[tuple[str, str], list[Organisation]] = {}
        self._anywhere: dict[str, list[Organisation]] = {}
        self._ids = {org.agency_id: org for org in organisations}
        for org in organisations:
            for service in org.services:
                self._by.setdefault((service.code, org.local_authority), []).append(org)
                self._anywhere.setdefault(service.code, []).append(org)
        trusts = [org for org in organisations if org.type == "health_trust"]
        authorities = list(dict.fromkeys(org.local_authority for org in organisations))
        self._trust = {la: trusts[i % len(trusts)] for i, la in enumerate(authorities)}

    def offers(self, code: str) -> bool:
        return code in self._anywhere

    def choose(self, rng: random.Random, code: str, authority: str) -> Organisation:
        """A provider of the service in the authority, or anywhere in the region."""
        if SERVICES[code].org_type == "health_trust":
            return self._trust[authority]
        return rng.choice(self._by.get((code, authority)) or self._anywhere[code])

    def for_family(self, rng: random.Random, code: str, family: Family) -> Organisation:
        """The same provider for brothers and sisters, mostly (one in twelve goes elsewhere)."""
        chosen = family.agencies.get(code)
        if chosen is None or rng.random() < 1 / 12:
            org = self.choose(rng, code, family.local_authority)
            family.agencies.setdefault(code, org.agency_id)
            return org
        return self._ids[chosen]


def _since(rng: random.Random, birth: date, as_of: date, days: int) -> date:
    return as_of - timedelta(days=rng.randint(0, max(0, min(days, (as_of - birth).days))))


class _Finder:
    """Collects one child's involvements."""

    def __init__(self, rng: random.Random, child: Child, agencies: Agencies, as_of: date) -> None:
        self.rng, self.child, self.agencies, self.as_of = rng, child, agencies, as_of
        self.found: list[Involvement] = []

    def add(self, org: Organisation, code: str, start: date, chance_ended: float = 0.0) -> None:
        start = min(max(start, self.child.date_of_birth), self.as_of)
        ended = None
        open_for = (self.as_of - start).days
        if open_for > 30 and self.rng.random() < chance_ended:
            ended = start + timedelta(days=self.rng.randint(30, open_for))
        self.found.append(Involvement(org, SERVICES[code], start, ended))

    def recent(self, code: str, days: int, chance_ended: float, family_wide: bool = False) -> None:
        """An involvement that began within the last ``days`` days."""
        rng, child = self.rng, self.child
        if family_wide:
            org = self.agencies.for_family(rng, code, child.family)
        else:
            org = self.agencies.choose(rng, code, child.family.local_authority)
        self.add(org, code, _since(rng, child.date_of_birth, self.as_of, days), chance_ended)

    def family_choice(self, key: str, chance: float, codes: list[str], weights: list[int]) -> str:
        """A service code decided once per family ("" for none)."""
        agencies, key = self.child.family.agencies, f"wants:{key}"
        if key not in agencies:
            offered = [
                (c, w) for c, w in zip(codes, weights, strict=True) if self.agencies.offers(c)
            ]
            chosen = ""
            if offered and self.rng.random() < chance:
                chosen = self.rng.choices([c for c, _ in offered], [w for _, w in offered])[0]
            agencies[key] = chosen
        return agencies[key]


def involvements(
    rng: random.Random, child: Child, agencies: Agencies, as_of: date
) -> list[Involvement]:
    """The agencies that know ``child`` on ``as_of``, in a fixed order of services."""
    find = _Finder(rng, child, agencies, as_of)
    family, birth = child.family, child.date_of_birth
    age, year = age_on(birth, as_of), school_year(birth, as_of)
    if 0 <= year <= 11 and rng.random() < 0.99:
        code = "primary" if year <= 6 else "secondary"
        start = school_year_start(as_of)  # this year's; back to when they joined this school
        start = start.replace(year=start.year - (year if year <= 6 else year - 7))
        if rng.random() < 0.1:  # joined during a school year
            start += timedelta(days=rng.randint(20, 300))
        find.add(agencies.for_family(rng, code, family), code, start)
    if rng.random() < 0.95:
        start = birth + timedelta(days=rng.randint(14, 60))
        if rng.random() < 0.25:  # registered later, perhaps after a move
            start = _since(rng, birth, as_of, 18 * 365)
        find.add(agencies.for_family(rng, "gp", family), "gp", start)
    if age < 5 and rng.random() < 0.95:
        start = birth + timedelta(days=rng.randint(10, 14))
        find.add(
            agencies.choose(rng, "health_visiting", family.local_authority),
            "health_visiting",
            start,
        )
    if 0 <= year <= 11 and rng.random() < 0.12:
        find.recent("school_nursing", 3 * 365, 0.5)
    if age >= 5 and rng.random() < 0.05:
        find.recent("camhs", 2 * 365, 0.4)
    if age >= 13 and rng.random() < 0.04:
        find.recent("sexual_health", 540, 0.5)
    if age >= 13 and rng.random() < 0.015:
        find.recent("substance_misuse", 540, 0.4)
    social = find.family_choice(
        "social_care", 0.045, [s.code for s in SOCIAL_CARE], list(SOCIAL_CARE_WEIGHTS)
    )
    if not social and age >= 10 and rng.random() < 0.01:
        social = "looked_after"
    if social:
        find.recent(social, 3 * 365, 0.3)
    if age >= 10 and rng.random() < 0.065:
        find.recent("public_protection" if rng.random() < 0.7 else "missing_children", 730, 0.6)
    if age >= 10 and rng.random() < 0.022:
        find.recent("youth_offending", 540, 0.3)
    if age >= 13 and rng.random() < 0.10:
        find.recent("youth_work" if rng.random() < 0.6 else "advice", 3 * 365, 0.2)
    family_help = find.family_choice(
        "voluntary", 0.055, [s.code for s in FAMILY_VOLUNTARY], [1] * len(FAMILY_VOLUNTARY)
    )
    if family_help:
        find.recent(family_help, 2 * 365, 0.35, family_wide=True)
    if age >= 8 and rng.random() < 0.03:
        offered = [c for c in ("young_carers", "mentoring", "bereavement") if agencies.offers(c)]
        if offered:
            find.recent(rng.choice(offered), 2 * 365, 0.35)
    if age >= 2 and year < 0 and rng.random() < 0.6:
        start = birth + timedelta(days=365 * rng.choice((2, 3)) + rng.randint(0, 120))
        find.add(agencies.for_family(rng, "early_years", family), "early_years", start)
    if find.family_choice("housing", 0.02, ["housing"], [1]):
        find.recent("housing", 2 * 365, 0.2, family_wide=True)
    return find.found


def school_year_start(as_of: date) -> date:
    """1 September of the school year that ``as_of`` falls in."""
    return date(as_of.year if (as_of.month, as_of.day) >= (9, 1) else as_of.year - 1, 9, 1)


class LocalIds:
    """Each agency's own ids for children, unique within the agency, in its own format."""

    def __init__(self) -> None:
        self._used: dict[str, set[str]] = {}

    def new(self, rng: random.Random, involvement: Involvement) -> str:
        org, service = involvement.organisation, involvement.service
        used = self._used.setdefault(org.agency_id, set())
        for _ in range(5000):
            if service.id_prefix == "UPN-":
                local_id = "UPN-" + upn(org.code, involvement.started_on.year, rng.randint(1, 999))
            else:
                number = rng.randrange(10 ** (service.id_digits - 1), 10**service.id_digits)
                local_id = f"{service.id_prefix}{number}"
            if local_id not in used:
                used.add(local_id)
                return local_id
        raise RuntimeError(f"ran out of local ids for {org.agency_id}")  # pragma: no cover


def upn(school: int, entry_year: int, serial: int) -> str:
    """A unique pupil number: check letter, LA and school number, year of entry, serial."""
    digits = f"{school:07d}{entry_year % 100:02d}{serial:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(digits, range(2, 14), strict=True))
    return _UPN_LETTERS[total % 23] + digits
