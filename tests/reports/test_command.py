"""``fame reports caf-quarterly``: the CAF table for scripts, unsuppressed."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .conftest import caf

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("reports", "caf-quarterly", *args, stdout=out)
    return out.getvalue()


def test_json_is_a_list_of_quarter_type_started_completed(school) -> None:
    caf(school, date(2027, 1, 5), completed_on=date(2027, 4, 1))

    rows = json.loads(_run("--from", "2027-01-01", "--to", "2027-06-30", "--format", "json"))

    assert rows == [
        {"quarter": "2027-Q1", "initiating_agency_type": "School", "started": 1, "completed": 0},
        {"quarter": "2027-Q2", "initiating_agency_type": "School", "started": 0, "completed": 1},
    ]


def test_csv_has_a_header_and_small_numbers_as_they_are(school) -> None:
    caf(school, date(2027, 1, 5))

    out = _run("--from", "2027-01-01", "--to", "2027-03-31", "--format", "csv")

    assert out.splitlines() == [
        "quarter,initiating_agency_type,started,completed",
        "2027-Q1,School,1,0",
    ]


def test_a_bad_date_or_period_is_refused_in_words(db) -> None:
    with pytest.raises(CommandError, match="--from '2027-13-01' should be a date"):
        _run("--from", "2027-13-01", "--format", "json")
    with pytest.raises(CommandError, match="is after --to"):
        _run("--from", "2027-02-01", "--to", "2027-01-01", "--format", "json")
