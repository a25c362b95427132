"""CAF reports counted from the CAF facts nodes send: by quarter and initiating agency type."""

from __future__ import annotations

from datetime import date

import pytest

from fame.reports.caf import (
    attendance,
    caf_quarterly,
    coordinator_queue,
    lead_professionals,
    open_and_closed,
    reviews,
    started_and_completed,
    times,
)
from fame.reports.scope import Scope

from .conftest import caf

pytestmark = pytest.mark.django_db

YEAR_2027 = Scope(date(2027, 1, 1), date(2027, 12, 31))


def test_caf_quarterly_counts_started_and_completed_by_quarter_and_agency_type(
    school, health_trust
) -> None:
    caf(school, date(2027, 1, 5), completed_on=date(2027, 2, 1))
    caf(school, date(2027, 3, 31), completed_on=date(2027, 4, 2))
    caf(health_trust, date(2027, 5, 1))
    caf(school, date(2026, 12, 31), completed_on=date(2027, 1, 2))  # started before the period

    rows = caf_quarterly(YEAR_2027)

    assert rows == [
        {"quarter": "2027-Q1", "initiating_agency_type": "School", "started": 2, "completed": 2},
        {
            "quarter": "2027-Q2",
            "initiating_agency_type": "Health trust",
            "started": 1,
            "completed": 0,
        },
        {"quarter": "2027-Q2", "initiating_agency_type": "School", "started": 0, "completed": 1},
    ]


def test_the_quarterly_table_has_every_quarter_a_column_per_type_and_a_total(
    school, health_trust
) -> None:
    for _ in range(6):
        caf(school, date(2027, 2, 1))
    caf(health_trust, date(2027, 8, 1))

    started, completed = started_and_completed(YEAR_2027)

    assert started.headings == ["Quarter", "Health trust", "School", "Total"]
    assert [row[0] for row in started.rows] == [
        "January to March 2027",
        "April to June 2027",
        "July to September 2027",
        "October to December 2027",
    ]
    assert started.rows[0][1:] == (0, 6, 6)
    assert started.page_rows()[2] == ["July to September 2027", "fewer than 5", "0", "fewer than 5"]
    assert started.file_rows()[0] == ["January to March 2027", 0, 6, 6]
    assert completed.rows == [(row[0], 0) for row in started.rows]


def test_an_area_or_agency_type_narrows_to_cafs_its_agencies_started(school, elsewhere) -> None:
    caf(school, date(2027, 2, 1))
    caf(elsewhere, date(2027, 2, 1))

    northmoor = Scope(YEAR_2027.since, YEAR_2027.until, area="Northmoor")
    health = Scope(YEAR_2027.since, YEAR_2027.until, agency_type="health_trust")

    assert [r["started"] for r in caf_quarterly(northmoor)] == [1]
    assert caf_quarterly(health) == []
    assert sum(r["started"] for r in caf_quarterly(YEAR_2027)) == 2


def test_open_closed_and_stepped_up_by_quarter(school) -> None:
    caf(school, date(2027, 1, 10))
    caf(school, date(2027, 1, 10), closed_on=date(2027, 2, 1), referred_to="lasc-001")
    caf(school, date(2027, 1, 10), closed_on=date(2027, 5, 1))

    table = open_and_closed(YEAR_2027)

    assert table.rows[0][1:] == (2, 1, 1)
    assert table.rows[1][1:] == (1, 1, 0)


def test_reviews_on_time_late_overdue_and_not_yet_due(school) -> None:
    caf(
        school,
        date(2027, 1, 1),
        reviews=[
            {"due": "2027-02-01", "held": "2027-01-30"},
            {"due": "2027-03-01", "held": "2027-03-09"},
            {"due": "2027-05-01", "held": ""},
            {"due": "2027-11-01", "held": ""},
        ],
    )

    table = reviews(YEAR_2027, today=date(2027, 6, 1))

    assert table.rows[0][1:] == (1, 1, 0, 0)
    assert table.rows[1][1:] == (0, 0, 1, 0)
    assert table.rows[3][1:] == (0, 0, 0, 1)


def test_median_times_are_left_out_when_they_rest_on_fewer_than_five_cafs(
    school, health_trust
) -> None:
    for days in (10, 20, 30, 40, 50):
        caf(school, date(2027, 1, 1), first_meeting_on=date(2027, 1, 1 + days // 2))
    caf(health_trust, date(2027, 1, 1), first_meeting_on=date(2027, 1, 8))

    table = times(YEAR_2027)

    assert table.rows[0][:4] == ("Health trust", 1, 1, None)
    assert table.rows[1][:4] == ("School", 5, 5, 15.0)
    assert table.page_rows()[0][3] == "\u2013"


def test_attendance_and_escalations_by_agency_type(school, health_trust) -> None:
    caf(
        school,
        date(2027, 1, 1),
        meetings=[
            {"held_on": "2027-02-01", "attendance": {"sch-001": "attended", "hlt-001": "absent"}},
            {"held_on": "2026-12-01", "attendance": {"hlt-001": "absent"}},
        ],
        escalations_raised=[{"agency_id": "hlt-001", "raised_on": "2027-02-02"}],
    )

    table = attendance(YEAR_2027)

    assert table.rows == [("Health trust", 0, 0, 1, 1), ("School", 1, 0, 0, 0)]


def test_lead_professionals_by_their_agency_type(school, school_teacher) -> None:
    caf(school, date(2027, 1, 1), lead_professional_username=school_teacher.username)
    caf(school, date(2027, 1, 2), lead_professional_username=school_teacher.username)
    caf(school, date(2027, 1, 3))

    table = lead_professionals(YEAR_2027)

    assert table.rows == [("School", 1, 2), ("No Lead Professional yet", 0, 1)]


def test_the_coordinators_queue_by_area(school, elsewhere) -> None:
    caf(school, date(2027, 1, 1), review_due=date(2027, 3, 1), escalations=[{"agency": "x"}])
    caf(school, date(2027, 1, 1), status="draft", action_due_dates=["2027-12-01"])
    caf(elsewhere, date(2027, 1, 1), status="closed", closed_on=date(2027, 2, 1))

    table = coordinator_queue(YEAR_2027, today=date(2027, 6, 1))

    assert table.rows == [("Northmoor", 2, 1, 1, 1, 0)]
