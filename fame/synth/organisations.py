"""The region's agencies: how many of each type, their names and their accreditation."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .places import COUNTY, STREET_WORDS, TOWNS
from .services import SERVICES, SOCIAL_CARE, VOLUNTARY, Service, services

ORGANISATION_TYPES: dict[str, str] = {
    "school": "sch",
    "early_years": "eys",
    "gp_practice": "gp",
    "health_trust": "hlt",
    "social_care": "lasc",
    "police": "pol",
    "youth_offending": "yot",
    "youth_service": "yth",
    "voluntary": "vol",
    "other": "oth",
}
"""Organisation type codes and the prefix of their agency ids."""

_SAINTS = ("Aidan", "Bede", "Hilda", "Cuthbert", "Chad", "Oswald", "Wilfrid", "Margaret")
_ANIMALS = ("Acorns", "Owls", "Ducklings", "Squirrels", "Otters", "Foxes", "Robins", "Hedgehogs")
_CHARITIES: dict[str, tuple[str, ...]] = {
    "family_support": ("Open Door Family Trust", "Kindred Families", "Rainbow Lane Trust"),
    "young_carers": ("Young Carers Together", "Carers' Corner"),
    "parenting": ("Stepping Stones Parenting", "Brighter Steps"),
    "mentoring": ("Harbour Mentoring", "Bridgeway Mentors"),
    "domestic_abuse": ("Safe Steps Home", "Shelterwood Children's Service"),
    "bereavement": ("Still Waters Bereavement Care", "The Lantern Project"),
}


@dataclass(frozen=True, slots=True)
class Organisation:
    """An agency. ``services`` are what it knows children through; ``code`` numbers UPNs."""

    agency_id: str
    name: str
    type: str
    local_authority: str
    accreditation_status: str
    accreditation_date: date | None
    services: tuple[Service, ...]
    code: int = 0


@dataclass(frozen=True, slots=True)
class _Plan:
    type: str
    name: str
    local_authority: str
    services: tuple[Service, ...]
    code: int = 0


def _per(children: float, per: float) -> int:
    return max(1, round(children / per))


def _unique(name: str, taken: set[str], town: str) -> str:
    if name in taken:
        name = f"{name}, {town}"
    number = 2
    while name in taken:
        name, number = f"{name.rsplit(' (', 1)[0]} ({number})", number + 1
    taken.add(name)
    return name


def _school_plans(rng: random.Random, authority: str, count: int, la: int) -> list[_Plan]:
    primary, secondary = SERVICES["primary"], SERVICES["secondary"]
    towns = TOWNS[authority]
    la_code = (970 + la) * 10_000  # a made-up local authority number, then a school number
    plans = []
    if count == 1:
        name = f"{towns[0]} All-through Academy"
        return [_Plan("school", name, authority, (primary, secondary), la_code + 4000)]
    secondaries = max(1, round(count * 0.17))
    for i in range(count - secondaries):
        word, town, saint = rng.choice(STREET_WORDS), towns[i % len(towns)], rng.choice(_SAINTS)
        name = rng.choice(
            (f"{word} Lane Primary School", f"{word} Road Primary Academy",
             f"{town} Community Primary School", f"St {saint}'s C of E Primary School",
             f"{word} Park Infant and Junior School")
        )  # fmt: skip
        plans.append(_Plan("school", name, authority, (primary,), la_code + 2000 + i))
    for i in range(secondaries):
        town = towns[i % len(towns)]
        name = rng.choice(
            (f"{town} High School", f"{rng.choice(STREET_WORDS)} Academy", f"{town} School",
             f"St {rng.choice(_SAINTS)}'s Catholic High School")
        )  # fmt: skip
        plans.append(_Plan("school", name, authority, (secondary,), la_code + 4000 + i))
    return plans


def _plans(rng: random.Random, children: int, authorities: tuple[str, ...]) -> list[_Plan]:
    each = children / len(authorities)
    plans: list[_Plan] = []
    for la, authority in enumerate(authorities):
        plans += _school_plans(rng, authority, _per(each, 250), la)
        towns = TOWNS[authority]
        for i in range(_per(each, 500)):
            word, town = rng.choice(STREET_WORDS), towns[i % len(towns)]
            name = rng.choice(
                (f"{word} Day Nursery", f"Little {rng.choice(_ANIMALS)} Nursery",
                 f"{town} Pre-school", f"{word} Children's Centre Nursery")
            )  # fmt: skip
            plans.append(_Plan("early_years", name, authority, services("early_years")))
        for i in range(_per(each, 1500)):
            word, town = rng.choice(STREET_WORDS), towns[i % len(towns)]
            name = rng.choice(
                (f"{word} Surgery", f"{town} Medical Centre", f"{word} Lane Health Centre",
                 f"The {word} Practice")
            )  # fmt: skip
            plans.append(_Plan("gp_practice", name, authority, services("gp")))
    health = services(
        "health_visiting", "school_nursing", "camhs", "sexual_health", "substance_misuse"
    )
    for authority in authorities[:2]:
        name = f"{authority} Community Health NHS Trust"
        plans.append(_Plan("health_trust", name, authority, health))
    for authority in authorities:
        name = f"{authority} Council Children's Services"
        plans.append(_Plan("social_care", name, authority, SOCIAL_CARE))
    youth = services("youth_work", "advice")
    region_wide = (
        ("police", f"{COUNTY} Police", services("public_protection", "missing_children")),
        ("youth_offending", f"{COUNTY} Youth Justice Service", services("youth_offending")),
        ("youth_service", f"{COUNTY} Youth and Connexions Service", youth),
    )
    for kind, name, offered in region_wide:  # hosted by the first authority
        plans.append(_Plan(kind, name, authorities[0], offered))
    for i in range(min(40, max(3, round(children / 4000)))):
        service = VOLUNTARY[i % len(VOLUNTARY)]
        names = _CHARITIES[service.code]
        name = names[i // len(VOLUNTARY) % len(names)]
        plans.append(_Plan("voluntary", name, authorities[i % len(authorities)], (service,)))
    for authority in authorities:
        name = f"{authority} Council Housing Options"
        plans.append(_Plan("other", name, authority, services("housing")))
    return plans


def build_organisations(
    rng: random.Random, children: int, authorities: tuple[str, ...], as_of: date
) -> list[Organisation]:
    """Organisations scaled to the number of children, at least one of every type.

    The first organisation of each type is accredited (the demo logins need one);
    the last voluntary organisation is awaiting accreditation; the rest are mostly
    accredited, with a few pending, suspended or withdrawn.
    """
    organisations: list[Organisation] = []
    numbers = dict.fromkeys(ORGANISATION_TYPES, 0)
    taken: set[str] = set()
    plans = _plans(rng, children, authorities)
    last_voluntary = max(i for i, plan in enumerate(plans) if plan.type == "voluntary")
    for i, plan in enumerate(plans):
        numbers[plan.type] += 1
        if numbers[plan.type] == 1:
            status = "accredited"
        elif i == last_voluntary:
            status = "pending"
        else:
            status = rng.choices(
                ("accredited", "pending", "suspended", "withdrawn"), weights=(93, 4, 2, 1)
            )[0]
        accredited_on = None
        if status != "pending":
            accredited_on = as_of - timedelta(days=rng.randint(30, 900))
        organisations.append(
            Organisation(
                agency_id=f"{ORGANISATION_TYPES[plan.type]}-{numbers[plan.type]:03d}",
                name=_unique(plan.name, taken, TOWNS[plan.local_authority][0]),
                type=plan.type,
                local_authority=plan.local_authority,
                accreditation_status=status,
                accreditation_date=accredited_on,
                services=plan.services,
                code=plan.code,
            )
        )
    return organisations
