"""A model as an XLSX workbook (openpyxl) and back: sheets Settings, Partners, Costs and
Benefits, one row an item, one column a field.

``read_workbook`` checks the whole workbook before giving the model's JSON: every problem
names its sheet, row and column (``Costs, row 3, column amount: give a number, not 'lots'``),
including those ``read_model`` finds, whose JSON paths are turned into cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from fame.web.xlsx import RefusedWorkbook, check_xlsx

from ..model import ModelError, read_model

SETTINGS = ("years", "discount_rate", "optimism_bias_costs", "optimism_bias_benefits")
PARTNER_COLUMNS = ("id", "name", "population", "practitioners")
COST_COLUMNS = ("name", "kind", "amount", "year", "from_year", "to_year", "rule", "shares", "usage")
BENEFIT_COLUMNS = (
    "name",
    "kind",
    "cashable",
    "hours_per_month",
    "share_saved",
    "hourly_cost",
    "cases_per_year",
    "share_averted",
    "cost_per_case",
    "amount",
    "ramp",
    "rule",
    "shares",
    "usage",
)
SHEETS = {
    "partners": ("Partners", PARTNER_COLUMNS),
    "costs": ("Costs", COST_COLUMNS),
    "benefits": ("Benefits", BENEFIT_COLUMNS),
}


class WorkbookError(ValueError):
    """A workbook that cannot be read; ``problems`` each name a sheet, row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _weights(shared: Any, key: str) -> str | None:
    if not isinstance(shared, dict) or not isinstance(shared.get(key), dict):
        return None
    return "; ".join(f"{pid}={value}" for pid, value in shared[key].items())


def _row(item: dict[str, Any], columns: tuple[str, ...]) -> list[Any]:
    shared = item.get("shared")
    cells: list[Any] = []
    for column in columns:
        if column == "rule":
            cells.append(shared.get("rule") if isinstance(shared, dict) else None)
        elif column in ("shares", "usage"):
            cells.append(_weights(shared, column))
        elif column == "ramp" and isinstance(item.get("ramp"), list):
            cells.append("; ".join(str(share) for share in item["ramp"]))
        else:
            cells.append(item.get(column))
    return cells


def model_workbook(data: dict[str, Any]) -> bytes:
    """The model's JSON as a workbook."""
    book = Workbook()
    settings = book.active
    assert settings is not None
    settings.title = "Settings"
    settings.append(["setting", "value"])
    bias = data.get("optimism_bias") or {}
    values = {
        "years": data.get("years"),
        "discount_rate": data.get("discount_rate"),
        "optimism_bias_costs": bias.get("costs"),
        "optimism_bias_benefits": bias.get("benefits"),
    }
    for key in SETTINGS:
        settings.append([key, values[key]])
    for key, (title, columns) in SHEETS.items():
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for item in data.get(key) or []:
            sheet.append(_row(item, columns))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []
        # JSON path prefix (such as costs[1]) to the sheet and row it came from.
        self.rows: dict[str, tuple[str, int]] = {}

    def bad(self, sheet: str, row: int | None, column: str | None, why: str) -> None:
        where = sheet
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column}"
        self.problems.append(f"{where}: {why}")

    def settings(self, sheet: Any) -> dict[str, Any]:
        found: dict[str, tuple[int, Any]] = {}
        for number, (key, value, *_) in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number == 1 or key is None:
                continue
            if key not in SETTINGS:
                self.bad("Settings", number, "setting", f"{key!r} is not a setting")
            else:
                found[str(key)] = (number, value)
        data: dict[str, Any] = {}
        for key in SETTINGS:
            if key not in found or found[key][1] is None:
                self.bad("Settings", found.get(key, (None,))[0], "value", f"give the {key}")
                continue
            self.rows[key] = ("Settings", found[key][0])
            value = found[key][1]
            if key.startswith("optimism_bias_"):
                data.setdefault("optimism_bias", {})[key.removeprefix("optimism_bias_")] = value
            else:
                data[key] = value
        return data

    def items(self, key: str, sheet: Any) -> list[dict[str, Any]]:
        title, columns = SHEETS[key]
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            self.bad(title, 1, None, f"give the column headings: {', '.join(columns)}")
            return []
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        for heading in header:
            if heading and heading not in columns:
                self.bad(title, 1, heading, f"{heading!r} is not a column ({', '.join(columns)})")
        items: list[dict[str, Any]] = []
        for number, row in enumerate(rows[1:], start=2):
            if all(cell is None or cell == "" for cell in row):
                continue
            cells = {h: v for h, v in zip(header, row, strict=False) if h in columns}
            self.rows[f"{key}[{len(items)}]"] = (title, number)
            items.append(self.item(title, number, cells))
        return items

    def item(self, title: str, number: int, cells: dict[str, Any]) -> dict[str, Any]:
        item: dict[str, Any] = {}
        shared: dict[str, Any] = {}
        for column, value in cells.items():
            if value is None or value == "":
                continue
            if column == "rule":
                shared["rule"] = value
            elif column in ("shares", "usage"):
                shared[column] = self.weights(title, number, column, value)
            elif column == "ramp":
                item["ramp"] = self.ramp(title, number, value)
            elif column == "cashable":
                item["cashable"] = self.yes_no(title, number, value)
            else:
                item[column] = value
        if shared:
            item["shared"] = shared
        return item

    def weights(self, title: str, row: int, column: str, value: Any) -> dict[str, Any]:
        weights: dict[str, Any] = {}
        for part in str(value).split(";"):
            pid, equals, number = part.partition("=")
            if not part.strip():
                continue
            parsed = _number(number)
            if not equals or not pid.strip() or parsed is None:
                self.bad(
                    title, row, column, f"write each partner as id=number, not {part.strip()!r}"
                )
                continue
            weights[pid.strip()] = parsed
        return weights

    def ramp(self, title: str, row: int, value: Any) -> list[Any]:
        if isinstance(value, int | float):
            return [value]
        shares = []
        for part in re.split(r"[;,]", str(value)):
            parsed = _number(part)
            if parsed is None:
                self.bad(title, row, "ramp", f"give shares 0 to 1 split by ;, not {part.strip()!r}")
            else:
                shares.append(parsed)
        return shares

    def yes_no(self, title: str, row: int, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("yes", "true"):
            return True
        if text in ("no", "false"):
            return False
        self.bad(title, row, "cashable", f"give yes or no, not {value!r}")
        return value

    def cell_of(self, message: str) -> str:
        """A ``read_model`` problem with its JSON path turned into a sheet, row and column."""
        path, _, why = message.partition(": ")
        match = re.match(r"^(partners|costs|benefits)\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?", path)
        if match:
            place = self.rows.get(f"{match[1]}[{match[2]}]")
            if place:
                column = match[4] if match[3] == "shared" and match[4] else match[3]
                column = column if match[3] != "shared" or match[4] else "rule"
                where = f"{place[0]}, row {place[1]}" + (f", column {column}" if column else "")
                return f"{where}: {why}"
        if path.startswith(("partners", "costs", "benefits")):
            return f"{SHEETS[path.split('[')[0].split('.')[0]][0]}: {why}"
        key = path.replace("optimism_bias.", "optimism_bias_")
        if key in self.rows:
            sheet, row = self.rows[key]
            return f"{sheet}, row {row}, column value: {why}"
        return f"Settings: {path}: {why}"


def _number(text: str) -> int | float | None:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def read_workbook(content: bytes) -> dict[str, Any]:
    """The model's JSON from a workbook, or WorkbookError with every problem by its cell."""
    try:
        check_xlsx(content)
    except RefusedWorkbook as refused:
        raise WorkbookError([f"Workbook: {refused}"]) from None
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise WorkbookError([f"Workbook: this is not an XLSX workbook ({error})"]) from None
    reader = _Reader()
    names = ["Settings"] + [title for title, _ in SHEETS.values()]
    missing = [name for name in names if name not in book.sheetnames]
    if missing:
        raise WorkbookError([f"Workbook: there is no sheet named {name}" for name in missing])
    data = reader.settings(book["Settings"])
    for key, (title, _) in SHEETS.items():
        data[key] = reader.items(key, book[title])
    book.close()
    if reader.problems:
        raise WorkbookError(reader.problems)
    try:
        read_model(data)
    except ModelError as error:
        raise WorkbookError([reader.cell_of(p) for p in error.problems]) from None
    return data
