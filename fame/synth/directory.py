"""The region's service directory and where its postcodes are, made up from the seed.

``fame synth`` writes ``directory/directory.json`` (an Open Referral UK feed of the services
families in the region can use: early help, parenting, speech and language, mental health,
youth, SEND, domestic abuse, housing, money, ...) and ``directory/postcodes.csv`` (every
postcode of the region, the families' and the venues', with a latitude and longitude), so
that the demo can search by need and distance with no postcode service to ask.

The places are made up: each authority has a centre, each town a place near it, each postcode
district a spot near its town and each postcode a spot near its district, all from the seed.
"""

from __future__ import annotations

import random
import tomllib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .organisations import Organisation
from .places import COUNTY, TOWNS, AddressBook, districts

# Where each authority's centre is (latitude, longitude): a made-up county in the Midlands.
_CENTRES = {
    "Northmoor": (52.85, -1.90),
    "Eastbridge": (52.60, -1.50),
    "Westdale": (52.60, -2.30),
    "Southmere": (52.35, -1.90),
    "Kingsholt": (52.85, -1.40),
    "Ashcombe": (52.35, -2.30),
}
NEEDS_TAXONOMY = "FAME needs"
ROUTES_TAXONOMY = "FAME referral routes"

_CATALOGUE = tomllib.loads((Path(__file__).parent / "directory.toml").read_text(encoding="utf-8"))
# term key: (name, description)
NEEDS: dict[str, tuple[str, str]] = {
    key: (term["name"], term["description"]) for key, term in _CATALOGUE["needs"].items()
}
ROUTES: dict[str, tuple[str, str]] = {
    key: (term["name"], term["description"]) for key, term in _CATALOGUE["routes"].items()
}


@dataclass(frozen=True)
class _Kind:
    name: str
    needs: tuple[str, ...]
    what: str
    ages: tuple[int, int]
    provider: str  # an organisation type of the region, or "charity"
    route: str
    day: str
    hours: tuple[str, str]
    cost: str  # "" for free
    copies: int  # how many towns run one


_KINDS = tuple(
    _Kind(
        **{
            **kind,
            "needs": tuple(kind["needs"]),
            "ages": tuple(kind["ages"]),
            "hours": tuple(kind["hours"]),
        }
    )
    for kind in _CATALOGUE["kinds"]
)
_CHARITY_NAMES = (
    "Open Door Family Trust",
    "Kindred Families",
    "Stepping Stones Parenting",
    "Safe Steps Home",
    "Still Waters Bereavement Care",
    "Young Carers Together",
    f"{COUNTY} Money Advice",
    f"{COUNTY} Youth Counselling",
)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fame-synth-directory/" + "/".join(parts)))


class Places:
    """Where the region's towns, postcode districts and postcodes are."""

    def __init__(self, authorities: tuple[str, ...], seed: int) -> None:
        self._seed = seed
        self._towns: dict[str, tuple[float, float]] = {}
        self._districts: dict[str, tuple[float, float]] = {}
        for authority in authorities:
            lat, lon = _CENTRES[authority]
            rng = random.Random(f"fame synth/{seed}/places/{authority}")
            for index, town in enumerate(TOWNS[authority]):
                spread = 0.0 if index == 0 else 0.12
                self._towns[town] = (
                    lat + rng.uniform(-spread, spread),
                    lon + rng.uniform(-spread, spread) * 1.6,
                )
            for district, town in districts(authority).items():
                t_lat, t_lon = self._towns[town]
                self._districts[district] = (
                    t_lat + rng.uniform(-0.012, 0.012),
                    t_lon + rng.uniform(-0.02, 0.02),
                )

    def postcode(self, code: str) -> tuple[float, float]:
        """Where a postcode of the region is: near its district, the same for every run."""
        lat, lon = self._districts[code.split()[0]]
        rng = random.Random(f"fame synth/{self._seed}/postcode/{code}")
        return round(lat + rng.uniform(-0.006, 0.006), 6), round(lon + rng.uniform(-0.01, 0.01), 6)


def _term(key: str, names: dict[str, tuple[str, str]], taxonomy: str) -> dict[str, Any]:
    name, description = names[key]
    return {
        "id": _stable_uuid("term", taxonomy, key),
        "name": name,
        "description": description,
        "term": key,
        "taxonomy": taxonomy,
        "taxonomy_id": _stable_uuid("taxonomy", taxonomy),
    }


def _organisation(org: Organisation | None, charity: str) -> dict[str, Any]:
    if org is None:
        return {
            "id": _stable_uuid("charity", charity),
            "name": charity,
            "description": f"{charity}, a registered charity working across {COUNTY}.",
        }
    return {
        "id": _stable_uuid("organisation", org.agency_id),
        "name": org.name,
        "description": f"{org.name} ({org.local_authority}).",
    }


def directory_feed(
    authorities: tuple[str, ...],
    organisations: list[Organisation],
    places: Places,
    seed: int,
    as_of: date,
) -> tuple[dict[str, Any], set[str]]:
    """The region's directory as a feed, and the postcodes of its venues."""
    rng = random.Random(f"fame synth/{seed}/directory")
    book = AddressBook(authorities, rng)
    by_type: dict[tuple[str, str], list[Organisation]] = {}
    for org in organisations:
        by_type.setdefault((org.type, org.local_authority), []).append(org)
    services: list[dict[str, Any]] = []
    postcodes: set[str] = set()
    for kind in _KINDS:
        for copy in range(kind.copies):
            authority = authorities[copy % len(authorities)]
            address = book.new_address(authority)
            postcodes.add(address.postcode)
            lat, lon = places.postcode(address.postcode)
            providers = by_type.get((kind.provider, authority), [])
            provider = rng.choice(providers) if providers else None
            provided_by = _organisation(provider, rng.choice(_CHARITY_NAMES))
            # Most entries were checked in the last six months; some are overdue for review.
            checked = as_of - timedelta(days=rng.choice((20, 45, 90, 120, 160, 200, 260, 400)))
            ident = _uuid(rng)
            phone = f"01632 96{rng.randint(0, 9999):04d}"
            service: dict[str, Any] = {
                "id": ident,
                "name": f"{kind.name}, {address.town}",
                "description": kind.what,
                "email": f"{_word(kind.name)}.{_word(address.town)}@example.org",
                "status": "active",
                "minimum_age": kind.ages[0],
                "maximum_age": kind.ages[1],
                "assured_date": checked.isoformat(),
                "fees": "Free" if not kind.cost else f"£{kind.cost} a session",
                "organization": provided_by,
                "schedules": [
                    {
                        "id": _uuid(rng),
                        "freq": "WEEKLY",
                        "byday": kind.day,
                        "opens_at": f"{kind.hours[0]}:00",
                        "closes_at": f"{kind.hours[1]}:00",
                        "description": f"{_days(kind.day)}, {kind.hours[0]} to {kind.hours[1]}",
                    }
                ],
                "service_areas": [
                    {"id": _uuid(rng), "name": f"{authority} and the surrounding area"}
                ],
                "service_at_locations": [
                    {
                        "id": _uuid(rng),
                        "location": {
                            "id": _uuid(rng),
                            "location_type": "physical",
                            "name": f"{address.town} {_venue(rng)}",
                            "latitude": lat,
                            "longitude": lon,
                            "addresses": [
                                {
                                    "id": _uuid(rng),
                                    "address_1": address.line_1,
                                    "city": address.town,
                                    "state_province": COUNTY,
                                    "postal_code": address.postcode,
                                    "country": "GB",
                                    "address_type": "physical",
                                }
                            ],
                        },
                    }
                ],
                "cost_options": [
                    {
                        "id": _uuid(rng),
                        "option": "Per session" if kind.cost else "Free",
                        "amount": float(kind.cost) if kind.cost else 0,
                        "amount_description": "a session" if kind.cost else "no charge",
                    }
                ],
                "contacts": [
                    {
                        "id": _uuid(rng),
                        "name": "Duty worker",
                        "title": "Referrals and enquiries",
                        "phones": [{"id": _uuid(rng), "number": phone}],
                    }
                ],
                "attributes": [
                    {
                        "id": _uuid(rng),
                        "link_type": "need",
                        "taxonomy_term": _term(need, NEEDS, NEEDS_TAXONOMY),
                    }
                    for need in kind.needs
                ]
                + [
                    {
                        "id": _uuid(rng),
                        "link_type": "referral_route",
                        "taxonomy_term": _term(kind.route, ROUTES, ROUTES_TAXONOMY),
                    }
                ],
            }
            services.append(service)
    taxonomies = [
        {
            "id": _stable_uuid("taxonomy", NEEDS_TAXONOMY),
            "name": NEEDS_TAXONOMY,
            "description": "What a family or child needs help with",
            "version": "1",
        },
        {
            "id": _stable_uuid("taxonomy", ROUTES_TAXONOMY),
            "name": ROUTES_TAXONOMY,
            "description": "How a family reaches the service",
            "version": "1",
        },
    ]
    return {"contents": services, "taxonomies": taxonomies}, postcodes


_DAY_NAMES = {
    "MO": "Mondays",
    "TU": "Tuesdays",
    "WE": "Wednesdays",
    "TH": "Thursdays",
    "FR": "Fridays",
    "SA": "Saturdays",
    "SU": "Sundays",
}


def _days(byday: str) -> str:
    codes = byday.split(",")
    if codes == ["MO", "TU", "WE", "TH", "FR"]:
        return "Monday to Friday"
    names = [_DAY_NAMES[code] for code in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _venue(rng: random.Random) -> str:
    return rng.choice(
        ("Family Hub", "Community Centre", "Children's Centre", "Youth Centre", "Health Centre")
    )


def _word(text: str) -> str:
    return "".join(ch for ch in text.split()[0].lower() if ch.isalpha())
