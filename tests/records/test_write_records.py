"""Writing agency record files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fame.records import COLUMNS, AgencyRecord, write_records


def make_record(**changes: object) -> AgencyRecord:
    fields: dict[str, object] = {
        "agency_id": "hlt-001",
        "local_id": "CMH1234567",
        "given_name": "Theo",
        "middle_names": ("Arlo", "Max"),
        "family_name": "Ashworth",
        "previous_family_names": (),
        "sex": "M",
        "date_of_birth": date(2012, 5, 9),
        "address_line_1": '7 "The Granary", Mill Lane',
        "address_line_2": "",
        "town": "Sallowfield",
        "postcode": "QE7 4BU",
        "service": "Child and adolescent mental health",
        "role": "Care coordinator",
        "practitioner_email": "",
        "started_on": date(2025, 1, 6),
        "ended_on": None,
        "sensitive": True,
    }
    fields.update(changes)
    return AgencyRecord(**fields)  # type: ignore[arg-type]


def test_write_records_writes_the_header_and_one_line_a_record(tmp_path: Path) -> None:
    path = tmp_path / "hlt-001.csv"

    count = write_records(path, [make_record()])

    lines = path.read_text(encoding="utf-8").splitlines()
    assert count == 1
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1] == (
        'hlt-001,CMH1234567,Theo,Arlo;Max,Ashworth,,M,2012-05-09,"7 ""The Granary"", Mill Lane",,'
        "Sallowfield,QE7 4BU,Child and adolescent mental health,Care coordinator,,2025-01-06,,true"
    )


def test_write_records_with_no_records_writes_just_the_header(tmp_path: Path) -> None:
    path = tmp_path / "vol-001.csv"

    count = write_records(path, [])

    assert count == 0
    assert path.read_bytes() == (",".join(COLUMNS) + "\n").encode()
