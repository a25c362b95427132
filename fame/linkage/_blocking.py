"""Blocking keys: the short strings the hub indexes to fetch candidates for a record.

Two records are candidates for scoring when they share at least one key. Bulk
linkage uses the same keys to make Splink's candidate pairs, so what the hub can
find and what the bulk run compares are the same set.

Each key pairs two facts, so that one error (a typo, a swapped birthday, a move,
a new surname) still leaves another key in common, while no key is as broad as
'born on this day' across a whole region:

- ``dob~name:2019-03-04:S530``   birthday and the Soundex of a given or family name
- ``given~fam~yob:J500:S530:2019``  both Soundex codes and year of birth
- ``given~fam~md:J500:S530:03-04``   both Soundex codes and month and day of birth
- ``given~fam:J500:S530``        both Soundex codes alone (for records without a birthday
  that have also moved; bulk linkage skips the common ones, see ``MAX_KEY_RECORDS``,
  and in a block of more than ``NAMES_ONLY_MAX_RECORDS`` pairs only records of which
  one has no birthday)
- ``pc~name:AB12 3CD:S530``      postcode and the Soundex of a given or family name
- ``line~fam:12 moor rd:S530``   first address line and family-name Soundex
- ``dob~area:2019-03-04:AB12 3``  birthday and postcode sector (a whole non-UK postcode)

A birthday is written with the smaller of its month and day first, so that a
birthday and its day/month swap (4 March and 3 April 2019 are both
``2019-03-04``) give the same keys, and records with the two swapped still
meet; no other two birthdays share that form, since a day above 12 cannot be a
month. A family name gives its keys for each part of a double-barrelled name
and each previous name; a given name also for each middle name (and, with a
birthday, each nickname form). Given and family names share the ``~name`` keys,
so records whose two names were entered the wrong way round still meet.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import jellyfish

from fame.records import AgencyRecord

from ._normalise import LinkageRecord

KEY_KINDS: tuple[str, ...] = (
    "dob~name",
    "given~fam~yob",
    "given~fam~md",
    "given~fam",
    "pc~name",
    "line~fam",
    "dob~area",
)


@cache
def _soundex(name: str) -> str:
    return jellyfish.soundex(name.replace("-", "").replace(" ", ""))


def _codes(names: tuple[str, ...]) -> set[str]:
    return {_soundex(name) for name in names if name}


def swap_free_date(born: date) -> str:
    """A birthday as keys hold it: YYYY-AA-BB with AA the smaller of month and day, so
    that a date and its day/month swap are one key."""
    first, second = sorted((born.month, born.day))
    return f"{born.year:04d}-{first:02d}-{second:02d}"


def blocking_keys(record: AgencyRecord | LinkageRecord) -> set[str]:
    """The keys under which the hub files ``record`` and looks up its candidates."""
    rec = record if isinstance(record, LinkageRecord) else LinkageRecord.from_agency_record(record)
    family = _codes(
        (
            *((rec.family_name,) if rec.family_name else ()),
            *rec.family_parts,
            *rec.previous_family_names,
        )
    )
    given = _codes(((rec.given_name,) if rec.given_name else ()) + rec.middle_names)
    given_or_alias = given | _codes(rec.given_aliases)
    area = rec.postcode_sector or rec.postcode
    keys: set[str] = set()
    names = [f"{given_code}:{code}" for code in family for given_code in given]
    if rec.date_of_birth is not None:
        day = swap_free_date(rec.date_of_birth)
        keys.update(f"dob~name:{day}:{code}" for code in family | given_or_alias)
        if area:
            keys.add(f"dob~area:{day}:{area}")
        keys.update(f"given~fam~yob:{name}:{day[:4]}" for name in names)
        keys.update(f"given~fam~md:{name}:{day[5:]}" for name in names)
    keys.update(f"given~fam:{name}" for name in names)
    if rec.postcode:
        keys.update(f"pc~name:{rec.postcode}:{code}" for code in family | given)
    if rec.address:
        keys.update(f"line~fam:{rec.address}:{code}" for code in family)
    return keys
