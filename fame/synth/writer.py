"""Writing a region to a folder: region.json, one CSV per agency, and truth.csv."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any

from fame.records import AgencyRecord, write_records

from .generator import Region

REGION_FILE = "region.json"
TRUTH_FILE = "truth.csv"
TRUTH_COLUMNS = ("agency_id", "local_id", "child_key")


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
    text = json.dumps(region_json(region), indent=2, ensure_ascii=False) + "\n"
    (out / REGION_FILE).write_text(text, encoding="utf-8")


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
    return removed
