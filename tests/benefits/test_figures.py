"""Figures taken from a Demonstrator comparison and from the live system's audit log."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from fame.audit import record_event
from fame.benefits.figures import (
    FiguresError,
    from_comparison,
    live_usage,
    organisations_of,
    quarter_label,
    quarter_of,
)
from tests.factories import OrganisationFactory, UserFactory

from ..conftest import signed_in_client
from ..federation.conftest import agencies, embedded_node, federation_settings  # noqa: F401
from ..federation.test_detail_requests import ask_school, olivia  # noqa: F401 - fixtures


def _interval(mean: float | None, low: float | None, high: float | None) -> dict[str, Any]:
    return {"mean": mean, "ci_low": low, "ci_high": high}


def minimal_comparison() -> dict[str, Any]:
    """The shape ``fame demonstrator compare --json`` prints, cut to what the figures read."""
    return {
        "scenario": "hand-made",
        "replications": 5,
        "seed": 1,
        "approaches": ["as_is", "index_caf_federated"],
        "measures": {
            "finding_hours_per_practitioner_month": {
                "as_is": _interval(2.5, 2.0, 3.0),
                "index_caf_federated": _interval(0.5, 0.4, 0.6),
            },
            "cafs_per_quarter": {
                "as_is": _interval(10.0, 8.0, 12.0),
                "index_caf_federated": _interval(12.5, -1.0, 20.0),
            },
            "cafs_per_quarter_school": {
                "as_is": _interval(6.0, 5.0, 7.0),
                "index_caf_federated": _interval(7.25, 6.0, 8.5),
            },
            "cafs_per_quarter_gp": {
                "as_is": _interval(None, None, None),
                "index_caf_federated": _interval(None, None, None),
            },
        },
        "differences_from": "as_is",
        "differences": {
            "finding_hours_per_practitioner_month": {
                "index_caf_federated": _interval(-2.0, -2.25, -1.5),
            },
        },
    }


# From a comparison -------------------------------------------------------------------


def test_from_comparison_turns_hours_saved_into_the_time_benefit() -> None:
    figures = from_comparison(minimal_comparison())

    # Spent as things are: 2.5 hours a month (interval 2.0 to 3.0).
    # Saved: minus the paired difference, -(-2.0) = 2.0; its interval turned round,
    # -(-1.5) = 1.5 to -(-2.25) = 2.25.
    # Share saved: 2.0 / 2.5 = 0.8; interval 1.5 / 2.5 = 0.6 to 2.25 / 2.5 = 0.9.
    assert figures.time_benefit() == {"hours_per_month": 2.5, "share_saved": pytest.approx(0.8)}
    assert (figures.hours_per_month.low, figures.hours_per_month.high) == (2.0, 3.0)
    saved = figures.hours_saved_per_month
    assert (saved.value, saved.low, saved.high) == (2.0, 1.5, 2.25)
    assert figures.share_saved.low == pytest.approx(0.6)
    assert figures.share_saved.high == pytest.approx(0.9)
    assert "hand-made scenario, 5 replications" in figures.share_saved.source
    assert "as_is less index_caf_federated" in saved.source


def test_from_comparison_gives_cafs_a_year_for_the_usage_rule() -> None:
    figures = from_comparison(minimal_comparison())

    # CAFs a year under the approach: 12.5 a quarter x 4 = 50, interval -1.0 (kept at 0) x 4
    # = 0 to 20.0 x 4 = 80; schools: 7.25 x 4 = 29, 6.0 x 4 = 24 to 8.5 x 4 = 34.
    cafs = figures.activity["cafs"]
    assert (cafs.value, cafs.low, cafs.high) == (50.0, 0.0, 80.0)
    school = figures.activity["cafs_school"]
    assert (school.value, school.low, school.high) == (29.0, 24.0, 34.0)
    assert "cafs_gp" not in figures.activity  # no CAF by a GP in any run: nothing to say
    assert "cafs_per_quarter_school under index_caf_federated" in school.source
    assert figures.not_in_comparison == ("searches", "detail_requests")


def test_from_comparison_keeps_the_share_saved_within_one() -> None:
    data = minimal_comparison()
    # Saved 2.0 to 3.0 of 2.5 spent: the share's interval would reach 3.0 / 2.5 = 1.2.
    data["differences"]["finding_hours_per_practitioner_month"]["index_caf_federated"] = _interval(
        -2.5, -3.0, -2.0
    )

    figures = from_comparison(data)

    assert figures.share_saved.value == 1.0
    assert figures.share_saved.high == 1.0
    assert figures.share_saved.low == pytest.approx(0.8)


def test_from_comparison_as_json_carries_each_source() -> None:
    shown = json.loads(json.dumps(from_comparison(minimal_comparison()).as_dict()))

    assert shown["time_benefit"]["hours_per_month"] == 2.5
    assert shown["activity"]["cafs"]["value"] == 50.0
    assert shown["hours_saved_per_month"]["source"].startswith("Demonstrator comparison")


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda d: d.pop("differences"), r"no differences\b"),
        (
            lambda d: d["measures"]["finding_hours_per_practitioner_month"].pop("as_is"),
            r"no measures\.finding_hours_per_practitioner_month\.as_is",
        ),
        (
            lambda d: d["measures"]["finding_hours_per_practitioner_month"]["as_is"].update(
                mean="lots"
            ),
            r"finding_hours_per_practitioner_month\.as_is\.mean should be a number",
        ),
        (
            lambda d: d["measures"]["finding_hours_per_practitioner_month"]["as_is"].update(
                mean=0.0
            ),
            r"no time to save",
        ),
        (lambda d: d["measures"].pop("cafs_per_quarter"), r"no measures\.cafs_per_quarter"),
    ],
)
def test_from_comparison_refuses_a_bad_comparison_naming_the_field(spoil, message) -> None:
    data = minimal_comparison()
    spoil(data)

    with pytest.raises(FiguresError, match=message):
        from_comparison(data)


def test_from_comparison_refuses_an_approach_it_does_not_hold() -> None:
    with pytest.raises(FiguresError, match="no approach 'index'"):
        from_comparison(minimal_comparison(), approach="index")
    with pytest.raises(FiguresError, match="is the comparison's baseline"):
        from_comparison(minimal_comparison(), approach="as_is")


def test_from_comparison_reads_a_real_comparison_run() -> None:
    printed = StringIO()
    call_command(
        "demonstrator",
        "compare",
        "--scenario=small",
        "--replications=2",
        "--jobs=1",
        "--json",
        stdout=printed,
    )
    data = json.loads(printed.getvalue())

    figures = from_comparison(data)

    measures = data["measures"]["finding_hours_per_practitioner_month"]
    change = data["differences"]["finding_hours_per_practitioner_month"]["index_caf_federated"]
    assert figures.hours_per_month.value == measures["as_is"]["mean"]
    assert figures.hours_saved_per_month.value == -change["mean"]
    spent, saved = figures.hours_per_month.value, figures.hours_saved_per_month.value
    assert figures.share_saved.value == pytest.approx(saved / spent)
    assert 0 < figures.share_saved.value <= 1  # the index saves time in the small scenario
    assert (
        figures.activity["cafs"].value
        == 4 * data["measures"]["cafs_per_quarter"]["index_caf_federated"]["mean"]
    )


# From the live system ----------------------------------------------------------------

PARTNERS = [
    {"id": "la", "population": 40000, "practitioners": 600, "organisations": ["lasc-1", "sch-1"]},
    {"id": "pct", "population": 40000, "practitioners": 250, "organisations": ["hlt-1"]},
]
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
SEARCH = {
    "family_name": "Hartley",
    "date_of_birth-day": "4",
    "date_of_birth-month": "3",
    "date_of_birth-year": "2017",
}


@pytest.fixture
def people(db) -> dict[str, Any]:
    """A social worker, a teacher, a health visitor and a police officer (no partner's)."""
    return {
        name: UserFactory(username=name, organisation=OrganisationFactory(agency_id=agency))
        for name, agency in (
            ("social_worker", "lasc-1"),
            ("teacher", "sch-1"),
            ("visitor", "hlt-1"),
            ("officer", "pol-1"),
        )
    }


def at(moment: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit log records events as happening at ``moment`` (UTC)."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_live_usage_with_no_activity_counts_zero_in_every_quarter(db) -> None:
    usage = live_usage(PARTNERS, *YEAR)

    assert usage.quarters == (
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
    )
    zero = {
        "searches": 0,
        "cafs_started": 0,
        "cafs_completed": 0,
        "detail_requests": 0,
        "cafs_reviewed": 0,
    }
    assert usage.partners == {
        "la": dict.fromkeys(usage.quarters, zero),
        "pct": dict.fromkeys(usage.quarters, zero),
    }
    assert usage.usage("searches") == {"la": 0, "pct": 0}


def test_live_usage_counts_a_search_made_through_the_index_page(people) -> None:
    today = timezone.localdate()
    period = (quarter_of(today), today)
    before = live_usage(PARTNERS, *period)

    signed_in_client(people["teacher"]).post("/children", SEARCH)
    after = live_usage(PARTNERS, *period)

    assert before.usage("searches") == {"la": 0, "pct": 0}
    assert after.partners["la"][quarter_of(today)]["searches"] == 1
    assert after.usage("searches") == {"la": 1, "pct": 0}


def test_live_usage_counts_a_detail_request_made_through_the_record_page(
    health_visitor,
    olivia,  # noqa: F811 - the fixture
) -> None:
    # Partners named by agency ID alone: the health trust and the school.
    partners = [{"id": "hlt-001"}, {"id": "sch-001"}]
    today = timezone.localdate()
    before = live_usage(partners, today, today).usage("detail_requests")
    client = signed_in_client(health_visitor)

    response = ask_school(client)  # refused at the school's node: no protocol covers it
    after = live_usage(partners, today, today)

    assert response.status_code == 302
    assert before == {"hlt-001": 0, "sch-001": 0}
    assert after.usage("detail_requests") == {"hlt-001": 1, "sch-001": 0}
    assert after.usage("searches") == {"hlt-001": 1, "sch-001": 0}  # it found Olivia first


def test_live_usage_counts_each_measure_for_each_partner(people, monkeypatch) -> None:
    # In April to June: the social worker and the teacher (both "la") start a CAF each and
    # the teacher completes one; the health visitor ("pct") asks for details twice; the
    # police officer, whom no partner names, searches once.
    at(datetime(2026, 6, 1, 9, 0, tzinfo=UTC), monkeypatch)
    record_event("caf.started", actor=people["social_worker"], target="person:a")
    record_event("caf.started", actor=people["teacher"], target="person:b")
    record_event("caf.completed", actor=people["teacher"], target="person:b", details={"caf": "B"})
    record_event("federation.detail_requested", actor=people["visitor"], target="person:a")
    record_event("federation.detail_requested", actor=people["visitor"], target="person:b")
    record_event("index.search", actor=people["officer"], target="child-index")
    # Refused and failed attempts are not use.
    record_event("caf.started", actor=people["teacher"], target="person:c", outcome="refused")
    record_event("caf.completed", actor=people["teacher"], target="person:c", outcome="failure")

    usage = live_usage(PARTNERS, *YEAR)

    q2 = date(2026, 4, 1)
    assert usage.partners["la"][q2] == {
        "searches": 0,
        "cafs_started": 2,
        "cafs_completed": 1,
        "detail_requests": 0,
        "cafs_reviewed": 0,
    }
    assert usage.partners["pct"][q2]["detail_requests"] == 2
    assert usage.unassigned[q2]["searches"] == 1
    assert usage.usage("cafs_started") == {"la": 2, "pct": 0}
    assert usage.usage("detail_requests") == {"la": 0, "pct": 2}


def test_live_usage_counts_a_caf_completed_again_as_reviewed(people, monkeypatch) -> None:
    # CAF "B" is completed in December 2025 (before the period), reviewed in February and
    # May 2026; CAF "C" is completed for the first time in May. So in 2026: January to March,
    # 0 completed and 1 reviewed; April to June, 1 completed ("C") and 1 reviewed ("B").
    teacher = people["teacher"]
    for moment, caf in (
        (datetime(2025, 12, 10, 9, 0, tzinfo=UTC), "B"),
        (datetime(2026, 2, 10, 9, 0, tzinfo=UTC), "B"),
        (datetime(2026, 5, 10, 9, 0, tzinfo=UTC), "B"),
        (datetime(2026, 5, 11, 9, 0, tzinfo=UTC), "C"),
    ):
        at(moment, monkeypatch)
        record_event("caf.completed", actor=teacher, target="person:b", details={"caf": caf})

    usage = live_usage(PARTNERS, *YEAR)

    by_quarter = {
        q: (counts["cafs_completed"], counts["cafs_reviewed"])
        for q, counts in usage.partners["la"].items()
    }
    assert by_quarter[date(2026, 1, 1)] == (0, 1)
    assert by_quarter[date(2026, 4, 1)] == (1, 1)
    assert usage.totals("la")["cafs_completed"] == 1


def test_live_usage_puts_each_event_in_its_quarter_where_the_service_is(
    people, monkeypatch
) -> None:
    # British Summer Time began on 29 March 2026: 22:30 UTC on 31 March is 23:30 that day in
    # London (January to March), 23:30 UTC is 00:30 on 1 April (April to June).
    for moment in (
        datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
        datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, tzinfo=UTC),  # GMT: still 31 December
        datetime(2027, 1, 1, 0, 0, tzinfo=UTC),  # the next year: outside the period
    ):
        at(moment, monkeypatch)
        record_event("index.search", actor=people["visitor"], target="child-index")

    usage = live_usage(PARTNERS, *YEAR)

    searches = {q: counts["searches"] for q, counts in usage.partners["pct"].items()}
    assert searches == {
        date(2026, 1, 1): 1,
        date(2026, 4, 1): 1,
        date(2026, 7, 1): 0,
        date(2026, 10, 1): 1,
    }


def test_live_usage_marks_quarters_the_period_covers_only_in_part(db) -> None:
    usage = live_usage(PARTNERS, date(2026, 2, 15), date(2026, 6, 30))

    assert usage.quarters == (date(2026, 1, 1), date(2026, 4, 1))
    assert not usage.complete(date(2026, 1, 1))
    assert usage.complete(date(2026, 4, 1))
    shown = json.loads(json.dumps(usage.as_dict()))
    assert [q["label"] for q in shown["quarters"]] == [
        "January to March 2026",
        "April to June 2026",
    ]
    assert [q["complete"] for q in shown["quarters"]] == [False, True]
    assert shown["quarters"][1]["partners"]["pct"]["searches"] == 0
    assert shown["totals"]["la"]["cafs_started"] == 0


def test_a_partner_without_organisations_is_the_organisation_with_its_id() -> None:
    owner = organisations_of([{"id": "la"}, {"id": "pct", "organisations": ["hlt-1", "hlt-2"]}])

    assert owner == {"la": "la", "hlt-1": "pct", "hlt-2": "pct"}


@pytest.mark.parametrize(
    ("partners", "message"),
    [
        ([{"population": 1}], r"partners\[0\]\.id should be"),
        ([{"id": "la"}, {"id": "la"}], r"partners\[1\]\.id 'la' is given twice"),
        ([{"id": "la", "organisations": "lasc-1"}], r"partners\[0\]\.organisations should list"),
        (
            [{"id": "la", "organisations": ["x"]}, {"id": "pct", "organisations": ["x"]}],
            r"partners\[1\]\.organisations\[0\] 'x' already belongs to 'la'",
        ),
    ],
)
def test_partners_that_do_not_map_to_organisations_are_refused(partners, message) -> None:
    with pytest.raises(FiguresError, match=message):
        organisations_of(partners)


def test_live_usage_refuses_a_period_that_ends_before_it_starts(db) -> None:
    with pytest.raises(FiguresError, match="ends"):
        live_usage(PARTNERS, date(2026, 6, 1), date(2026, 5, 31))
    with pytest.raises(FiguresError, match="usage is counted as"):
        live_usage(PARTNERS, *YEAR).usage("hugs")


def test_quarters_are_calendar_quarters_as_in_the_board_report() -> None:
    assert quarter_of(date(2026, 3, 31)) == date(2026, 1, 1)
    assert quarter_of(date(2026, 4, 1)) == date(2026, 4, 1)
    assert quarter_of(date(2026, 12, 31)) == date(2026, 10, 1)
    assert quarter_label(date(2026, 7, 1)) == "July to September 2026"
