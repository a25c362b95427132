"""The true children of the region: families at addresses, brothers and sisters, twins.

What is made here is the truth; each agency's copy (with its errors) comes later.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from fame.records import Sex

from .names import GIVEN_NAMES, SURNAMES
from .places import Address, AddressBook

BIRTHS = (1, 2, 3, 4, 5, 6)  # births to a family over the years, some now grown up
BIRTHS_WEIGHTS = (26, 40, 20, 9, 4, 1)
EARLIEST_FIRST_BIRTH_YEARS = 20  # before the oldest child in the region was born
TWIN_BIRTHS = 0.015  # of births: about 3% of children are twins
DOUBLE_BARRELLED = 0.04  # of families
HALF_SIBLING_SURNAME = 0.06  # of younger brothers and sisters: a different family name
SURNAME_CHANGED = 0.03  # of children: a new family name since birth
MOVED_HOUSE = 0.08  # of families: moved within the last five years
KNOWN_BY_MIDDLE_NAME = 0.03  # of children with a middle name
MIDDLE_NAME_COUNTS = ((0, 1, 2), (20, 70, 10))


@dataclass(slots=True)
class Family:
    """A household: its address (and the one before, if it moved) and its children."""

    key: str
    local_authority: str
    address: Address
    previous_address: Address | None
    moved_on: date | None
    children: list[Child] = field(default_factory=list)
    # What brothers and sisters share: service code -> agency id, "wants:<need>" -> service code.
    agencies: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Child:
    """A child as they really are."""

    key: str
    given_name: str
    middle_names: tuple[str, ...]
    family_name: str
    previous_family_name: str
    family_name_changed_on: date | None
    sex: Sex
    date_of_birth: date
    family: Family
    known_by_middle_name: bool
    twin_of: str


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for a 29 February that did not exist)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _birth_days(
    rng: random.Random, births: int, first: date, last: date
) -> list[tuple[date, bool]]:
    """Birthdays of a family's children aged 0 to 17, oldest first; True marks a second twin.

    The family's first birth falls anywhere from well before the window to its end;
    births outside the window (grown up, or not born yet) are dropped. That keeps
    ages evenly spread, as in a real population, with no dip at either end.
    """
    day = first - timedelta(days=EARLIEST_FIRST_BIRTH_YEARS * 365)
    day += timedelta(days=rng.randint(0, (last - day).days))
    days: list[tuple[date, bool]] = []
    for _ in range(births):
        twins = rng.random() < TWIN_BIRTHS
        if first <= day <= last:
            days.append((day, False))
            if twins:
                days.append((day, True))
        day += timedelta(days=rng.randint(330, 6 * 365))
    return days


def _middle_names(rng: random.Random, sex: str, given: str) -> tuple[str, ...]:
    count = rng.choices(*MIDDLE_NAME_COUNTS)[0]
    names: list[str] = []
    for _ in range(count):
        names.append(GIVEN_NAMES[sex].draw_other_than(rng, [given, *names]))
    return tuple(names)


def make_families(
    rng: random.Random,
    children: int,
    authorities: tuple[str, ...],
    as_of: date,
    progress: Callable[[int], None] | None = None,
    book: AddressBook | None = None,
) -> list[Family]:
    """Families until there are exactly ``children`` children, all aged 0 to 17 on ``as_of``.

    ``progress`` (if given) is called with the number of children just made. Addresses
    come from ``book`` if given (so that later moves go to addresses not yet taken).
    """
    book = book or AddressBook(authorities, rng)
    first_birthday = years_before(as_of, 18) + timedelta(days=1)
    width = max(6, len(str(children)))
    families: list[Family] = []
    made = 0
    while made < children:
        births = _birth_days(rng, rng.choices(BIRTHS, BIRTHS_WEIGHTS)[0], first_birthday, as_of)
        births = births[: children - made]
        if not births:
            continue  # every child grown up, or not yet born
        authority = rng.choice(authorities)
        key = f"f{len(families) + 1:0{width}d}"
        family = Family(key, authority, book.new_address(authority), None, None)
        if rng.random() < MOVED_HOUSE:
            before = authority if rng.random() < 0.8 else rng.choice(authorities)
            family.previous_address = book.new_address(before)
            family.moved_on = as_of - timedelta(days=rng.randint(30, 5 * 365))
        surname = SURNAMES.draw(rng)
        if rng.random() < DOUBLE_BARRELLED:
            surname = f"{SURNAMES.draw_other_than(rng, [surname])}-{surname}"
        for birthday, second_twin in births:
            made += 1
            family.children.append(
                _child(rng, f"c{made:0{width}d}", family, surname, birthday, second_twin, as_of)
            )
        families.append(family)
        if progress is not None:
            progress(len(births))
    return families


def _child(
    rng: random.Random,
    key: str,
    family: Family,
    surname: str,
    birthday: date,
    second_twin: bool,
    as_of: date,
) -> Child:
    siblings = family.children
    twin = siblings[-1] if second_twin else None
    sex: Sex = "F" if rng.random() < 0.49 else "M"
    if twin is not None and rng.random() < 0.55:
        sex = twin.sex
    names = GIVEN_NAMES[sex]
    taken = [sibling.given_name for sibling in siblings]
    if twin is not None and rng.random() < 0.4:
        given = names.draw_same_initial(rng, twin.given_name[0], taken)
    else:
        given = names.draw_other_than(rng, taken)
    middle = _middle_names(rng, sex, given)
    family_name = surname
    if siblings and twin is None and rng.random() < HALF_SIBLING_SURNAME:
        family_name = SURNAMES.draw_other_than(rng, [surname])
    elif twin is not None:
        family_name = twin.family_name
    previous, changed_on = "", None
    lived = (as_of - birthday).days
    if twin is None and lived > 90 and rng.random() < SURNAME_CHANGED:
        previous, family_name = family_name, SURNAMES.draw_other_than(rng, [family_name])
        changed_on = birthday + timedelta(days=rng.randint(60, lived - 30))
    elif twin is not None:
        previous, changed_on = twin.previous_family_name, twin.family_name_changed_on
    return Child(
        key=key,
        given_name=given,
        middle_names=middle,
        family_name=family_name,
        previous_family_name=previous,
        family_name_changed_on=changed_on,
        sex=sex,
        date_of_birth=birthday,
        family=family,
        known_by_middle_name=bool(middle) and rng.random() < KNOWN_BY_MIDDLE_NAME,
        twin_of=twin.key if twin is not None else "",
    )
