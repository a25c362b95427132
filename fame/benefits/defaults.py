"""The calculator's defaults, read from ``defaults.toml``: each figure with its unit and source.

``load_defaults()`` reads and checks the file (a bad one is refused with the entry and
field at fault); ``new_model_fragment()`` gives the defaults in the model's JSON shape
(issue 16), to start a new model from.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")

STATUSES = (
    "published estimate",
    "guidance",
    "seed document",
    "working estimate",
    "assumption",
)
"""How much weight a figure bears, from a named publication down to a starting point."""

_REQUIRED = ("label", "value", "unit", "status", "source", "year")
_OPTIONAL = ("low", "high", "note")

Value = float | tuple[float, ...]


class DefaultsError(ValueError):
    """The defaults file cannot be used; the message names the file, entry and field."""


@dataclass(frozen=True)
class Default:
    """One figure the calculator offers, and where it comes from."""

    key: str
    label: str
    value: Value
    unit: str
    status: str
    source: str
    year: int
    low: float | None = None
    high: float | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        shown: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "value": value,
            "unit": self.unit,
            "status": self.status,
            "source": self.source,
            "year": self.year,
        }
        if self.low is not None:
            shown["low"], shown["high"] = self.low, self.high
        if self.note:
            shown["note"] = self.note
        return shown


def _number(raw: object, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise DefaultsError(f"{where} should be a number, not {raw!r}")
    return float(raw)


def _text(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise DefaultsError(f"{where} should be some text, not {raw!r}")
    return raw.strip()


def _entry(key: str, raw: Mapping[str, Any], where: str) -> Default:
    missing = [name for name in _REQUIRED if name not in raw]
    if missing:
        raise DefaultsError(f"{where} has no {', '.join(missing)}: every default needs them")
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise DefaultsError(f"{where} has fields the calculator does not know: {unknown}")
    value: Value
    if isinstance(raw["value"], list):
        if not raw["value"]:
            raise DefaultsError(f"{where}.value should list at least one number")
        value = tuple(_number(v, f"{where}.value[{i}]") for i, v in enumerate(raw["value"]))
    else:
        value = _number(raw["value"], f"{where}.value")
    status = _text(raw["status"], f"{where}.status")
    if status not in STATUSES:
        raise DefaultsError(
            f"{where}.status should be one of {', '.join(STATUSES)}, not {status!r}"
        )
    year = raw["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
        raise DefaultsError(f"{where}.year should be a year such as 2008, not {year!r}")
    low = _number(raw["low"], f"{where}.low") if "low" in raw else None
    high = _number(raw["high"], f"{where}.high") if "high" in raw else None
    if (low is None) != (high is None):
        raise DefaultsError(f"{where} should give both low and high, or neither")
    if low is not None and high is not None:
        if isinstance(value, tuple):
            raise DefaultsError(f"{where} gives a range for a list of values")
        if not low <= value <= high:
            raise DefaultsError(
                f"{where}.value {value} should lie between low {low} and high {high}"
            )
    note = _text(raw["note"], f"{where}.note") if "note" in raw else ""
    return Default(
        key=key,
        label=_text(raw["label"], f"{where}.label"),
        value=value,
        unit=_text(raw["unit"], f"{where}.unit"),
        status=status,
        source=_text(raw["source"], f"{where}.source"),
        year=year,
        low=low,
        high=high,
        note=note,
    )


def _entries(table: Mapping[str, Any], prefix: str, where: str) -> dict[str, Default]:
    """Entries are tables with a ``value``; a table without one groups entries (``hourly_cost``)."""
    found: dict[str, Default] = {}
    for name, raw in table.items():
        key = f"{prefix}{name}"
        if not isinstance(raw, dict):
            raise DefaultsError(f"{where}: {key} should be a table of label, value, unit, ...")
        if "value" in raw:
            found[key] = _entry(key, raw, f"{where}: {key}")
        elif raw and all(isinstance(v, dict) for v in raw.values()):
            found.update(_entries(raw, f"{key}.", where))
        else:
            found[key] = _entry(key, raw, f"{where}: {key}")  # names what it lacks
    return found


def parse_defaults(text: str, *, where: str = "defaults") -> dict[str, Default]:
    """The defaults in ``text`` (TOML), by key (``hourly_cost.teacher``); refused if any is bad."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DefaultsError(f"{where} is not readable TOML: {error}") from None
    found = _entries(data, "", where)
    for needed in _NEEDED:
        if needed not in found:
            raise DefaultsError(f"{where} has no {needed}: the calculator needs it")
    return found


def load_defaults(path: Path = DEFAULTS_FILE) -> dict[str, Default]:
    """The defaults file read and checked."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DefaultsError(f"cannot read the defaults file {path}: {error.strerror}") from None
    return parse_defaults(text, where=str(path))


_NEEDED = (
    "finding_hours_per_month",
    "share_of_finding_time_saved",
    "time_benefit_ramp",
    "hourly_cost.practitioner",
    "cost_avoided_per_case",
    "discount_rate",
    "optimism_bias_costs",
    "optimism_bias_benefits",
)
"""What ``new_model_fragment`` builds a model from."""


def _scalar(defaults: Mapping[str, Default], key: str) -> float:
    value = defaults[key].value
    if isinstance(value, tuple):
        raise DefaultsError(f"defaults: {key} should be one number, not a list")
    return value


def ramp_for(years: int, ramp: tuple[float, ...]) -> list[float]:
    """The ramp over ``years`` years: as given, its last share carried on, cut at ``years``."""
    if years < 1:
        raise ValueError(f"a model covers at least one year, not {years}")
    return [ramp[min(t, len(ramp) - 1)] for t in range(years)]


def new_model_fragment(
    years: int = 5, defaults: Mapping[str, Default] | None = None
) -> dict[str, Any]:
    """The defaults as the start of a model (issue 16's JSON): the Green Book rates and a
    ``time`` benefit "Finding who is involved"; partners, costs and other benefits are the
    partnership's to add. ``fragment_sources`` says where each figure comes from."""
    chosen = load_defaults() if defaults is None else defaults
    ramp = chosen["time_benefit_ramp"].value
    ramp = ramp if isinstance(ramp, tuple) else (ramp,)
    benefit = {
        "name": "Finding who is involved",
        "kind": "time",
        "cashable": False,
        "hours_per_month": _scalar(chosen, "finding_hours_per_month"),
        "share_saved": _scalar(chosen, "share_of_finding_time_saved"),
        "hourly_cost": _scalar(chosen, "hourly_cost.practitioner"),
        "ramp": ramp_for(years, ramp),
        "shared": {"rule": "practitioners"},
    }
    return {
        "years": years,
        "discount_rate": _scalar(chosen, "discount_rate"),
        "optimism_bias": {
            "costs": _scalar(chosen, "optimism_bias_costs"),
            "benefits": _scalar(chosen, "optimism_bias_benefits"),
        },
        "partners": [],
        "costs": [],
        "benefits": [benefit],
    }


FRAGMENT_SOURCES = {
    "discount_rate": "discount_rate",
    "optimism_bias.costs": "optimism_bias_costs",
    "optimism_bias.benefits": "optimism_bias_benefits",
    "benefits[0].hours_per_month": "finding_hours_per_month",
    "benefits[0].share_saved": "share_of_finding_time_saved",
    "benefits[0].hourly_cost": "hourly_cost.practitioner",
    "benefits[0].ramp": "time_benefit_ramp",
}
"""Which default each field of ``new_model_fragment`` comes from, by the field's path."""


def fragment_sources(defaults: Mapping[str, Default] | None = None) -> dict[str, Default]:
    """The default behind each field of ``new_model_fragment``, by the field's path, so a
    page can write each figure's source beside it."""
    chosen = load_defaults() if defaults is None else defaults
    return {path: chosen[key] for path, key in FRAGMENT_SOURCES.items()}
