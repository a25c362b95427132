"""What makes real agency data harder than the base error model: life events and slips.

The base error model (errors.py) gives each record its share of typos, swapped
dates and stale details. Real registers of children are messier in ways a
matcher finds hardest, and this module adds them (rates and reasons in
docs/adr/0038-messy-regions.md):

- nicknames the matcher's tables do not know (Jonty for Jonathan, Floss for
  Florence), and nicknames spelt by ear or mistyped (Millie as Milly or Mlilie);
- families who moved in the last two years, the records begun after the move
  holding the new address and, often, a date of birth a day or ten days out;
- one digit of the year of birth wrong (2015 as 2016);
- family names changed, often to a double-barrelled name, with and without
  the previous name noted, and double-barrelled names written without the hyphen;
- twins each given the other's name as a middle name (Sophie Ivy and Ivy Sophie).

Everything here is drawn from its own random streams, after the region's
children, families, involvements and base errors are made, so those draws are
the same as before; a record no event or slip touches is the same record.
Life events change the truth (a family's address, a child's family name or
middle names) as it stands on the reference date; which child each record is
about never changes.
"""

from __future__ import annotations

import random
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, timedelta

from fame.records import AgencyRecord

from .errors import (
    CAPITALS_FOR_FAMILY_NAMES,
    LINE_2_MISSING,
    NOT_UPDATED,
    ONE_PART_OF_DOUBLE_BARREL,
    POSTCODE_MISSING,
    POSTCODE_UNTIDY,
    typo,
)
from .involvements import Involvement
from .names import NICKNAMES, SURNAMES
from .people import Child, Family
from .places import Address, AddressBook

# Life events (of children or families, once each; every agency's copy follows them).
KNOWN_BY_UNLISTED_NICKNAME = 0.2  # of children whose name has a diminutive in UNLISTED_NICKNAMES
MOVED_RECENTLY = 0.20  # of families that had not moved: moved in the last two years
MOVED_OUT_OF_AUTHORITY = 0.2  # of those moves: from another local authority
NAME_CHANGED_RECENTLY = 0.03  # of children whose name had not changed (twins change together)
CHANGED_TO_DOUBLE_BARREL = 0.5  # of those changes: the old name joined to a new one
TWINS_NAMED_FOR_EACH_OTHER = 0.15  # of twin pairs: one's middle name is the other's given name
BOTH_TWINS_NAMED_FOR_EACH_OTHER = 0.5  # of those pairs: each twin carries the other's name

# Slips, per record.
UNLISTED_NICKNAME_USED = 0.5  # of records of a child known by an unlisted nickname
NICKNAME_MISSPELT = 0.15  # of records giving a nickname instead of the child's name
DIMINUTIVE_MISSPELT = 0.04  # of records of a child whose own name is a diminutive (Millie)
SPELT_BY_EAR = 0.5  # of those misspellings: Milly for Millie rather than a typing slip
DATE_OF_BIRTH_A_DAY_OUT = 0.2  # of records begun after the family's move
DATE_OF_BIRTH_TEN_DAYS_OUT = 0.05  # of records begun after the family's move
YEAR_DIGIT_WRONG = 0.008  # of all records with a date of birth
PREVIOUS_NAME_NOTED_AFTER_CHANGE = 0.4  # of records giving the new name
DOUBLE_BARREL_UNHYPHENATED = 0.15  # of records giving a double-barrelled name

UNLISTED_NICKNAMES: dict[str, tuple[str, ...]] = {
    "Alexander": ("Ali", "Zander", "Sacha"),
    "Alexandra": ("Lexie", "Ali"),
    "Amelia": ("Mimi", "Mils"),
    "Annabelle": ("Bel",),
    "Arthur": ("Artie",),
    "Catherine": ("Kitty",),
    "Charlotte": ("Lotte",),
    "Christopher": ("Topher",),
    "Eleanor": ("Elle", "Lainey"),
    "Emily": ("Emmie",),
    "Esme": ("Essie",),
    "Felicity": ("Fliss",),
    "Florence": ("Floss", "Flossie"),
    "Gabriella": ("Gabi",),
    "Georgina": ("Gigi",),
    "Harriet": ("Harri",),
    "Harrison": ("Haz",),
    "Imogen": ("Immy",),
    "Isabella": ("Bel",),
    "Jacob": ("Jakey",),
    "Jonathan": ("Jonty",),
    "Josephine": ("Jojo", "Posy"),
    "Joshua": ("Joshy",),
    "Katherine": ("Kitty", "Kath"),
    "Laurence": ("Laurie",),
    "Lydia": ("Liddy",),
    "Madeleine": ("Maddy",),
    "Margaret": ("Mags", "Greta"),
    "Matilda": ("Mattie",),
    "Maximilian": ("Maxi",),
    "Mohammed": ("Moe",),
    "Muhammad": ("Moe",),
    "Natalia": ("Talia",),
    "Natasha": ("Tash",),
    "Oscar": ("Ozzy", "Ossie"),
    "Penelope": ("Pen", "Poppy"),
    "Rebecca": ("Bex",),
    "Rupert": ("Roo",),
    "Sebastian": ("Bas",),
    "Sophia": ("Sophy",),
    "Theodore": ("Teddie",),
    "Thomas": ("Tam",),
    "Tobias": ("Tobi",),
    "Victoria": ("Tor",),
    "William": ("Wills", "Wilf"),
    "Xavier": ("Xav",),
}
"""British diminutives that neither the matcher's own table nor the `nicknames` package knows,
so that a record using one is a nickname the matcher has never seen (tests/synth check this)."""

DIMINUTIVES = frozenset(
    nickname
    for table in (NICKNAMES, UNLISTED_NICKNAMES)
    for nicknames in table.values()
    for nickname in nicknames
)
"""Every nickname either table gives: a child registered as Millie or Alfie bears one."""

_BY_EAR = (("ie", ("y", "ey", "i")), ("ey", ("ie", "y")), ("y", ("ie", "ey")), ("i", ("ie", "y")))


@dataclass(slots=True)
class _Move:
    old: Address
    new: Address
    on: date


@dataclass(slots=True)
class _NameChange:
    old: str
    new: str
    on: date


@dataclass(slots=True)
class LifeEvents:
    """The region's life events, decided once per family and child before any record is copied."""

    moves: dict[str, _Move]  # family key -> its recent move
    name_changes: dict[str, _NameChange]  # child key -> the change
    known_as: dict[str, str]  # child key -> the unlisted nickname they go by

    def settle(self, families: list[Family]) -> None:
        """Write the events into the truth: addresses and family names as on the reference date."""
        for family in families:
            move = self.moves.get(family.key)
            if move is not None:
                family.previous_address, family.address, family.moved_on = (
                    move.old,
                    move.new,
                    move.on,
                )
            for child in family.children:
                change = self.name_changes.get(child.key)
                if change is not None:
                    child.previous_family_name = change.old
                    child.family_name = change.new
                    child.family_name_changed_on = change.on


def _days_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def life_events(
    rng: random.Random,
    families: list[Family],
    book: AddressBook,
    authorities: tuple[str, ...],
    as_of: date,
) -> LifeEvents:
    """Draw the region's life events; twins' names are settled here, the rest by ``settle``.

    Middle names are part of the truth from birth, so twins named for each other
    are changed at once; moves and changes of name are kept aside until every
    record is copied, because records begun before them show the old details.
    """
    events = LifeEvents({}, {}, {})
    for family in families:
        if family.previous_address is None and rng.random() < MOVED_RECENTLY:
            came_from = (
                rng.choice(authorities)
                if rng.random() < MOVED_OUT_OF_AUTHORITY
                else family.local_authority
            )
            # The family's address on the reference date is new; the one agencies knew is older.
            old = family.address
            new = book.new_address(family.local_authority, rng)
            if came_from != family.local_authority:
                old = book.new_address(came_from, rng)
                new = family.address
            on = as_of - timedelta(days=rng.randint(30, 2 * 365))
            events.moves[family.key] = _Move(old, new, on)
        for child in family.children:
            _child_events(rng, child, family, events, as_of)
    return events


def _child_events(
    rng: random.Random, child: Child, family: Family, events: LifeEvents, as_of: date
) -> None:
    twin = next((other for other in family.children if other.key == child.twin_of), None)
    if twin is not None:
        if twin.key in events.name_changes:
            events.name_changes[child.key] = events.name_changes[twin.key]
        if (
            not child.known_by_middle_name
            and not twin.known_by_middle_name
            and rng.random() < TWINS_NAMED_FOR_EACH_OTHER
        ):
            twin.middle_names = (child.given_name, *twin.middle_names[1:])
            if rng.random() < BOTH_TWINS_NAMED_FOR_EACH_OTHER:
                child.middle_names = (twin.given_name, *child.middle_names[1:])
    else:
        lived = (as_of - child.date_of_birth).days
        if not child.previous_family_name and lived > 90 and rng.random() < NAME_CHANGED_RECENTLY:
            old = child.family_name
            other = SURNAMES.draw_other_than(rng, old.split("-"))
            if "-" not in old and rng.random() < CHANGED_TO_DOUBLE_BARREL:
                new = f"{old}-{other}" if rng.random() < 0.5 else f"{other}-{old}"
            else:
                new = other
            on = child.date_of_birth + timedelta(days=rng.randint(60, lived - 30))
            events.name_changes[child.key] = _NameChange(old, new, on)
    unlisted = UNLISTED_NICKNAMES.get(child.given_name)
    if unlisted and not child.known_by_middle_name and rng.random() < KNOWN_BY_UNLISTED_NICKNAME:
        events.known_as[child.key] = rng.choice(unlisted)


def spelt_by_ear(rng: random.Random, name: str) -> str:
    """The name as someone might write it from hearing it: Milly or Milli for Millie."""
    for ending, others in _BY_EAR:
        if name.lower().endswith(ending) and len(name) > len(ending) + 1:
            written = name[: -len(ending)] + rng.choice(others)
            return written.upper() if name.isupper() else written
    return typo(rng, name)


def _misspelt(rng: random.Random, name: str) -> str:
    return spelt_by_ear(rng, name) if rng.random() < SPELT_BY_EAR else typo(rng, name)


def _another_day(day: date, days: int, as_of: date) -> date:
    """``days`` either side of ``day``, the later one if it is not after ``as_of``."""
    later, earlier = day + timedelta(days=days), day - timedelta(days=days)
    return later if later <= as_of else earlier


def ten_days_out(rng: random.Random, day: date, as_of: date) -> date:
    """The tens digit of the day one out (13 for 23, 21 for 11), in the same month if possible."""
    up = day.day + 10 <= monthrange(day.year, day.month)[1]
    down = day.day > 10
    if up and down:
        up = rng.random() < 0.5
    if up and day + timedelta(days=10) <= as_of:
        return day + timedelta(days=10)
    if down:
        return day - timedelta(days=10)
    return _another_day(day, 10, as_of)


def year_digit_wrong(rng: random.Random, day: date, as_of: date) -> date:
    """The date with the last digit of its year wrong, mostly by one (2016 for 2015)."""
    for _ in range(10):
        digit = day.year % 10
        if rng.random() < 0.7:
            wrong = digit + rng.choice((-1, 1))
        else:
            wrong = rng.choice([other for other in range(10) if other != digit])
        if not 0 <= wrong <= 9:
            continue
        try:
            slipped = day.replace(year=day.year - digit + wrong)
        except ValueError:  # 29 February in a year without one
            continue
        if slipped <= as_of:
            return slipped
    return day


def _with_address(rng: random.Random, record: AgencyRecord, address: Address) -> AgencyRecord:
    postcode = address.postcode
    if rng.random() < POSTCODE_MISSING:
        postcode = ""
    elif rng.random() < POSTCODE_UNTIDY:
        postcode = postcode.lower() if rng.random() < 0.5 else postcode.replace(" ", "")
    return replace(
        record,
        address_line_1=address.line_1,
        address_line_2="" if rng.random() < LINE_2_MISSING else address.line_2,
        town=address.town,
        postcode=postcode,
    )


def _new_family_name(
    rng: random.Random, record: AgencyRecord, change: _NameChange, agency_type: str
) -> AgencyRecord:
    name = change.new
    if "-" in name and rng.random() < ONE_PART_OF_DOUBLE_BARREL:
        first, _, second = name.partition("-")
        name = second if rng.random() < 0.75 else first
    if agency_type in CAPITALS_FOR_FAMILY_NAMES:
        name = name.upper()
    noted = rng.random() < PREVIOUS_NAME_NOTED_AFTER_CHANGE and name != change.old
    return replace(record, family_name=name, previous_family_names=(change.old,) if noted else ())


def roughen(
    rng: random.Random,
    record: AgencyRecord,
    child: Child,
    involvement: Involvement,
    events: LifeEvents,
    as_of: date,
) -> AgencyRecord:
    """The record with this region's life events and this record's share of further slips."""
    started = involvement.started_on
    chance = rng.random

    given = record.given_name
    known_as = events.known_as.get(child.key)
    if known_as and given == child.given_name and chance() < UNLISTED_NICKNAME_USED:
        given = known_as
    if given != child.given_name and given in DIMINUTIVES:
        if chance() < NICKNAME_MISSPELT:
            given = _misspelt(rng, given)
    elif given == child.given_name and given in DIMINUTIVES and chance() < DIMINUTIVE_MISSPELT:
        given = _misspelt(rng, given)
    if given != record.given_name:
        record = replace(record, given_name=given)

    change = events.name_changes.get(child.key)
    if change is not None and not (started < change.on and chance() < NOT_UPDATED):
        record = _new_family_name(rng, record, change, involvement.organisation.type)
    if "-" in record.family_name and chance() < DOUBLE_BARREL_UNHYPHENATED:
        record = replace(record, family_name=record.family_name.replace("-", " "))

    move = events.moves.get(child.family.key)
    if move is not None:
        held = move.old if started < move.on and chance() < NOT_UPDATED else move.new
        if held != child.family.address:  # the base model wrote the family's address
            record = _with_address(rng, record, held)
    moved_on = move.on if move is not None else child.family.moved_on
    birth = record.date_of_birth
    if birth is not None:
        if moved_on is not None and started >= moved_on:
            # A record begun after a move was keyed afresh, from a form or a phone call.
            if chance() < DATE_OF_BIRTH_A_DAY_OUT:
                birth = (
                    _another_day(birth, 1, as_of) if chance() < 0.5 else birth - timedelta(days=1)
                )
            elif chance() < DATE_OF_BIRTH_TEN_DAYS_OUT:
                birth = ten_days_out(rng, birth, as_of)
        if chance() < YEAR_DIGIT_WRONG:
            birth = year_digit_wrong(rng, birth, as_of)
        if birth != record.date_of_birth:
            record = replace(record, date_of_birth=birth)
    return record
