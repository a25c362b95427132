"""A whole synthetic region, from a number of children and a seed."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from fame.records import AgencyRecord

from .errors import agency_copy
from .involvements import Agencies, Involvement, LocalIds, involvements
from .messy import LifeEvents, life_events, roughen
from .organisations import Organisation, build_organisations
from .people import Child, Family, make_families
from .places import AddressBook, local_authorities_for
from .staff import Practitioner, build_staff, demo_logins

REFERENCE_DATE = date(2026, 9, 1)
"""The day the region describes: ages, dates and validity are relative to it, not to today,
so that one seed gives the same region on any day."""


@dataclass(frozen=True, slots=True)
class TruthRow:
    """Which true child an agency record is about."""

    agency_id: str
    local_id: str
    child_key: str


@dataclass(slots=True)
class Region:
    """Everything ``fame synth`` makes: the agencies' view (records) and the truth beside it."""

    seed: int
    as_of: date
    local_authorities: tuple[str, ...]
    organisations: list[Organisation]
    practitioners: list[Practitioner]
    demo_logins: dict[str, str]
    families: list[Family]
    children: list[Child]
    records: list[AgencyRecord]
    truth: list[TruthRow]


PROGRESS_STEPS_PER_CHILD = 3
"""``generate_region`` reports progress in steps: three per child (made, placed, recorded)."""


class _Progress:
    """Passes progress on in batches, so that a progress bar costs next to nothing."""

    def __init__(self, report: Callable[[int], None] | None) -> None:
        self._report = report
        self._pending = 0

    def __call__(self, steps: int) -> None:
        self._pending += steps
        if self._report is not None and self._pending >= 1000:
            self._report(self._pending)
            self._pending = 0

    def flush(self) -> None:
        if self._report is not None and self._pending:
            self._report(self._pending)
        self._pending = 0


def _stream(seed: int, part: str) -> random.Random:
    """An independent random stream per part, so that changing one part leaves the rest alone."""
    return random.Random(f"fame synth/{seed}/{part}")


def generate_region(
    children: int,
    seed: int,
    as_of: date = REFERENCE_DATE,
    *,
    progress: Callable[[int], None] | None = None,
    messy: bool = True,
) -> Region:
    """A region of ``children`` children on ``as_of``; the same arguments give the same region.

    ``progress`` (if given) is called now and then with a number of steps done;
    they add up to ``PROGRESS_STEPS_PER_CHILD * children``. ``messy=False`` leaves
    out the life events and slips of ADR 0038 (the base error model of ADR 0004
    only), to compare with regions made before them.
    """
    if children < 1:
        raise ValueError(f"a region needs at least one child, not {children}")
    authorities = local_authorities_for(children)
    organisations = build_organisations(
        _stream(seed, "organisations"), children, authorities, as_of
    )
    step = _Progress(progress)
    made = _stream(seed, "people")
    book = AddressBook(authorities, made)
    families = make_families(made, children, authorities, as_of, step, book)
    people = [child for family in families for child in family.children]
    events = (
        life_events(_stream(seed, "life events"), families, book, authorities, as_of)
        if messy
        else LifeEvents({}, {}, {})
    )

    agencies = Agencies(organisations)
    choose = _stream(seed, "involvements")
    known: list[tuple[Child, list[Involvement]]] = []
    cases: Counter[tuple[str, str]] = Counter()
    for child in people:
        found = involvements(choose, child, agencies, as_of)
        known.append((child, found))
        cases.update((i.organisation.agency_id, i.service.job_title) for i in found)
        step(1)

    practitioners, caseworkers = build_staff(_stream(seed, "staff"), organisations, cases, as_of)

    ids, assign, err = LocalIds(), _stream(seed, "local ids"), _stream(seed, "errors")
    slips = _stream(seed, "slips")
    records: list[AgencyRecord] = []
    truth: list[TruthRow] = []
    for child, found in known:
        for involvement in found:
            local_id = ids.new(assign, involvement)
            key = (involvement.organisation.agency_id, involvement.service.job_title)
            email = assign.choice(caseworkers[key])
            record = agency_copy(err, child, involvement, local_id, email, as_of)
            if messy:
                record = roughen(slips, record, child, involvement, events, as_of)
            records.append(record)
            truth.append(TruthRow(involvement.organisation.agency_id, local_id, child.key))
        step(1)
    step.flush()
    events.settle(families)

    return Region(
        seed=seed,
        as_of=as_of,
        local_authorities=authorities,
        organisations=organisations,
        practitioners=practitioners,
        demo_logins=demo_logins(organisations, practitioners, as_of),
        families=families,
        children=people,
        records=records,
        truth=truth,
    )
