"""Dates on pages are written as GOV.UK writes them, whatever form they arrived in."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fame.web.jinja import long_date, long_time


def test_dates_datetimes_and_iso_text_read_as_day_month_year() -> None:
    assert long_date(date(2027, 3, 4)) == "4 March 2027"
    assert long_date(datetime(2027, 1, 12, 9, 30, tzinfo=UTC)) == "12 January 2027"
    assert long_date("2027-01-12") == "12 January 2027"
    assert long_date("2026-12-01T10:15:00+00:00") == "1 December 2026"


def test_a_missing_date_says_so_and_text_that_is_no_date_is_left_alone() -> None:
    assert long_date(None) == "Not known"
    assert long_date("", "Not set yet") == "Not set yet"
    assert long_date("next spring") == "next spring"


def test_moments_are_written_in_the_services_time_zone_with_am_and_pm() -> None:
    summer = datetime(2027, 7, 1, 14, 5, tzinfo=UTC)  # 3:05pm in London (BST)
    assert long_time(summer) == "1 July 2027 at 3:05pm"
    assert long_time(datetime(2027, 1, 12, 9, 0, tzinfo=UTC)) == "12 January 2027 at 9am"
    assert long_time(datetime(2027, 1, 12, 12, 0, tzinfo=UTC)) == "12 January 2027 at midday"
    assert long_time(datetime(2027, 1, 12, 0, 0, tzinfo=UTC)) == "12 January 2027 at midnight"
    assert long_time(None) == "Not known"


def test_a_moment_late_in_a_summer_evening_is_dated_the_next_day() -> None:
    assert long_date(datetime(2027, 7, 1, 23, 30, tzinfo=UTC)) == "2 July 2027"  # 00:30 BST
