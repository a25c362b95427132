"""Figures for a benefits model taken from elsewhere in FAME, each saying where it came from.

- ``from_comparison(data)``: a Demonstrator comparison (the JSON ``fame demonstrator
  compare --json`` prints) as the ``time`` benefit's inputs, the hours saved with the
  comparison's 95% interval, and CAFs a year for the ``usage`` sharing rule.
- ``live_usage(partners, since, until)``: the running system's actual use per calendar
  quarter per partner, from the hub's audit log, for benefits realisation (plan against
  actual) and the ``usage`` rule.

How partners map to organisations: a partner is the organisations (agency IDs, as on the
audit log) listed under its ``organisations``, or, if it lists none, the one organisation
whose agency ID is the partner's ``id``. An organisation belongs to at most one partner;
activity of organisations no partner names is counted apart, as ``unassigned``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEMONSTRATOR_SOURCE = "Demonstrator comparison (fame demonstrator compare)"
LIVE_SOURCE = "the hub's audit log (successful actions by each organisation's people)"

MONTHS_A_YEAR = 12
QUARTERS_A_YEAR = 4


class FiguresError(ValueError):
    """Figures cannot be taken from what was given; the message names the field at fault."""


@dataclass(frozen=True)
class Sourced:
    """A figure, its 95% interval where there is one, and where it came from."""

    value: float
    source: str
    low: float | None = None
    high: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "source": self.source}


# From a Demonstrator comparison ------------------------------------------------------

FINDING = "finding_hours_per_practitioner_month"
CAFS = "cafs_per_quarter"


@dataclass(frozen=True)
class ComparisonFigures:
    """What a comparison says about one approach against its baseline."""

    hours_per_month: Sourced
    """Hours a practitioner spends a month finding who is involved, as things are."""
    hours_saved_per_month: Sourced
    """Of those, the hours a month the approach saves (with the paired interval)."""
    share_saved: Sourced
    """The hours saved over the hours spent: the ``time`` benefit's ``share_saved``."""
    activity: dict[str, Sourced]
    """A year's activity under the approach: ``cafs`` and ``cafs_<agency kind>``."""
    not_in_comparison: tuple[str, ...] = field(default=())
    """Activity the comparison does not count: enter it, or take it from the live system."""

    def time_benefit(self) -> dict[str, float]:
        """The ``time`` benefit's fields a comparison gives (the model's JSON shape)."""
        return {
            "hours_per_month": self.hours_per_month.value,
            "share_saved": self.share_saved.value,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "time_benefit": self.time_benefit(),
            "hours_per_month": self.hours_per_month.as_dict(),
            "hours_saved_per_month": self.hours_saved_per_month.as_dict(),
            "share_saved": self.share_saved.as_dict(),
            "activity": {name: figure.as_dict() for name, figure in self.activity.items()},
            "not_in_comparison": list(self.not_in_comparison),
        }


def _at(data: Any, path: Sequence[str]) -> Any:
    here = data
    for depth, key in enumerate(path):
        if not isinstance(here, dict) or key not in here:
            where = ".".join(path[: depth + 1])
            raise FiguresError(
                f"the comparison has no {where}: is it from fame demonstrator compare?"
            )
        here = here[key]
    return here


def _mean(data: Any, path: Sequence[str]) -> float:
    value = _at(data, [*path, "mean"])
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FiguresError(
            f"the comparison's {'.'.join(path)}.mean should be a number, not {value!r}"
        )
    return float(value)


def _bound(data: Any, path: Sequence[str], end: str) -> float | None:
    value = _at(data, path).get(end)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FiguresError(f"the comparison's {'.'.join(path)}.{end} should be a number or null")
    return float(value)


def from_comparison(
    data: Mapping[str, Any], *, approach: str = "index_caf_federated"
) -> ComparisonFigures:
    """The ``time`` benefit's inputs and a year's activity, from a Demonstrator comparison of
    ``approach`` against the comparison's baseline (``differences_from``, usually ``as_is``).

    hours_per_month is the baseline's mean; hours saved is minus the mean paired difference,
    its interval the paired interval turned round; share_saved is saved over spent, its
    interval the saving's interval over the same mean, kept between 0 and 1. CAFs a year are
    four quarters' worth, the interval's low end kept at 0 or above (a count is never less).
    """
    baseline = _at(data, ["differences_from"])
    approaches = _at(data, ["approaches"])
    if not isinstance(approaches, list) or approach not in approaches:
        raise FiguresError(f"the comparison has no approach {approach!r}; it has {approaches!r}")
    if approach == baseline:
        raise FiguresError(f"{approach!r} is the comparison's baseline: choose another approach")
    runs = f"{data.get('scenario', '?')} scenario, {data.get('replications', '?')} replications"
    spent_path = ["measures", FINDING, str(baseline)]
    spent = _mean(data, spent_path)
    if spent <= 0:
        raise FiguresError(
            f"the comparison's {'.'.join(spent_path)}.mean is {spent}: no time to save"
        )
    change_path = ["differences", FINDING, approach]
    saved = -_mean(data, change_path)
    change_low, change_high = (_bound(data, change_path, e) for e in ("ci_low", "ci_high"))
    saved_low = None if change_high is None else -change_high
    saved_high = None if change_low is None else -change_low
    said = f"{DEMONSTRATOR_SOURCE}: {runs}"
    hours = Sourced(
        spent,
        f"{said}; {FINDING} under {baseline}",
        _bound(data, spent_path, "ci_low"),
        _bound(data, spent_path, "ci_high"),
    )
    hours_saved = Sourced(
        saved, f"{said}; {FINDING}, {baseline} less {approach}", saved_low, saved_high
    )
    share = Sourced(
        saved / spent,
        f"{said}; hours saved under {approach} over hours spent under {baseline}",
        None if saved_low is None else min(1.0, max(0.0, saved_low / spent)),
        None if saved_high is None else min(1.0, max(0.0, saved_high / spent)),
    )
    return ComparisonFigures(
        hours_per_month=hours,
        hours_saved_per_month=hours_saved,
        share_saved=share,
        activity=_activity(data, approach, said),
        not_in_comparison=("searches", "detail_requests"),
    )


def _activity(data: Mapping[str, Any], approach: str, said: str) -> dict[str, Sourced]:
    measures = _at(data, ["measures"])
    found: dict[str, Sourced] = {}
    for name in measures:
        if name != CAFS and not name.startswith(f"{CAFS}_"):
            continue
        path = ["measures", name, approach]
        if _at(data, path).get("mean") is None:
            continue  # a kind of agency that made no CAFs in any run
        low, high = (_bound(data, path, e) for e in ("ci_low", "ci_high"))
        kind = name.removeprefix(CAFS)
        found[f"cafs{kind}"] = Sourced(
            _mean(data, path) * QUARTERS_A_YEAR,
            f"{said}; {name} under {approach}, times {QUARTERS_A_YEAR} quarters",
            None if low is None else max(0.0, low) * QUARTERS_A_YEAR,
            None if high is None else high * QUARTERS_A_YEAR,
        )
    if "cafs" not in found:
        raise FiguresError(f"the comparison has no measures.{CAFS}.{approach}.mean")
    return found


# From the live system --------------------------------------------------------------

MEASURES: Mapping[str, str] = {
    "index.search": "searches",
    "caf.started": "cafs_started",
    "caf.completed": "cafs_completed",
    "federation.detail_requested": "detail_requests",
}
"""The audited actions counted, and the measure each is counted under."""

REVIEWED = "cafs_reviewed"
"""A CAF completed again (a review's new version) is counted here, not as a CAF completed:
the audit log names the CAF each completion is of, so the first completion can be told."""

MEASURE_NAMES = (*MEASURES.values(), REVIEWED)

_QUARTER_NAMES = ("January to March", "April to June", "July to September", "October to December")


def quarter_of(day: date) -> date:
    """The first day of the calendar quarter ``day`` falls in."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(start: date) -> date:
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def quarter_label(start: date) -> str:
    """``January to March 2026``: how the CAF quarterly figures are headed in a board report."""
    return f"{_QUARTER_NAMES[(start.month - 1) // 3]} {start.year}"


Counts = dict[str, int]


def _zero() -> Counts:
    return dict.fromkeys(MEASURE_NAMES, 0)


@dataclass(frozen=True)
class LiveUsage:
    """Each partner's use of the system in each calendar quarter of a period."""

    since: date
    until: date
    quarters: tuple[date, ...]
    """Every quarter the period touches, in order, first days; those with no use included."""
    partners: dict[str, dict[date, Counts]]
    """By partner ID, by quarter: each measure's count."""
    unassigned: dict[date, Counts]
    """Use by organisations no partner names (or by the system itself), by quarter."""

    def complete(self, quarter: date) -> bool:
        """Whether the period covers the whole of ``quarter`` (not only part of it)."""
        last_day = date.fromordinal(_next_quarter(quarter).toordinal() - 1)
        return self.since <= quarter and last_day <= self.until

    def totals(self, partner: str) -> Counts:
        """The partner's counts over the whole period."""
        summed = _zero()
        for counts in self.partners[partner].values():
            for measure, count in counts.items():
                summed[measure] += count
        return summed

    def usage(self, measure: str) -> dict[str, int]:
        """The ``usage`` sharing rule's figures: each partner's count of ``measure``."""
        if measure not in MEASURE_NAMES:
            raise FiguresError(f"usage is counted as {', '.join(MEASURE_NAMES)}, not {measure!r}")
        return {partner: self.totals(partner)[measure] for partner in self.partners}

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "source": LIVE_SOURCE,
            "quarters": [
                {
                    "quarter": quarter.isoformat(),
                    "label": quarter_label(quarter),
                    "complete": self.complete(quarter),
                    "partners": {p: by[quarter] for p, by in self.partners.items()},
                    "unassigned": self.unassigned[quarter],
                }
                for quarter in self.quarters
            ],
            "totals": {partner: self.totals(partner) for partner in self.partners},
        }


def organisations_of(partners: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each organisation's agency ID and the partner it belongs to: a partner's
    ``organisations`` if it lists them, or else its ``id``."""
    owner: dict[str, str] = {}
    seen: set[str] = set()
    for i, partner in enumerate(partners):
        pid = partner.get("id") if isinstance(partner, Mapping) else None
        if not isinstance(pid, str) or not pid:
            raise FiguresError(f"partners[{i}].id should be the partner's ID, not {pid!r}")
        if pid in seen:
            raise FiguresError(f"partners[{i}].id {pid!r} is given twice")
        seen.add(pid)
        listed = partner.get("organisations", [pid])
        if not isinstance(listed, list) or not listed:
            raise FiguresError(f"partners[{i}].organisations should list agency IDs")
        for j, agency in enumerate(listed):
            if not isinstance(agency, str) or not agency:
                raise FiguresError(f"partners[{i}].organisations[{j}] should be an agency ID")
            if agency in owner:
                raise FiguresError(
                    f"partners[{i}].organisations[{j}] {agency!r} already belongs to "
                    f"{owner[agency]!r}: an organisation belongs to one partner"
                )
            owner[agency] = pid
    return owner


def live_usage(partners: Sequence[Mapping[str, Any]], since: date, until: date) -> LiveUsage:
    """Each partner's searches, CAFs started, completed and reviewed and detail requests in each
    calendar quarter from ``since`` to ``until`` (whole days where the service is, both
    included), from the audit log; quarters only partly in the period are marked so."""
    from fame.audit import quarterly_counts  # the audit log's models: only when asked

    if until < since:
        raise FiguresError(f"the period ends ({until}) before it starts ({since})")
    owner = organisations_of(partners)
    quarters: list[date] = []
    quarter = quarter_of(since)
    while quarter <= until:
        quarters.append(quarter)
        quarter = _next_quarter(quarter)
    by_partner = {pid: {q: _zero() for q in quarters} for pid in dict.fromkeys(owner.values())}
    unassigned = {q: _zero() for q in quarters}
    found = quarterly_counts(
        list(MEASURES), since=since, until=until, repeats_by={"caf.completed": "caf"}
    )
    for row in found:
        pid = owner.get(row.organisation)
        counts = unassigned if pid is None else by_partner[pid]
        measure = REVIEWED if row.again else MEASURES[row.action]
        counts[row.quarter][measure] += row.count
    return LiveUsage(
        since=since,
        until=until,
        quarters=tuple(quarters),
        partners=by_partner,
        unassigned=unassigned,
    )
