"""Benefits realisation: the model's planned activity against the live system's counts,
quarter by quarter."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from fame.audit import record_event
from fame.benefits.models import BenefitsModel
from fame.benefits.results.realisation import model_year
from tests.conftest import signed_in_client
from tests.factories import OrganisationFactory, UserFactory

from .examples import example


def at(moment: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def benefits_model(partnership_officer) -> BenefitsModel:
    data = example()
    data["partners"][0]["organisations"] = ["lasc-1"]
    data["partners"][1]["organisations"] = ["hlt-1"]
    data["benefits"][1]["shared"] = {"rule": "usage", "usage": {"la": 400, "pct": 200}}
    found = BenefitsModel.objects.create(
        name="Finding who is involved", partnership="Northshire", created_by=partnership_officer
    )
    found.save_version(data, by=partnership_officer)
    return found


QUERY = {
    "started-day": "1",
    "started-month": "4",
    "started-year": "2026",
    "measure": "searches",
    "plan_la": "400",
    "plan_pct": "200",
}


def test_model_years_count_whole_years_of_quarters_from_the_start() -> None:
    assert model_year(date(2026, 4, 1), date(2026, 4, 1)) == 1
    assert model_year(date(2026, 4, 1), date(2027, 1, 1)) == 1  # the fourth quarter
    assert model_year(date(2026, 4, 1), date(2027, 4, 1)) == 2


def test_the_plan_is_prefilled_from_the_models_usage_rule(benefits_model, partnership_officer):
    page = (
        signed_in_client(partnership_officer)
        .get(f"/benefits/{benefits_model.pk}/realisation")
        .content.decode()
    )
    assert 'value="400"' in page and 'value="200"' in page


def test_plan_against_actual_by_quarter(benefits_model, partnership_officer, monkeypatch):
    social_worker = UserFactory(username="sw", organisation=OrganisationFactory(agency_id="lasc-1"))
    visitor = UserFactory(username="hv", organisation=OrganisationFactory(agency_id="hlt-1"))
    at(datetime(2026, 5, 12, 10, 0, tzinfo=UTC), monkeypatch)
    record_event("index.search", actor=social_worker, target="child-index")
    record_event("index.search", actor=social_worker, target="child-index")
    at(datetime(2026, 8, 3, 10, 0, tzinfo=UTC), monkeypatch)
    record_event("index.search", actor=visitor, target="child-index")
    at(datetime(2026, 12, 4, 12, 0, tzinfo=UTC), monkeypatch)

    response = signed_in_client(partnership_officer).get(
        f"/benefits/{benefits_model.pk}/realisation", QUERY
    )
    page = response.content.decode()

    # Planned a quarter in year 1: a year's plan / 4 x the time benefit's ramp 0.25:
    # la 400 / 4 x 0.25 = 25.0; pct 200 / 4 x 0.25 = 12.5; together 37.5.
    rows = page.split('<tr class="govuk-table__row">')
    april = next(r for r in rows if "April to June 2026" in r)
    july = next(r for r in rows if "July to September 2026" in r)
    assert _cells(april) == ["1", "25.0", "2", "12.5", "0", "37.5", "2"]
    assert _cells(july) == ["1", "25.0", "0", "12.5", "1", "37.5", "1"]
    assert "October to December 2026 (part of the quarter)" in page
    assert "January to March 2027" not in page  # not yet
    chart = signed_in_client(partnership_officer).get(
        f"/benefits/{benefits_model.pk}/charts/realisation.svg", QUERY
    )
    assert chart.status_code == 200 and b"April to June 2026: planned 37.5, actual 2" in (
        chart.content
    )


def _cells(row: str) -> list[str]:
    return re.findall(r'govuk-table__cell--numeric">([^<]*)</td>', row)


def test_a_missing_start_is_a_govuk_error(benefits_model, partnership_officer):
    query = QUERY | {"started-day": "", "started-month": "", "started-year": ""}
    page = (
        signed_in_client(partnership_officer)
        .get(f"/benefits/{benefits_model.pk}/realisation", query)
        .content.decode()
    )
    assert "There is a problem" in page and "<title>Error: " in page


def test_a_negative_plan_is_a_govuk_error(benefits_model, partnership_officer):
    page = (
        signed_in_client(partnership_officer)
        .get(f"/benefits/{benefits_model.pk}/realisation", QUERY | {"plan_pct": "-1"})
        .content.decode()
    )
    assert "The activity planned for pct must be 0 or more" in page


def test_someone_who_does_not_model_benefits_cannot_see_realisation(benefits_model, health_visitor):
    client = signed_in_client(health_visitor)
    assert client.get(f"/benefits/{benefits_model.pk}/realisation").status_code == 403


def test_live_counts_become_the_usage_rules_counts_in_a_new_version(
    benefits_model, partnership_officer, monkeypatch
):
    social_worker = UserFactory(username="sw", organisation=OrganisationFactory(agency_id="lasc-1"))
    visitor = UserFactory(username="hv", organisation=OrganisationFactory(agency_id="hlt-1"))
    at(datetime(2026, 5, 12, 10, 0, tzinfo=UTC), monkeypatch)
    for _ in range(3):
        record_event("index.search", actor=social_worker, target="child-index")
    record_event("index.search", actor=visitor, target="child-index")
    at(datetime(2026, 12, 4, 12, 0, tzinfo=UTC), monkeypatch)
    client = signed_in_client(partnership_officer)
    assert "Use these counts for sharing by usage" in (
        client.get(f"/benefits/{benefits_model.pk}/realisation", QUERY).content.decode()
    )

    response = client.post(f"/benefits/{benefits_model.pk}/realisation", QUERY)

    assert response.status_code == 302
    current = benefits_model.current()
    assert current.number == 2
    shared = current.data["benefits"][1]["shared"]
    assert shared["usage"] == {"la": 3, "pct": 1}  # searches from 1 April 2026 to today
    assert "searches of the index from 1 April 2026" in current.note


def test_no_use_at_all_cannot_share_by_usage(benefits_model, partnership_officer, monkeypatch):
    at(datetime(2026, 12, 4, 12, 0, tzinfo=UTC), monkeypatch)
    client = signed_in_client(partnership_officer)
    response = client.post(f"/benefits/{benefits_model.pk}/realisation", QUERY, follow=True)
    assert "The counts cannot be used:" in response.content.decode()
    assert benefits_model.current().number == 1
