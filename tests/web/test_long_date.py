"""Dates on pages are written as GOV.UK writes them, whatever form they arrived in."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fame.web.jinja import long_date


def test_dates_datetimes_and_iso_text_read_as_day_month_year() -> None:
    assert long_date(date(2027, 3, 4)) == "4 March 2027"
    assert long_date(datetime(2027, 1, 12, 9, 30, tzinfo=UTC)) == "12 January 2027"
    assert long_date("2027-01-12") == "12 January 2027"
    assert long_date("2026-12-01T10:15:00+00:00") == "1 December 2026"


def test_a_missing_date_says_so_and_text_that_is_no_date_is_left_alone() -> None:
    assert long_date(None) == "Not known"
    assert long_date("", "Not set yet") == "Not set yet"
    assert long_date("next spring") == "next spring"
