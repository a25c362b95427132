"""Writing a region to a folder: region.json, one CSV per agency, and truth.csv."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any

from fame.records import AgencyRecord, write_records

from .directory import Places, directory_feed
from .generator import Region

REGION_FILE = "region.json"
TRUTH_FILE = "truth.csv"
TRUTH_COLUMNS = ("agency_id", "local_id", "child_key")
DIRECTORY_FEED = "directory/directory.json"
DIRECTORY_POSTCODES = "directory/postcodes.csv"


def region_json(region: Region) -> dict[str, Any]:
    """The contents of region.json: the organisations, practitioners and demo logins."""
    return {
        "generated_by": "fame synth",
        "seed": region.seed,
        "children": len(region.children),
        "as_of": region.as_of.isoformat(),
        "local_authorities": list(region.local_authorities),
        "organisations": [
            {
                "agency_id": org.agency_id,
                "name": org.name,
                "type": org.type,
                "local_authority": org.local_authority,
                "accreditation_status": org.accreditation_status,
                "accreditation_date": (
                    org.accreditation_date.isoformat() if org.accreditation_date else None
                ),
            }
            for org in region.organisations
        ],
        "practitioners": [person.as_json() for person in region.practitioners],
        "demo_logins": dict(region.demo_logins),
    }


def write_region(
    region: Region,
    out_dir: str | PathLike[str],
    *,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the region into ``out_dir`` (made if missing); region.json is written last.

    Each agency's file lists its records in order of local id; agencies that
    know no children get a file with just the header. ``progress`` is called
    with 1 after each agency's file.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_agency: dict[str, list[AgencyRecord]] = {org.agency_id: [] for org in region.organisations}
    for record in region.records:
        by_agency[record.agency_id].append(record)
    for agency_id, records in by_agency.items():
        records.sort(key=lambda record: record.local_id)
        write_records(out / f"{agency_id}.csv", records)
        if progress is not None:
            progress(1)
    truth = sorted(region.truth, key=lambda row: (row.agency_id, row.local_id))
    with open(out / TRUTH_FILE, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TRUTH_COLUMNS)
        writer.writerows((row.agency_id, row.local_id, row.child_key) for row in truth)
    write_directory(region, out)
    text = json.dumps(region_json(region), indent=2, ensure_ascii=False) + "\n"
    (out / REGION_FILE).write_text(text, encoding="utf-8")


def write_directory(region: Region, out: Path) -> None:
    """The region's service directory (an Open Referral UK feed) and its postcodes, with
    where each is, in ``out/directory/``."""
    places = Places(region.local_authorities, region.seed)
    feed, venues = directory_feed(
        region.local_authorities, region.organisations, places, region.seed, region.as_of
    )
    homes = {
        address.postcode
        for family in region.families
        for address in (family.address, family.previous_address)
        if address is not None
    }
    (out / "directory").mkdir(exist_ok=True)
    text = json.dumps(feed, indent=2, ensure_ascii=False) + "\n"
    (out / DIRECTORY_FEED).write_text(text, encoding="utf-8")
    with open(out / DIRECTORY_POSTCODES, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("postcode", "latitude", "longitude"))
        for code in sorted(homes | venues):
            writer.writerow((code, *places.postcode(code)))


def remove_region(out_dir: str | PathLike[str]) -> int:
    """Delete the files an earlier region wrote in ``out_dir`` (and only those); returns how many.

    Other files in the folder are left alone.
    """
    out = Path(out_dir)
    region = json.loads((out / REGION_FILE).read_text(encoding="utf-8"))
    names = [f"{org['agency_id']}.csv" for org in region.get("organisations", [])]
    removed = 0
    for name in [*names, TRUTH_FILE, REGION_FILE]:
        path = out / name
        if Path(name).name == name and path.is_file():
            path.unlink()
            removed += 1
    for name in (DIRECTORY_FEED, DIRECTORY_POSTCODES):
        if (out / name).is_file():
            (out / name).unlink()
            removed += 1
    if (out / "directory").is_dir() and not any((out / "directory").iterdir()):
        (out / "directory").rmdir()
    return removed
