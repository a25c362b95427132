"""Writing a region: region.json, one CSV per agency, truth.csv."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from fame.records import COLUMNS, read_records
from fame.synth import generate_region, remove_region, write_region
from fame.synth.organisations import ORGANISATION_TYPES
from fame.synth.staff import COURSES


def region_file(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "region.json").read_text(encoding="utf-8"))


def test_write_region_region_json_has_the_shape_the_accounts_loader_reads(
    written_region: Path,
) -> None:
    region = region_file(written_region)

    assert region["generated_by"] == "fame synth"
    assert (region["seed"], region["children"]) == (11, 600)
    assert region["local_authorities"] == ["Northmoor", "Eastbridge"]
    for org in region["organisations"]:
        assert set(org) == {
            "agency_id", "name", "type", "local_authority", "accreditation_status",
            "accreditation_date",
        }  # fmt: skip
        assert org["type"] in ORGANISATION_TYPES
        assert org["local_authority"] in region["local_authorities"]
        assert org["accreditation_status"] in {"accredited", "pending", "suspended", "withdrawn"}
    for person in region["practitioners"]:
        assert set(person) == {
            "username", "given_name", "family_name", "organisation", "job_title", "phone",
            "secure_email", "roles", "vetting_checked_on", "training",
        }  # fmt: skip
        assert {done["course"] for done in person["training"]} <= set(COURSES)
        assert set(person["roles"]) <= {
            "practitioner", "caf_coordinator", "isa_officer", "shielding_officer", "manager",
            "auditor", "administrator", "partnership_officer", "directory_editor",
        }  # fmt: skip
    usernames = {person["username"] for person in region["practitioners"]}
    assert set(region["demo_logins"].values()) <= usernames


def test_write_region_every_agency_file_reads_back_with_no_problems(written_region: Path) -> None:
    region = region_file(written_region)
    known = {org["agency_id"] for org in region["organisations"]}
    as_of = date.fromisoformat(region["as_of"])

    counts = {
        agency: len(
            read_records(written_region / f"{agency}.csv", known_agencies=known, today=as_of)
        )
        for agency in sorted(known)
    }

    with (written_region / "truth.csv").open(encoding="utf-8", newline="") as handle:
        truth = list(csv.DictReader(handle))
    assert sum(counts.values()) == len(truth)


def test_write_region_truth_names_every_agency_row_exactly_once(written_region: Path) -> None:
    rows = set()
    for path in written_region.glob("*-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            rows |= {(row["agency_id"], row["local_id"]) for row in csv.DictReader(handle)}

    with (written_region / "truth.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        truth = [(row["agency_id"], row["local_id"]) for row in reader]
        assert reader.fieldnames == ["agency_id", "local_id", "child_key"]

    assert len(truth) == len(set(truth))
    assert set(truth) == rows


def test_write_region_agency_knowing_no_children_gets_a_header_only_file(tmp_path: Path) -> None:
    region = generate_region(3, seed=1)
    write_region(region, tmp_path)
    knowing = {record.agency_id for record in region.records}
    idle = [org.agency_id for org in region.organisations if org.agency_id not in knowing]

    assert idle
    for agency in idle:
        assert (tmp_path / f"{agency}.csv").read_text(encoding="utf-8") == ",".join(COLUMNS) + "\n"


def test_remove_region_removes_the_regions_files_only(tmp_path: Path) -> None:
    write_region(generate_region(20, seed=1), tmp_path)
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")

    remove_region(tmp_path)

    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
