"""Reading agency record files: every row checked, problems named by file, line and field."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from fame.records import (
    COLUMNS,
    MAX_PROBLEMS,
    AgencyRecord,
    RecordFileError,
    read_records,
    write_records,
)

TODAY = date(2026, 9, 1)


def good_row(**changes: str) -> dict[str, str]:
    row = {
        "agency_id": "sch-001",
        "local_id": "UPN-A970200022001",
        "given_name": "Maisie",
        "middle_names": "Rose;Iris",
        "family_name": "Hartley-Quinn",
        "previous_family_names": "Hartley",
        "sex": "F",
        "date_of_birth": "2019-03-14",
        "address_line_1": "12 Kestrel Close",
        "address_line_2": "Upper Kettlebrook",
        "town": "Kettlebrook",
        "postcode": "QN5 1AB",
        "service": "Primary education",
        "role": "Class teacher",
        "practitioner_email": "k.hobbs@sch-001.fame.test",
        "started_on": "2023-09-01",
        "ended_on": "",
        "sensitive": "false",
    }
    row.update(changes)
    return row


def write_csv(folder: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    path = folder / "children.csv"
    columns = list(COLUMNS) if header is None else header
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(column, "") for column in columns])
    return path


def problems_of(path: Path, **options: object) -> list[str]:
    with pytest.raises(RecordFileError) as caught:
        read_records(path, today=TODAY, **options)  # type: ignore[arg-type]
    return [str(problem) for problem in caught.value.problems]


def test_read_records_round_trip_gives_back_what_was_written(tmp_path: Path) -> None:
    record = AgencyRecord(
        agency_id="gp-001",
        local_id="GP1234567",
        given_name="Alfie",
        middle_names=("James", "Otto"),
        family_name="O'Neill",
        previous_family_names=("Price",),
        sex="M",
        date_of_birth=date(2014, 7, 2),
        address_line_1="Flat 3, 40 Mill Road",
        address_line_2="",
        town="Tenterby",
        postcode="QE9 4NH",
        service="General practice",
        role="Registered GP",
        practitioner_email="i.malik@gp-001.fame.test",
        started_on=date(2014, 8, 1),
        ended_on=date(2020, 1, 31),
        sensitive=True,
    )
    path = tmp_path / "gp-001.csv"
    write_records(path, [record])

    records = read_records(path, known_agencies={"gp-001"}, today=TODAY)

    assert records == [record]


def test_read_records_normalises_postcode_sex_and_flags(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(postcode="qn51ab", sex="f", sensitive="TRUE")])

    [record] = read_records(path, today=TODAY)

    assert (record.postcode, record.sex, record.sensitive) == ("QN5 1AB", "F", True)
    assert record.middle_names == ("Rose", "Iris")
    assert record.previous_family_names == ("Hartley",)


def test_read_records_empty_optional_fields_become_empty_or_none(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [good_row(middle_names="", postcode="", practitioner_email="", ended_on="", sensitive="")],
    )

    [record] = read_records(path, today=TODAY)

    assert record.middle_names == ()
    assert record.postcode == ""
    assert record.ended_on is None
    assert record.sensitive is False


def test_read_records_impossible_date_names_file_line_and_field(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(), good_row(local_id="X2", date_of_birth="2019-02-30")])

    problems = problems_of(path)

    assert problems == [
        'children.csv line 3, date_of_birth: "2019-02-30" is not a real date (use YYYY-MM-DD)'
    ]


def test_read_records_date_in_another_form_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(started_on="01/09/2023")])

    problems = problems_of(path)

    assert problems == [
        'children.csv line 2, started_on: "01/09/2023" is not a date in the form YYYY-MM-DD'
    ]


def test_read_records_birth_far_in_the_future_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(date_of_birth="2027-09-01")])

    problems = problems_of(path)

    assert len(problems) == 1
    assert problems[0].startswith(
        'children.csv line 2, date_of_birth: "2027-09-01" is in the future'
    )


def test_read_records_expected_date_of_delivery_is_accepted(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(date_of_birth="2027-01-15")])

    [record] = read_records(path, today=TODAY)

    assert record.date_of_birth == date(2027, 1, 15)


def test_read_records_bad_sex_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(sex="girl")])

    assert problems_of(path) == [
        'children.csv line 2, sex: "girl" is not F, M or U (use U when not known)'
    ]


def test_read_records_bad_postcode_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(postcode="QN5 1A")])

    assert problems_of(path) == [
        'children.csv line 2, postcode: "QN5 1A" is not a UK postcode (for example AB1 2CD)'
    ]


def test_read_records_unknown_agency_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(agency_id="sch-999")])

    problems = problems_of(path, known_agencies={"sch-001"})

    assert problems == ["children.csv line 2, agency_id: unknown agency sch-999"]


def test_read_records_any_agency_is_accepted_without_a_known_list(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(agency_id="sch-999")])

    assert len(read_records(path, today=TODAY)) == 1


def test_read_records_duplicate_local_id_names_the_first_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(), good_row(local_id="X2"), good_row()])

    assert problems_of(path) == [
        'children.csv line 4, local_id: "UPN-A970200022001" is used again (first on line 2)'
    ]


def test_read_records_same_local_id_at_two_agencies_is_accepted(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(), good_row(agency_id="sch-002")])

    assert len(read_records(path, today=TODAY)) == 2


def test_read_records_wrong_header_names_missing_and_unexpected_columns(tmp_path: Path) -> None:
    header = [c for c in COLUMNS if c not in ("sex", "town")] + ["nhs_number"]
    path = write_csv(tmp_path, [good_row()], header=header)

    assert problems_of(path) == [
        "children.csv line 1: the header is missing columns: sex, town",
        'children.csv line 1: the header has unexpected columns: "nhs_number"',
    ]


def test_read_records_header_in_the_wrong_order_is_refused(tmp_path: Path) -> None:
    header = list(COLUMNS)
    header[0], header[1] = header[1], header[0]
    path = write_csv(tmp_path, [good_row()], header=header)

    [problem] = problems_of(path)

    assert problem.startswith("children.csv line 1: the header has the right columns in the wrong")


def test_read_records_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "children.csv"
    path.write_text("", encoding="utf-8")

    [problem] = problems_of(path)

    assert problem.startswith("children.csv line 1: the file is empty")


def test_read_records_wrong_field_count_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row()])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("sch-001,X9,Only,a,few,fields\n")

    [problem] = problems_of(path)

    assert problem.startswith("children.csv line 3: has 6 fields but should have 18")


def test_read_records_ended_before_started_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(started_on="2024-05-01", ended_on="2024-04-30")])

    assert problems_of(path) == [
        "children.csv line 2, ended_on: 2024-04-30 is before started_on 2024-05-01"
    ]


def test_read_records_bad_boolean_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(sensitive="yes")])

    assert problems_of(path) == [
        'children.csv line 2, sensitive: "yes" is not true or false (empty means false)'
    ]


def test_read_records_bad_email_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(practitioner_email="k.hobbs at school")])

    assert problems_of(path) == [
        'children.csv line 2, practitioner_email: "k.hobbs at school" is not an email address'
    ]


@pytest.mark.parametrize("field", ["agency_id", "local_id", "given_name", "family_name"])
def test_read_records_required_field_empty_is_refused(tmp_path: Path, field: str) -> None:
    path = write_csv(tmp_path, [good_row(**{field: "  "})])

    [problem] = problems_of(path)

    assert problem.startswith(f"children.csv line 2, {field}: is empty")


def test_read_records_every_problem_in_a_row_is_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(sex="X", postcode="nowhere", sensitive="maybe")])

    fields = [problem.split(", ")[1].split(":")[0] for problem in problems_of(path)]

    assert fields == ["sex", "postcode", "sensitive"]


def test_read_records_returns_nothing_when_any_row_is_bad(tmp_path: Path) -> None:
    rows = [good_row(local_id=f"X{i}") for i in range(10)] + [good_row(sex="?")]
    path = write_csv(tmp_path, rows)

    records = None
    with pytest.raises(RecordFileError) as caught:
        records = read_records(path, today=TODAY)

    assert records is None
    assert caught.value.total == 1


def test_read_records_line_numbers_count_lines_inside_quoted_fields(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, [good_row(address_line_1="Flat 2\nThe Old Mill"), good_row(local_id="X", sex="?")]
    )

    problems = problems_of(path)

    assert problems[0].startswith("children.csv line 2, address_line_1: contains a line break")
    assert problems[1].startswith("children.csv line 4, sex:")


def test_read_records_skips_blank_lines_and_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row()])
    text = path.read_text(encoding="utf-8")
    path.write_text("\ufeff" + text + "\n", encoding="utf-8")

    assert len(read_records(path, today=TODAY)) == 1


def test_read_records_reports_at_most_fifty_problems_and_counts_the_rest(tmp_path: Path) -> None:
    rows = [good_row(local_id=f"X{i}", sex="?") for i in range(MAX_PROBLEMS + 7)]
    path = write_csv(tmp_path, rows)

    with pytest.raises(RecordFileError) as caught:
        read_records(path, today=TODAY)

    assert len(caught.value.problems) == MAX_PROBLEMS
    assert caught.value.more == 7
    assert str(caught.value).endswith("\nand 7 more")


def test_read_records_file_that_is_not_utf8_names_the_first_bad_line(tmp_path: Path) -> None:
    rows = [good_row(local_id=f"X{i}") for i in range(300)]
    rows[250]["given_name"] = "Zoe"
    path = write_csv(tmp_path, rows)
    path.write_bytes(path.read_bytes().replace(b"Zoe", b"Zo\xeb"))  # Latin-1, not UTF-8

    [problem] = problems_of(path)

    assert problem == "children.csv line 252: is not UTF-8 text; save the file as CSV UTF-8"


@pytest.mark.parametrize(
    ("character", "named"),
    [
        ("\x00", "U+0000"),
        ("\x07", "U+0007"),
        ("\x1b", "U+001B"),
        ("\x7f", "U+007F"),
        ("\x85", "U+0085"),
    ],
)
def test_read_records_control_character_names_file_line_and_field(
    tmp_path: Path, character: str, named: str
) -> None:
    path = write_csv(
        tmp_path, [good_row(), good_row(local_id="X2", town=f"Kettle{character}brook")]
    )

    [problem] = problems_of(path)

    assert problem.startswith(f"children.csv line 3, town: contains the control character {named}")


def test_read_records_line_break_inside_a_field_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(address_line_1="Flat 2\r\nThe Old Mill")])

    [problem] = problems_of(path)

    assert problem == (
        "children.csv line 2, address_line_1: contains a line break; each field must be on one line"
    )


def test_read_records_every_field_with_a_control_character_is_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(given_name="Mai\x00sie", role="Class\x0bteacher")])

    fields = [problem.split(", ")[1].split(":")[0] for problem in problems_of(path)]

    assert fields == ["given_name", "role"]


def test_read_records_tab_inside_a_field_is_accepted(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(address_line_2="Upper\tKettlebrook")])

    [record] = read_records(path, today=TODAY)

    assert record.address_line_2 == "Upper\tKettlebrook"


def test_read_records_control_character_in_the_header_is_shown_escaped(tmp_path: Path) -> None:
    header = list(COLUMNS)
    header[2] = "given\x00name"
    path = write_csv(tmp_path, [good_row()], header=header)

    problems = problems_of(path)

    assert 'children.csv line 1: the header has unexpected columns: "given\\x00name"' in problems
    assert not any("\x00" in problem for problem in problems)


def test_read_records_field_over_the_size_limit_names_its_field(tmp_path: Path) -> None:
    limit = csv.field_size_limit()
    path = write_csv(tmp_path, [good_row(), good_row(local_id="X2", role="x" * (limit + 1))])

    problems = problems_of(path)

    assert problems == [
        f"children.csv line 3, role: is longer than {limit:,} characters, the most a field may hold"
    ]


def test_read_records_unterminated_quote_names_the_line_it_opened_on(tmp_path: Path) -> None:
    rows = [good_row(local_id=f"X{i}") for i in range(5)]
    path = write_csv(tmp_path, rows)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",Kettlebrook,", ',"Kettlebrook,', 1)
    path.write_text("".join(lines), encoding="utf-8")

    problems = problems_of(path)

    assert problems == [
        'children.csv line 4, town: opens a quote (") that is never closed; close it, '
        'and double any quote inside a quoted field ("")'
    ]


def test_read_records_unterminated_quote_in_a_long_file_names_where_it_opened(
    tmp_path: Path,
) -> None:
    limit = csv.field_size_limit()
    rows = [good_row(local_id=f"X{i}") for i in range(limit // 100)]  # rows of 190 or so
    path = write_csv(tmp_path, rows)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",Kettlebrook,", ',"Kettlebrook,', 1)
    path.write_text("".join(lines), encoding="utf-8")

    [problem] = problems_of(path)

    assert problem.startswith(f"children.csv line 3, town: is longer than {limit:,} characters")
    assert problem.endswith("(check for a quote opened on line 3 and never closed)")


def test_read_records_text_after_a_closing_quote_names_field_and_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [good_row(), good_row(local_id="X2")])
    text = path.read_text(encoding="utf-8").replace("X2,Maisie", 'X2,"Maisie "Mo" ', 1)
    path.write_text(text, encoding="utf-8")

    [problem] = problems_of(path)

    assert problem == (
        "children.csv line 3, given_name: has text after its closing quote; "
        'double any quote inside a quoted field ("")'
    )
