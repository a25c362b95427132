"""How an agency's copy of a child differs from the truth: the error model.

Each agency record is made from the true child independently, so two agencies'
copies of one child differ in the ways real registers do. The rates are per
record (see docs/adr/0004-synthetic-region.md); most records come out clean.
"""

from __future__ import annotations

import random
from datetime import date

from fame.records import AgencyRecord

from .involvements import Involvement
from .names import NICKNAMES
from .people import Child

TYPO_GIVEN = 0.02
TYPO_FAMILY = 0.02
NICKNAME = 0.05  # of records of a child whose name has nicknames
MIDDLE_AS_GIVEN = 0.6  # of records of a child known by their middle name
DAY_MONTH_SWAP = 0.015  # of records whose day is 12 or less (and not equal to the month)
DATE_DIGIT_SLIP = 0.015
NOT_UPDATED = 0.5  # of records begun before a move or a change of name: still the old one
PREVIOUS_NAME_NOTED = 0.8  # of records begun after a change of name: the old name kept too
ONE_PART_OF_DOUBLE_BARREL = 0.25
MIDDLE_NAMES_MISSING = 0.15
LINE_2_MISSING = 0.2
POSTCODE_MISSING = 0.02
POSTCODE_UNTIDY = 0.03
SEX_UNKNOWN = 0.01
CASE_OR_SPACE_NOISE = 0.03
CAPITALS_FOR_FAMILY_NAMES = ("police", "youth_offending")  # agencies whose systems shout

_NEIGHBOURS = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
    "i": "uok", "o": "ipl", "p": "ol", "a": "qsz", "s": "awdz", "d": "sefx", "f": "drgc",
    "g": "fthv", "h": "gyjb", "j": "hukn", "k": "jilm", "l": "kop", "z": "asx", "x": "zsdc",
    "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}  # fmt: skip
"""Keys next to each key on a UK QWERTY keyboard: the slips a typist makes."""


def _same_case(new: str, old: str) -> str:
    return new.upper() if old.isupper() else new


def typo(rng: random.Random, name: str) -> str:
    """One slip of the keyboard: a transposition, deletion, substitution or extra letter.

    The first letter is left alone (people rarely mistype it); names under three
    letters are left alone.
    """
    spots = [i for i in range(1, len(name)) if name[i].isalpha()]
    if len(spots) < 2:
        return name
    i = rng.choice(spots)
    kind = rng.random()
    if kind < 0.3 and i + 1 < len(name) and name[i + 1].isalpha() and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind < 0.55:
        return name[:i] + name[i + 1 :]
    near = _NEIGHBOURS.get(name[i].lower())
    slip = _same_case(rng.choice(near), name[i]) if near else name[i]
    if kind < 0.8:
        return name[:i] + slip + name[i + 1 :]
    return name[: i + 1] + (name[i] if rng.random() < 0.5 else slip) + name[i + 1 :]


def swap_day_and_month(day: date) -> date:
    """The date with day and month read the other way round (the same if that is impossible)."""
    if day.day > 12 or day.day == day.month:
        return day
    return day.replace(month=day.day, day=day.month)


def digit_slip(rng: random.Random, day: date, latest: date) -> date:
    """The date with one digit of its day, month or year wrong (still a real date)."""
    for _ in range(20):
        part = rng.choices(("day", "month", "year"), (50, 15, 35))[0]
        year, month, dom = day.year, day.month, day.day
        if part == "year":
            year = (
                year + rng.choice((-1, 1))
                if rng.random() < 0.6
                else year // 10 * 10 + rng.randrange(10)
            )
        else:
            text = list(f"{dom if part == 'day' else month:02d}")
            text[rng.randrange(2)] = str(rng.randrange(10))
            value = int("".join(text))
            month, dom = (month, value) if part == "day" else (value, dom)
        try:
            slipped = date(year, month, dom)
        except ValueError:
            continue
        if slipped != day and slipped <= latest:
            return slipped
    return day


def _untidy(rng: random.Random, text: str) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return text.upper()
    if kind == 1:
        return text.lower()
    if kind == 2:
        return f" {text}"
    if kind == 3:
        return f"{text} "
    return text.replace(" ", "  ") if " " in text else f"{text}  "


def agency_copy(
    rng: random.Random,
    child: Child,
    involvement: Involvement,
    local_id: str,
    practitioner_email: str,
    as_of: date,
) -> AgencyRecord:
    """The child as this agency holds them, with this record's share of errors."""
    org, service, started = involvement.organisation, involvement.service, involvement.started_on
    chance = rng.random

    given, middle = child.given_name, child.middle_names
    if child.known_by_middle_name and chance() < MIDDLE_AS_GIVEN:
        given, middle = middle[0], ()
    elif given in NICKNAMES and chance() < NICKNAME:
        given = rng.choice(NICKNAMES[given])
    if chance() < TYPO_GIVEN:
        given = typo(rng, given)
    if chance() < MIDDLE_NAMES_MISSING:
        middle = ()

    family_name = child.family_name
    previous: tuple[str, ...] = ()
    if child.previous_family_name:
        changed_on = child.family_name_changed_on
        if changed_on is not None and started < changed_on and chance() < NOT_UPDATED:
            family_name = child.previous_family_name
        elif chance() < PREVIOUS_NAME_NOTED:
            previous = (child.previous_family_name,)
    if "-" in family_name and chance() < ONE_PART_OF_DOUBLE_BARREL:
        first, _, second = family_name.partition("-")
        family_name = second if chance() < 0.75 else first
    if chance() < TYPO_FAMILY:
        family_name = typo(rng, family_name)
    if org.type in CAPITALS_FOR_FAMILY_NAMES:
        family_name = family_name.upper()
    if chance() < CASE_OR_SPACE_NOISE:
        if chance() < 0.5:
            given = _untidy(rng, given)
        else:
            family_name = _untidy(rng, family_name)

    birth = child.date_of_birth
    if birth.day <= 12 and chance() < DAY_MONTH_SWAP:
        birth = swap_day_and_month(birth)
    elif chance() < DATE_DIGIT_SLIP:
        birth = digit_slip(rng, birth, as_of)

    family = child.family
    address = family.address
    moved_on = family.moved_on
    before_move = moved_on is not None and started < moved_on
    if family.previous_address is not None and before_move and chance() < NOT_UPDATED:
        address = family.previous_address
    line_2 = "" if chance() < LINE_2_MISSING else address.line_2
    postcode = address.postcode
    if chance() < POSTCODE_MISSING:
        postcode = ""
    elif chance() < POSTCODE_UNTIDY:
        postcode = postcode.lower() if chance() < 0.5 else postcode.replace(" ", "")

    return AgencyRecord(
        agency_id=org.agency_id,
        local_id=local_id,
        given_name=given,
        middle_names=middle,
        family_name=family_name,
        previous_family_names=previous,
        sex="U" if chance() < SEX_UNKNOWN else child.sex,
        date_of_birth=birth,
        address_line_1=address.line_1,
        address_line_2=line_2,
        town=address.town,
        postcode=postcode,
        service=service.name,
        role=service.role,
        practitioner_email=practitioner_email,
        started_on=started,
        ended_on=involvement.ended_on,
        sensitive=service.sensitive,
    )
