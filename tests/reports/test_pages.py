"""The reports' pages: who may see them, small numbers on pages and in files, charts,
and comparator areas kept as entered."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fame.audit.models import AuditEvent
from fame.caf.models import BudgetAllocation, BudgetCommitment, BudgetSpend
from fame.reports.models import ComparatorFigures

from ..conftest import UserFactory, signed_in_client
from .conftest import caf

pytestmark = pytest.mark.django_db

PERIOD = {
    "since-day": "1",
    "since-month": "1",
    "since-year": "2026",
    "until-day": "31",
    "until-month": "3",
    "until-year": "2026",
}


@pytest.fixture
def three_cafs(school):
    for _ in range(3):
        caf(school, date(2026, 2, 1))


def test_a_practitioner_is_refused_every_report(school_teacher) -> None:
    client = signed_in_client(school_teacher)

    for name, args in (
        ("reports:home", []),
        ("reports:report", ["caf"]),
        ("reports:chart", ["caf", "started"]),
        ("reports:report", ["budgets"]),
        ("reports:comparators", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert AuditEvent.objects.filter(action="access.refused").count() == 5


def test_the_index_lists_the_report_groups_and_the_nav_links_to_it(manager) -> None:
    page = signed_in_client(manager).get(reverse("reports:home")).content.decode()

    for slug in ("caf", "usage", "workforce", "comparison", "budgets"):
        assert reverse("reports:report", args=[slug]) in page
    assert 'href="/reports/"' in page


def test_the_budgets_report_totals_money_and_leaves_out_a_service_of_few_cafs(
    manager, school
) -> None:
    lead = UserFactory(username="lena", organisation=school, roles=["practitioner"])
    at = timezone.make_aware(datetime(2026, 2, 2, 12))
    for i in range(6):
        overview = caf(school, date(2026, 1, 10))
        BudgetAllocation.objects.create(overview=overview, amount_pence=50000, by=manager, at=at)
        commitment = BudgetCommitment.objects.create(
            overview=overview,
            service_id="svc-parenting",
            service_name="Parenting course",
            amount_pence=30000,
            by=lead,
            at=at,
        )
        BudgetSpend.objects.create(
            commitment=commitment, amount_pence=10000, spent_on=date(2026, 3, 1), by=lead
        )
        if i == 0:
            BudgetCommitment.objects.create(
                overview=overview,
                service_id="svc-speech",
                service_name="Speech group",
                amount_pence=4500,
                by=lead,
                at=at,
            )

    client = signed_in_client(manager)
    page = client.get(reverse("reports:report", args=["budgets"]), PERIOD).content.decode()
    spreadsheet = client.get(
        reverse("reports:report", args=["budgets"]),
        {**PERIOD, "download": "csv", "table": "budget-services"},
    )

    assert "£3,000.00" in page  # allocated: six budgets of £500
    assert "£1,845.00" in page  # committed: six parenting courses and one speech group
    assert "£600.00" in page  # spent
    assert "£45.00" not in page  # one CAF's speech group: its money is left out
    chart = client.get(reverse("reports:chart", args=["budgets", "budget-quarters"]), PERIOD)
    assert "Pounds (£)" in chart.content.decode()
    rows = list(csv.reader(io.StringIO(spreadsheet.content.decode())))
    assert rows[1:] == [
        ["Parenting course", "6", "6", "1800.0", "600.0"],
        ["Speech group", "<5", "<5", "", ""],
    ]


def test_a_manager_sees_small_numbers_suppressed_and_the_period_chosen(manager, three_cafs) -> None:
    response = signed_in_client(manager).get(reverse("reports:report", args=["caf"]), PERIOD)
    page = response.content.decode()

    assert response.status_code == 200
    assert "1 January 2026 to 31 March 2026, Northmoor" in page
    assert "fewer than 5" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' not in page
    assert reverse("reports:chart", args=["caf", "started"]) in page
    event = AuditEvent.objects.get(action="reports.viewed")
    assert event.target == "report:caf"


def test_the_coordinators_team_sees_small_numbers_on_pages(coordinator, three_cafs) -> None:
    page = signed_in_client(coordinator).get(reverse("reports:report", args=["caf"]), PERIOD)

    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in page.content.decode()
    )


def test_a_manager_sees_their_own_area_only(manager, school, elsewhere) -> None:
    caf(elsewhere, date(2026, 2, 1))
    for _ in range(5):
        caf(school, date(2026, 2, 1))

    page = signed_in_client(manager).get(
        reverse("reports:report", args=["caf"]), {**PERIOD, "area": "Southmoor"}
    )

    assert "31 March 2026, Northmoor" in page.content.decode()
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric">5</td>' in page.content.decode()
    )


def test_csv_suppresses_small_numbers_even_for_the_coordinators_team(
    coordinator, three_cafs
) -> None:
    response = signed_in_client(coordinator).get(
        reverse("reports:report", args=["caf"]), {**PERIOD, "download": "csv", "table": "started"}
    )

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Quarter", "School", "Total"], ["January to March 2026", "<5", "<5"]]
    assert AuditEvent.objects.get(action="reports.downloaded").details["table"] == "started"


def test_xlsx_has_a_sheet_per_table_with_small_numbers_suppressed(manager, three_cafs) -> None:
    response = signed_in_client(manager).get(
        reverse("reports:report", args=["caf"]), {**PERIOD, "download": "xlsx"}
    )

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["started", "completed"]
    values = [list(r) for r in book["started"].iter_rows(values_only=True)]
    assert ["Quarter", "School", "Total"] in values
    assert ["January to March 2026", "<5", "<5"] in values


def test_an_unknown_table_or_format_is_not_found(manager) -> None:
    client = signed_in_client(manager)
    url = reverse("reports:report", args=["caf"])

    assert client.get(url, {"download": "csv", "table": "nope"}).status_code == 404
    assert client.get(url, {"download": "pdf"}).status_code == 404
    assert client.get(reverse("reports:report", args=["nope"])).status_code == 404


def test_a_chart_is_svg_with_its_figures_in_words_small_ones_suppressed(
    manager, three_cafs
) -> None:
    response = signed_in_client(manager).get(
        reverse("reports:chart", args=["caf", "started"]), PERIOD
    )
    svg = response.content.decode()

    assert response["Content-Type"] == "image/svg+xml"
    assert "<title>CAFs started, by quarter and initiating agency type</title>" in svg
    assert "January to March 2026: School fewer than 5" in svg


def test_every_report_group_renders(manager, coordinator, school) -> None:
    caf(school, date(2026, 2, 1), completed_on=date(2026, 3, 1))
    for who in (manager, coordinator):
        client = signed_in_client(who)
        for slug in ("caf", "usage", "workforce", "comparison"):
            assert client.get(reverse("reports:report", args=[slug])).status_code == 200, slug


def test_a_manager_enters_a_comparator_kept_as_evidence(manager) -> None:
    client = signed_in_client(manager)

    response = client.post(
        reverse("reports:comparators"),
        {
            "area": "Kent",
            "year": "2010",
            "children": "327000",
            "caf_staff": "12",
            "cafs_started": "",
            "source": "Children's Trust Board paper, March 2010",
        },
    )

    assert response.status_code == 302
    kent = ComparatorFigures.objects.get()
    assert (kent.area, kent.children, kent.caf_staff, kent.entered_by) == (
        "Kent",
        327000,
        12,
        manager,
    )
    assert AuditEvent.objects.get(action="reports.comparator_entered").details["area"] == "Kent"
    page = client.get(reverse("reports:report", args=["comparison"])).content.decode()
    assert "Kent" in page and "0.4" in page and "27,250.0" in page


def test_a_comparator_with_mistakes_is_not_kept_and_each_is_named(manager) -> None:
    response = signed_in_client(manager).post(
        reverse("reports:comparators"),
        {"area": "", "year": "twenty", "children": "0", "caf_staff": "-1", "source": ""},
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert not ComparatorFigures.objects.exists()
    for words in (
        "Enter the area",
        "The year must be a whole number",
        "The number of children must be 1 or more",
        "CAF staff must be 0 or more",
        "Say where the figures come from",
    ):
        assert words in page, words
    assert 'value="twenty"' in page


def test_a_coordinator_may_read_comparators_but_not_enter_them(coordinator) -> None:
    client = signed_in_client(coordinator)

    assert "Enter an area" not in client.get(reverse("reports:comparators")).content.decode()
    refused = client.post(reverse("reports:comparators"), {"area": "Kent"})
    assert refused.status_code == 403
    assert not ComparatorFigures.objects.exists()


def test_the_demo_seeds_seed_004s_comparators_once(partnership_officer) -> None:
    from fame.reports.seeding import seed_comparators

    assert seed_comparators(logins={"partnership_officer": "pat"}) == 2
    assert seed_comparators(logins={"partnership_officer": "pat"}) == 0
    kent = ComparatorFigures.objects.get(area="Kent")
    assert (kent.children, kent.caf_staff) == (327_000, 12)
