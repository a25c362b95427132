"""Made-up places: local authorities, towns, streets and postcodes that match the UK pattern.

Every postcode area starts with Q, which no real UK postcode does, so a synthetic
address can never be a real one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

COUNTY = "Wealdshire"
"""The made-up county the region's police force and region-wide services are named after."""

LOCAL_AUTHORITIES: tuple[str, ...] = (
    "Northmoor",
    "Eastbridge",
    "Westdale",
    "Southmere",
    "Kingsholt",
    "Ashcombe",
)
POSTCODE_AREAS = {"Northmoor": "QN", "Eastbridge": "QE", "Westdale": "QW", "Southmere": "QS"}
POSTCODE_AREAS |= {"Kingsholt": "QK", "Ashcombe": "QA"}

# The first town of each authority is its main town and has the most people.
TOWNS: dict[str, tuple[str, ...]] = {
    "Northmoor": ("Northmoor", "Kettlebrook", "Harrowfield", "Stainmoor", "Fernleigh Cross"),
    "Eastbridge": ("Eastbridge", "Wyvernsea", "Sallowfield", "Tenterby", "Kilnworth"),
    "Westdale": ("Westdale", "Brackenholt", "Rookham Vale", "Pennywick", "Gorsethwaite"),
    "Southmere": ("Southmere", "Larkhollow", "Copperdale", "Millbeck Moor", "Thistlebury"),
    "Kingsholt": ("Kingsholt", "Ravensholm", "Dunmere", "Oakhallow", "Wrenfield Magna"),
    "Ashcombe": ("Ashcombe", "Brindlecombe", "Greymere", "Hawkstone Vale", "Quarrendale"),
}
_TOWN_WEIGHTS = (8, 4, 3, 2, 2)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_DISTRICTS_PER_TOWN = (4, 2, 2, 1, 1)

STREET_WORDS = _words("""
    Acorn Alder Ash Aspen Badger Barley Beech Birch Bluebell Bramble Briar Brook Buttercup
    Canal Castle Cedar Chapel Cherry Chestnut Church Clover Coppice Cornfield Cowslip Dale Elm
    Fern Field Finch Forge Fox Furnace Garden Glebe Gorse Granary Hawthorn Hazel Heather Heron
    Highfield Holly Hollins Juniper Kestrel Kiln Lark Laurel Lime Linnet Maple Meadow Mill Moor
    Nightingale Oak Orchard Osprey Paddock Park Pinfold Poplar Primrose Quarry Rowan School
    Sedge Sorrel Spinney Spring Station Swallow Sycamore Tannery Teasel Thistle Thrush Valley
    Weaver Well Willow Windmill Wren Yew Falcon Foundry Ropewalk Saltings Cobble Lantern
""")
STREET_KINDS = _words("""
    Road Road Road Street Street Lane Lane Close Close Avenue Drive Way Crescent Grove Gardens
    Terrace Court Place Walk Rise View Mews Row
""")
LOCALITY_WORDS = ("Upper", "Lower", "North", "South", "Old", "New", "Little", "Great")
LOCALITY_ENDS = ("Park", "Estate", "Village", "Heights", "Fields", "Side", "End", "Bank")
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters real inward codes use


@dataclass(frozen=True, slots=True)
class Address:
    line_1: str
    line_2: str
    town: str
    postcode: str
    local_authority: str


@dataclass(slots=True)
class _Street:
    district: str
    sector: int
    locality: str
    postcodes: dict[int, str]


def districts(authority: str) -> dict[str, str]:
    """An authority's postcode districts ("QN1") and the town each is in."""
    area = POSTCODE_AREAS[authority]
    found: dict[str, str] = {}
    number = 1
    for town, count in zip(TOWNS[authority], _DISTRICTS_PER_TOWN, strict=True):
        for k in range(count):
            found[f"{area}{number + k}"] = town
        number += count
    return found


class AddressBook:
    """Hands out distinct made-up addresses, each street with consistent postcodes."""

    def __init__(self, local_authorities: tuple[str, ...], rng: random.Random) -> None:
        self._rng = rng
        self._used: set[tuple[str, str]] = set()
        self._streets: dict[tuple[str, str], _Street] = {}
        self._districts: dict[str, list[str]] = {}
        for authority in local_authorities:
            for district, town in districts(authority).items():
                self._districts.setdefault(town, []).append(district)

    def new_address(self, authority: str, rng: random.Random | None = None) -> Address:
        """A new address in ``authority``, drawn from ``rng`` if given (else the book's own)."""
        rng = rng or self._rng
        town = rng.choices(TOWNS[authority], weights=_TOWN_WEIGHTS)[0]
        while True:
            name = f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}"
            street = self._street(town, name, rng)
            number = rng.randint(1, 160)
            line_1 = f"{number} {name}"
            if rng.random() < 0.12:
                line_1 = f"Flat {rng.randint(1, 24)}, {line_1}"
            if (town, line_1) not in self._used:
                break
        self._used.add((town, line_1))
        postcode = street.postcodes.get(number // 40)
        if postcode is None:
            unit = "".join(rng.choice(_UNIT_LETTERS) for _ in range(2))
            postcode = f"{street.district} {street.sector}{unit}"
            street.postcodes[number // 40] = postcode
        return Address(line_1, street.locality, town, postcode, authority)

    def _street(self, town: str, name: str, rng: random.Random) -> _Street:
        street = self._streets.get((town, name))
        if street is None:
            locality = ""
            if rng.random() < 0.35:
                if rng.random() < 0.5:
                    locality = f"{rng.choice(LOCALITY_WORDS)} {town}"
                else:
                    locality = f"{town.split()[0]} {rng.choice(LOCALITY_ENDS)}"
            district = rng.choice(self._districts[town])
            street = _Street(district, rng.randint(0, 9), locality, {})
            self._streets[(town, name)] = street
        return street


def local_authorities_for(children: int) -> tuple[str, ...]:
    """Two authorities for most regions, one more for every further 75,000 children (up to 6)."""
    count = max(2, min(len(LOCAL_AUTHORITIES), -(-children // 75_000)))
    return LOCAL_AUTHORITIES[:count]
