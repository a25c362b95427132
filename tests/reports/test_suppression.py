"""Small numbers (1 to 4) on pages, in files and in charts; figures resting on them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from fame.index.models import LinkMethod, Person, ReviewItem, SourceRecord
from fame.reports.charts import table_chart
from fame.reports.scope import Scope
from fame.reports.suppression import in_file, on_page
from fame.reports.tables import Column, Kind, Table
from fame.reports.usage import review_queue

TABLE = Table(
    "t",
    "Things by kind",
    [Column("Kind", Kind.LABEL), Column("Count"), Column("Median", Kind.FIGURE)],
    [("Small", 3, None), ("Nought", 0, 2.5), ("Large", 12, 7.25)],
    chart="bars",
)


@pytest.mark.parametrize(
    ("count", "page", "file"),
    [
        (0, "0", 0),
        (1, "fewer than 5", "<5"),
        (4, "fewer than 5", "<5"),
        (5, "5", 5),
        (12345, "12,345", 12345),
        (None, "\u2013", ""),
    ],
)
def test_counts_on_pages_and_in_files(count, page, file) -> None:
    assert on_page(count) == page
    assert in_file(count) == file


def test_the_coordinators_team_sees_counts_on_pages_but_files_never_do() -> None:
    assert TABLE.page_rows(suppress=False)[0] == ["Small", "3", "\u2013"]
    assert TABLE.page_rows()[0] == ["Small", "fewer than 5", "\u2013"]
    assert TABLE.file_rows() == [["Small", "<5", ""], ["Nought", 0, 2.5], ["Large", 12, 7.25]]


def test_a_chart_draws_a_small_count_as_nought_and_says_it_is_small() -> None:
    svg = table_chart(TABLE)

    assert "<title>Things by kind</title>" in svg
    assert "Small: Count fewer than 5; Nought: Count 0; Large: Count 12" in svg
    assert "Small: Count 3" in table_chart(TABLE, suppress=False)


@pytest.mark.django_db
def test_the_review_queue_counts_decisions_and_how_long_items_wait(school) -> None:
    now = timezone.now()
    child = Person.objects.create()
    records = [
        SourceRecord.objects.create(
            organisation=school,
            local_id=f"r{i}",
            data={},
            content_hash="0",
            person=child,
            link_method=LinkMethod.choices[0][0],
        )
        for i in range(12)
    ]
    for i in range(6):
        ReviewItem.objects.create(
            record=records[2 * i],
            candidate=records[2 * i + 1],
            weight=9.0,
            status="linked" if i < 5 else "open",
            decided_at=now + timedelta(hours=2 * (i + 1)) if i < 5 else None,
        )
    today = timezone.localdate()

    table = review_queue(Scope(today - timedelta(days=1), today), now=now + timedelta(hours=10))

    raised, linked, apart, waiting, decided_hours, waiting_hours = table.rows[-1][1:]
    assert (raised, linked, apart, waiting) == (6, 5, 0, 1)
    assert decided_hours == pytest.approx(6.0, abs=0.1)
    assert waiting_hours is None  # one item waiting: too few for a median
    assert isinstance(now, datetime)
