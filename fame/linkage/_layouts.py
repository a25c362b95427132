"""Reading record files of other layouts through a column mapping (``fame link --mapping``).

A mapping is a small TOML file saying which input column holds each part of an
agency record, how dates are written, and whether postcodes must be UK ones.
Files read through it become ``AgencyRecord``s, so they are linked exactly as
agency files are. The FEBRL layout ships in ``mappings/febrl.toml``; any other
mapping is a file named by its path. Example::

    [columns]
    local_id = "rec_id"                               # required
    given_name = "given_name"
    family_name = "surname"
    date_of_birth = "date_of_birth"
    address_line_1 = ["street_number", "address_1"]   # several columns: joined with a space
    town = "suburb"
    postcode = "postcode"

    date_format = "%Y%m%d"       # strftime codes (default %Y-%m-%d)
    unreadable_dates = "blank"   # "error" (default): a date not in date_format is a problem
    postcodes = "any"            # "uk" (default): each must be shaped like a UK postcode
    agency = "febrl"             # the agency id of every record; default: the file's name

Columns that may be named: ``FIELDS``. A mapped record needs its id and at least
a name or a date of birth; everything else may be blank. Several middle names or
previous family names in one column are separated by ``list_separator`` (";").
A column the mapping names but the file lacks, an unknown key, or a bad value is
a ``MappingError`` naming it; a bad row is a ``RecordFileError`` naming its line
and field, as for agency files. All or nothing, as for agency files.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import Any

from fame.records import COLUMNS, AgencyRecord, FileProblems, Sex, normalise_postcode

MAPPINGS_DIR = Path(__file__).with_name("mappings")
"""Mappings shipped with FAME, named by their file name without ``.toml``."""

FIELDS: tuple[str, ...] = COLUMNS[: COLUMNS.index("postcode") + 1]
"""The parts of an agency record a mapping may take from input columns."""

NO_INVOLVEMENT: tuple[str, str, str, None, None, bool] = ("", "", "", None, None, False)
"""service, role, practitioner_email, started_on, ended_on, sensitive: linkage needs none."""

SETTINGS = ("date_format", "unreadable_dates", "postcodes", "agency", "list_separator")
_CHOICES = {"unreadable_dates": ("error", "blank"), "postcodes": ("uk", "any")}
_SEXES: dict[str, Sex] = {
    "": "U",
    "f": "F",
    "female": "F",
    "m": "M",
    "male": "M",
    "u": "U",
    "unknown": "U",
}


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the problem."""


@dataclass(frozen=True)
class ColumnMapping:
    """Which input columns make each field of an agency record, and how to read them."""

    columns: Mapping[str, tuple[str, ...]]
    date_format: str = "%Y-%m-%d"
    unreadable_dates: str = "error"
    postcodes: str = "uk"
    agency: str | None = None
    list_separator: str = ";"
    source: str = ""

    def input_columns(self) -> list[str]:
        """Every input column the mapping reads, once each, in the order named."""
        return list(dict.fromkeys(column for group in self.columns.values() for column in group))


def load_mapping(name_or_path: str | PathLike[str]) -> ColumnMapping:
    """The mapping in a TOML file, or the shipped one of that name (``febrl``)."""
    path = Path(name_or_path)
    shipped = MAPPINGS_DIR / f"{name_or_path}.toml"
    if not path.is_file() and path.suffix == "" and shipped.is_file():
        path = shipped
    if not path.is_file():
        known = ", ".join(sorted(file.stem for file in MAPPINGS_DIR.glob("*.toml")))
        raise MappingError(f"there is no mapping file at {path} (shipped mappings: {known})")
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{path.name} is not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise MappingError(f"{path.name} is not UTF-8 text") from None
    return mapping_from_dict(data, source=path.name)


def mapping_from_dict(data: Mapping[str, Any], *, source: str = "the mapping") -> ColumnMapping:
    """Check a mapping's contents and build it; ``MappingError`` names the first problem."""
    unknown = sorted(set(data) - {"columns", *SETTINGS})
    if unknown:
        raise MappingError(
            f"{source}: unknown key {unknown[0]!r}; a mapping holds [columns] and "
            f"{', '.join(SETTINGS)}"
        )
    table = data.get("columns")
    if not isinstance(table, dict) or not table:
        raise MappingError(f"{source}: needs a [columns] table naming the input columns")
    columns: dict[str, tuple[str, ...]] = {}
    for field, value in table.items():
        if field not in FIELDS:
            raise MappingError(
                f"{source}: [columns] names an unknown field {field!r}; "
                f"fields are {', '.join(FIELDS)}"
            )
        names = [value] if isinstance(value, str) else value
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(name, str) and name.strip() for name in names)
        ):
            raise MappingError(
                f"{source}: columns.{field} must be a column name or a list of column names"
            )
        columns[field] = tuple(name.strip() for name in names)
    if "local_id" not in columns:
        raise MappingError(f"{source}: [columns] must name the local_id column (the record's id)")
    if not {"given_name", "family_name", "date_of_birth"} & set(columns):
        raise MappingError(
            f"{source}: [columns] must name at least one of given_name, family_name, date_of_birth"
        )
    settings: dict[str, str] = {}
    for key in SETTINGS:
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise MappingError(f"{source}: {key} must be a non-empty string")
        if key in _CHOICES and value not in _CHOICES[key]:
            choices = " or ".join(f'"{choice}"' for choice in _CHOICES[key])
            raise MappingError(f"{source}: {key} must be {choices}, not {value!r}")
        settings[key] = value
    if "agency" in settings and "agency_id" in columns:
        raise MappingError(f"{source}: give agency or columns.agency_id, not both")
    if "date_format" in settings:
        _check_date_format(settings["date_format"], source)
    return ColumnMapping(columns=columns, source=source, **settings)


def _check_date_format(text: str, source: str) -> None:
    if "%" not in text:
        raise MappingError(f"{source}: date_format {text!r} has no % codes (e.g. %Y-%m-%d)")
    sample = date(2019, 11, 23)
    try:
        written = sample.strftime(text)
        parsed = datetime.strptime(written, text).date()
    except ValueError as error:
        raise MappingError(f"{source}: date_format {text!r} cannot be used ({error})") from None
    if parsed != sample:
        raise MappingError(
            f"{source}: date_format {text!r} does not give a whole date (year, month and day)"
        )


def read_mapped_records(path: str | PathLike[str], mapping: ColumnMapping) -> list[AgencyRecord]:
    """Every record in a file of another layout, read through ``mapping``.

    All or nothing: ``RecordFileError`` lists each problem by file, line and field.
    The CSV may put spaces after its commas (FEBRL does); every value is trimmed.
    """
    file = Path(path)
    problems = FileProblems(file.name)
    records: list[AgencyRecord] = []
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, skipinitialspace=True, strict=True)
        try:
            header = [name.strip() for name in next(reader, [])]
            missing = [name for name in mapping.input_columns() if name not in header]
            if not header:
                problems.add(1, "", "the file is empty; the first line must name its columns")
            elif missing:
                named = ", ".join(missing)
                problems.add(1, "", f"has no column {named} (named by {mapping.source})")
            else:
                _read_rows(reader, header, mapping, file.stem, problems, records)
        except UnicodeDecodeError:
            problems.add(reader.line_num + 1, "", "is not UTF-8 text; save the file as CSV UTF-8")
        except csv.Error as error:
            problems.add(reader.line_num, "", f"cannot be read as CSV ({error})")
    problems.raise_if_any()
    return records


def _read_rows(
    reader: Any,
    header: list[str],
    mapping: ColumnMapping,
    stem: str,
    problems: FileProblems,
    records: list[AgencyRecord],
) -> None:
    where = {name: index for index, name in enumerate(header)}
    picks = {
        field: [where[column] for column in columns] for field, columns in mapping.columns.items()
    }
    first_seen: dict[tuple[str, str], int] = {}
    ended_at = reader.line_num
    for row in reader:
        line, ended_at = ended_at + 1, reader.line_num
        if not row:
            continue
        if len(row) != len(header):
            problems.add(line, "", f"has {len(row)} fields but the header names {len(header)}")
            continue

        def value(field: str, row: list[str] = row) -> str:
            parts = (row[index].strip() for index in picks.get(field, ()))
            return " ".join(part for part in parts if part)

        agency = value("agency_id") if "agency_id" in picks else mapping.agency or stem
        local_id = value("local_id")
        if not agency:
            problems.add(line, "agency_id", "is empty; every record needs the id of its source")
        if not local_id:
            problems.add(line, "local_id", "is empty; every record needs its own id")
        else:
            first = first_seen.setdefault((agency, local_id), line)
            if first != line:
                problems.add(
                    line, "local_id", f'"{local_id}" is used again (first on line {first})'
                )
        born_text = value("date_of_birth")
        born = _date(born_text, mapping, line, problems)
        given, family = value("given_name"), value("family_name")
        if not (given or family or born):
            problems.add(line, "", "has no name and no date of birth: nothing to link it by")
        sex = _SEXES.get(value("sex").lower())
        if sex is None:
            problems.add(line, "sex", f'"{value("sex")}" is not F, M or U (or blank)')
        postcode = value("postcode")
        if mapping.postcodes == "uk":
            try:
                postcode = normalise_postcode(postcode)
            except ValueError as error:
                problems.add(line, "postcode", f'{error} (postcodes = "any" allows others)')
        else:
            postcode = postcode.upper()
        if problems.total or sex is None:
            continue  # all or nothing: no record is kept once a problem is found
        records.append(
            AgencyRecord(  # positional: the order of COLUMNS
                agency,
                local_id,
                given,
                _list(value("middle_names"), mapping),
                family,
                _list(value("previous_family_names"), mapping),
                sex,
                born,
                value("address_line_1"),
                value("address_line_2"),
                value("town"),
                postcode,
                *NO_INVOLVEMENT,
            )
        )


def _date(text: str, mapping: ColumnMapping, line: int, problems: FileProblems) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, mapping.date_format).date()
    except ValueError:
        if mapping.unreadable_dates == "error":
            problems.add(
                line,
                "date_of_birth",
                f'"{text}" is not a real date in the form {mapping.date_format} '
                '(unreadable_dates = "blank" reads it as missing)',
            )
        return None


def _list(text: str, mapping: ColumnMapping) -> tuple[str, ...]:
    parts = (part.strip() for part in text.split(mapping.list_separator))
    return tuple(part for part in parts if part)
