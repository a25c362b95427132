"""A scenario: a region, the service process, its workforce and infrastructure, and the
approaches to compare, read from a TOML file and checked against a declared schema.

Every problem is reported with the path of the field it is in
(``approaches.index.finding: Input should be 'phone_round' or 'index'``), and a
scenario with any problem is not used at all.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SHIPPED = Path(__file__).resolve().parent / "scenarios"

AgencyType = Literal["school", "health", "gp", "social_care", "police", "youth", "voluntary"]
AGENCY_TYPES: tuple[str, ...] = AgencyType.__args__  # type: ignore[attr-defined]
AgeBand = Literal["under_5", "age_5_to_11", "age_12_to_18"]
AGE_BANDS: tuple[str, ...] = AgeBand.__args__  # type: ignore[attr-defined]


class ScenarioError(ValueError):
    """The scenario cannot be used; ``problems`` names each bad field by its path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fixed(_Strict):
    dist: Literal["fixed"]
    value: float = Field(ge=0)


class Exponential(_Strict):
    dist: Literal["exponential"]
    mean: float = Field(gt=0)


class LogNormal(_Strict):
    """Given by its own mean and standard deviation (not those of its logarithm)."""

    dist: Literal["lognormal"]
    mean: float = Field(gt=0)
    sd: float = Field(gt=0)


class Triangular(_Strict):
    dist: Literal["triangular"]
    low: float = Field(ge=0)
    mode: float = Field(ge=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError("needs low <= mode <= high")
        return self


Distribution = Annotated[Fixed | Exponential | LogNormal | Triangular, Field(discriminator="dist")]
Share = Annotated[float, Field(ge=0, le=1)]


class Agency(_Strict):
    """One type of agency across the region."""

    agencies_per_10000_children: float = Field(gt=0)
    practitioners_per_agency: float = Field(gt=0)
    involved: dict[AgeBand, Share]
    """The chance that a child of each age band with additional needs is known to one."""
    initiates: Share
    """This type's share of the concerns that may lead to a CAF."""
    index_coverage: Share
    """The chance that an involvement of this type reaches the Child Index (it feeds it)."""


class Region(_Strict):
    children: int = Field(gt=0, le=20_000_000)
    age_mix: dict[AgeBand, Share]
    agencies: dict[AgencyType, Agency]

    @model_validator(mode="after")
    def _shares(self) -> Region:
        for name, shares in (
            ("age_mix", self.age_mix.values()),
            ("agencies.*.initiates", [a.initiates for a in self.agencies.values()]),
        ):
            total = sum(shares)
            if abs(total - 1) > 1e-6:
                raise ValueError(f"{name} shares add up to {total:g}, not 1")
        missing = set(AGE_BANDS) - set(self.age_mix)
        if missing:
            raise ValueError(f"age_mix lacks {', '.join(sorted(missing))}")
        return self


class Finding(_Strict):
    """How a practitioner finds out who else is involved with a child."""

    needs_per_practitioner_month: float = Field(gt=0)
    extra_agencies_called: float = Field(ge=0)
    """Agencies phoned that turn out not to be involved (mean of a Poisson count)."""
    minutes_per_call: Distribution
    reach_chance: Share
    """The chance one call reaches someone who can say whether the agency is involved."""
    attempts_per_agency: int = Field(ge=1, le=20)
    days_between_attempts: Distribution
    minutes_per_index_search: Distribution
    index_finds_child: Share
    """The chance an index search finds the right child."""
    share_without_account: Share
    """Practitioners without an account, who ask the ISA team (facilitated access)."""
    isa_minutes_per_request: Distribution


class CafProcess(_Strict):
    concerns_per_10000_children_year: float = Field(gt=0)
    days_to_decide: Distribution
    caf_chance: Share
    """The chance a concern leads to a CAF (otherwise no further action or a referral)."""
    consent_chance: Share
    days_to_consent: Distribution
    days_to_assess: Distribution
    assessment_hours: Distribution
    retell_chance: Share
    """The chance another involved agency asks the family for its story again."""
    tac_when_agencies_over: int = Field(ge=0)
    coordinator_hours_per_tac: Distribution
    days_to_gather_tac: Distribution
    meeting_hours_per_attendee: Distribution
    days_to_services: Distribution
    days_between_reviews: Distribution
    review_hours: Distribution
    close_chance_at_review: Share
    step_up_chance_at_review: Share
    details_requests_per_caf: float = Field(ge=0)
    refusal_no_consent_chance: Share
    refusal_no_protocol_chance: Share
    minutes_per_phoned_request: Distribution


class Workforce(_Strict):
    coordinators_per_100000_children: float = Field(gt=0)
    coordinator_hours_per_day: float = Field(gt=0, le=24)
    isa_officers: int = Field(ge=1)
    isa_hours_per_day: float = Field(gt=0, le=24)
    tac_slots_per_week_per_100000_children: float = Field(gt=0)
    """Team Around the Child meetings the partnership can hold (rooms, chairs) in a week."""


class Infrastructure(_Strict):
    node_days_between_failures: Distribution
    node_hours_to_repair: Distribution
    days_to_retry_request: Distribution
    request_seconds: Distribution
    """How long a federated request takes to answer, when the node is up."""
    index_updates_per_node_day: float = Field(ge=0)
    """Deliveries of index updates each node sends the hub in a day (a Poisson stream)."""
    tree_head_hours: float = Field(gt=0, le=24 * 7)
    """How often the hub signs a tree head of its audit log and sends it to every node."""


class Approach(_Strict):
    label: str = Field(min_length=1, max_length=120)
    finding: Literal["phone_round", "index"]
    record: Literal["paper", "shared"]
    """Paper: each agency keeps its own copy and may ask the family again."""
    requests: Literal["phone", "federated"]
    days_to_gather_tac: Distribution | None = None
    """Set where the approach changes how quickly a meeting can be gathered."""


class Scenario(_Strict):
    name: str = Field(min_length=1, max_length=80, pattern=r"^[a-z0-9_]+$")
    description: str
    days: int = Field(gt=0, le=3650)
    seed: int = Field(ge=0)
    region: Region
    finding: Finding
    caf: CafProcess
    workforce: Workforce
    infrastructure: Infrastructure
    approaches: dict[Annotated[str, Field(pattern=r"^[a-z0-9_]+$")], Approach]

    @model_validator(mode="after")
    def _has_approaches(self) -> Scenario:
        if not self.approaches:
            raise ValueError("names no approach")
        return self

    def practitioners_by_type(self) -> dict[str, float]:
        """Practitioners of each agency type across the region (not rounded)."""
        return {
            str(t): a.agencies_per_10000_children * a.practitioners_per_agency
            * self.region.children / 10_000
            for t, a in self.region.agencies.items()
        }  # fmt: skip


def _where(location: tuple[int | str, ...]) -> str:
    # pydantic adds the union member's tag to the path ("lognormal"): a reader wants the field.
    parts = [
        str(part)
        for part in location
        if part not in ("fixed", "exponential", "lognormal", "triangular")
    ]
    return ".".join(parts) or "scenario"


def _merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it: tables merge, other values replace."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and "dist" not in value:
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _table(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError([f"{where}: not valid TOML ({error})"]) from None


def _read(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{where}: there is no file {path}"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{where}: {path} is a folder, not a file"]) from None
    except UnicodeDecodeError:
        raise ScenarioError([f"{where}: {path} is not UTF-8 text"]) from None


def parse_scenario(text: str, *, folder: Path = SHIPPED, depth: int = 0) -> Scenario:
    """The scenario in ``text``. ``based_on = "regional"`` starts from another scenario
    (a file beside this one, or a shipped one, by name) and changes only what is given."""
    data = _table(text, "scenario")
    base = data.pop("based_on", None)
    if base is not None:
        if not isinstance(base, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", base):
            raise ScenarioError(['based_on: give the name of another scenario, like "regional"'])
        if depth > 4:
            raise ScenarioError(["based_on: scenarios are based on each other in a circle"])
        found = next(
            (p for p in (folder / f"{base}.toml", SHIPPED / f"{base}.toml") if p.is_file()), None
        )
        if found is None:
            raise ScenarioError(
                [f"based_on: there is no scenario {base!r} beside this one or shipped"]
            )
        parent = parse_scenario(_read(found, "based_on"), folder=found.parent, depth=depth + 1)
        data = _merged(parent.model_dump(exclude_none=True), data)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(
            [
                f"{_where(e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
                for e in error.errors()
            ]
        ) from None


def read_scenario(path: Path) -> Scenario:
    """The scenario in ``path``, or ScenarioError saying what is wrong with it."""
    return parse_scenario(_read(path, "scenario"), folder=path.parent)


def shipped_scenarios() -> list[Path]:
    return sorted(SHIPPED.glob("*.toml"))
