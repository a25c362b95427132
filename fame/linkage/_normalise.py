"""One normal form for linkage: what both Splink's input and the runtime scorer compare.

Every rule about case, spacing, punctuation, nicknames, double-barrelled names,
date forms and postcode parts lives here and only here, so the bulk linkage
(Splink, SQL) and the runtime scorer (Python) cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from nicknames import NickNamer

from fame.records import AgencyRecord, normalise_postcode, postcode_parts

_NOT_NAME = re.compile(r"[^a-z\- ]+")
_SPACES = re.compile(r"\s+")
_HYPHENS = re.compile(r"\s*-\s*")
_NOT_ADDRESS = re.compile(r"[^a-z0-9 ]+")
_STREET_WORDS = {
    "road": "rd",
    "street": "st",
    "avenue": "ave",
    "close": "cl",
    "lane": "ln",
    "drive": "dr",
    "court": "ct",
    "crescent": "cres",
    "place": "pl",
    "gardens": "gdns",
    "grove": "gr",
    "terrace": "ter",
    "square": "sq",
    "flat": "flat",
    "apartment": "flat",
}
"""Street words written one way, so 'Moor Road' and 'Moor Rd.' are the same address."""


def _plain(text: str) -> str:
    """Lower case ASCII letters: accents dropped ('Zoë' is 'zoe')."""
    if text.isascii():  # nothing to decompose (the usual case)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=1 << 16)
def normalise_name(text: str) -> str | None:
    """A name in lower case letters, single spaces and bare hyphens; None when blank.

    Apostrophes and full stops vanish ("O'Neil" is "oneil"), "Smith - Jones"
    becomes "smith-jones".
    """
    plain = _plain(text).replace("'", "").replace("\u2019", "")
    plain = _HYPHENS.sub("-", _NOT_NAME.sub(" ", plain))
    name = _SPACES.sub(" ", plain).strip(" -")
    return name or None


def name_parts(name: str) -> tuple[str, ...]:
    """The parts of a double-barrelled or spaced name: 'smith-jones' gives ('smith', 'jones')."""
    parts = tuple(part for part in re.split(r"[- ]", name) if part)
    return parts or (name,)


BRITISH_NICKNAMES: tuple[tuple[str, str], ...] = (
    ("abi", "abigail"),
    ("alfie", "alfred"),
    ("benji", "benjamin"),
    ("bert", "robert"),
    ("bertie", "albert"),
    ("charlie", "charlotte"),
    ("evie", "evelyn"),
    ("florrie", "florence"),
    ("georgie", "georgia"),
    ("georgie", "georgina"),
    ("gracie", "grace"),
    ("izzy", "isabel"),
    ("izzy", "isabella"),
    ("izzy", "isabelle"),
    ("kat", "katherine"),
    ("kate", "catherine"),
    ("katie", "katherine"),
    ("lexi", "alexandra"),
    ("liam", "william"),
    ("liv", "olivia"),
    ("livvy", "olivia"),
    ("maisie", "margaret"),
    ("mia", "amelia"),
    ("mo", "mohammad"),
    ("mo", "mohammed"),
    ("mo", "muhammad"),
    ("olly", "oliver"),
    ("robbie", "robert"),
    ("sammie", "samantha"),
    ("sasha", "alexandra"),
    ("xander", "alexander"),
)
"""Nickname and formal-name pairs common in Britain that the `nicknames` package lacks."""


@cache
def _nicknamer() -> NickNamer:
    lookup = NickNamer().nickname_lookup
    for nickname, formal in BRITISH_NICKNAMES:
        lookup.setdefault(formal, set()).add(nickname)
    return NickNamer(nickname_lookup=lookup)


@cache
def name_aliases(name: str) -> tuple[str, ...]:
    """The name and the formal names it is a nickname of (`nicknames` package and our own).

    Two given names are aliases of each other when these sets overlap: 'bill'
    gives ('bill', 'robert', 'will', 'william', 'willis'), 'william' gives
    ('william', ...), so Bill and William share 'william'.
    """
    return tuple(sorted({name, *_nicknamer().canonicals_of(name)}))


def normalise_address(text: str) -> str | None:
    """The first address line in lower case without punctuation, street words shortened."""
    words = _NOT_ADDRESS.sub(" ", _plain(text)).split()
    address = " ".join(_STREET_WORDS.get(word, word) for word in words)
    return address or None


@lru_cache(maxsize=1 << 16)
def _postcode_fields(text: str) -> tuple[str | None, str | None, str | None]:
    """Postcode, sector and district; a non-UK code keeps only its compact form."""
    compact = _SPACES.sub("", text).upper()
    if not compact:
        return None, None, None
    try:
        postcode = normalise_postcode(compact)
        district, sector = postcode_parts(postcode)
    except ValueError:
        return compact, None, None
    return postcode, sector, district


def _digits(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _swapped_digits(day: date) -> str | None:
    """YYYYMMDD with day and month swapped; None when that is no other real date."""
    if day.day > 12 or day.day == day.month:
        return None
    return f"{day.year:04d}{day.day:02d}{day.month:02d}"


def _names(values: tuple[str, ...]) -> tuple[str, ...]:
    found = (normalise_name(value) for value in values)
    return tuple(dict.fromkeys(name for name in found if name))


@dataclass(frozen=True, slots=True)
class LinkageRecord:
    """One agency record in the normal form that linkage compares.

    Empty fields are None (or an empty tuple), never "". Build one with
    ``LinkageRecord.from_agency_record``; never by hand outside tests.
    """

    agency_id: str
    local_id: str
    given_name: str | None
    given_aliases: tuple[str, ...]
    middle_names: tuple[str, ...]
    family_name: str | None
    family_parts: tuple[str, ...]
    previous_family_names: tuple[str, ...]
    sex: str | None
    date_of_birth: date | None
    dob_digits: str | None
    dob_swapped: str | None
    postcode: str | None
    postcode_sector: str | None
    postcode_district: str | None
    address: str | None

    @classmethod
    def from_agency_record(cls, record: AgencyRecord) -> LinkageRecord:
        """The normal form of ``record``: the one function bulk and runtime linkage share."""
        given = normalise_name(record.given_name)
        family = normalise_name(record.family_name)
        dob = record.date_of_birth
        postcode, sector, district = _postcode_fields(record.postcode)
        return cls(
            agency_id=record.agency_id,
            local_id=record.local_id,
            given_name=given,
            given_aliases=name_aliases(given) if given else (),
            middle_names=_names(record.middle_names),
            family_name=family,
            family_parts=name_parts(family) if family else (),
            previous_family_names=_names(record.previous_family_names),
            sex=record.sex if record.sex in ("F", "M") else None,
            date_of_birth=dob,
            dob_digits=_digits(dob) if dob else None,
            dob_swapped=_swapped_digits(dob) if dob else None,
            postcode=postcode,
            postcode_sector=sector,
            postcode_district=district,
            address=normalise_address(record.address_line_1),
        )

    @property
    def key(self) -> tuple[str, str]:
        """(agency_id, local_id): the record's identity in its agency."""
        return self.agency_id, self.local_id
