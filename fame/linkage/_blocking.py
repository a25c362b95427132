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
- ``pc~name:AB12 3CD:S530``      postcode and the Soundex of a given or family name
- ``line~fam:12 moor rd:S530``   first address line and family-name Soundex
- ``dob~area:2019-03-04:AB12 3``  birthday and postcode sector (a whole non-UK postcode)

A birthday whose day is 12 or less also gives its keys with day and month
swapped; a family name gives its keys for each part of a double-barrelled name
and each previous name; a given name also for each middle name (and, with a
birthday, each nickname form). Given and family names share the ``~name`` keys,
so records whose two names were entered the wrong way round still meet.
"""

from __future__ import annotations

from functools import cache

import jellyfish

from fame.records import AgencyRecord

from ._normalise import LinkageRecord

KEY_KINDS: tuple[str, ...] = (
    "dob~name",
    "given~fam~yob",
    "given~fam~md",
    "pc~name",
    "line~fam",
    "dob~area",
)


@cache
def _soundex(name: str) -> str:
    return jellyfish.soundex(name.replace("-", "").replace(" ", ""))


def _codes(names: tuple[str, ...]) -> set[str]:
    return {_soundex(name) for name in names if name}


def _dates(record: LinkageRecord) -> set[str]:
    if record.date_of_birth is None:
        return set()
    dates = {record.date_of_birth.isoformat()}
    if record.dob_swapped:
        swapped = record.dob_swapped
        dates.add(f"{swapped[:4]}-{swapped[4:6]}-{swapped[6:]}")
    return dates


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
    dates = _dates(rec)
    area = rec.postcode_sector or rec.postcode
    keys: set[str] = set()
    for day in dates:
        keys.update(f"dob~name:{day}:{code}" for code in family | given_or_alias)
        if area:
            keys.add(f"dob~area:{day}:{area}")
    names = [f"{given_code}:{code}" for code in family for given_code in given]
    for day in dates:
        keys.update(f"given~fam~yob:{name}:{day[:4]}" for name in names)
        keys.update(f"given~fam~md:{name}:{day[5:]}" for name in names)
    if rec.postcode:
        keys.update(f"pc~name:{rec.postcode}:{code}" for code in family | given)
    if rec.address:
        keys.update(f"line~fam:{rec.address}:{code}" for code in family)
    return keys
