"""A benefits model's results, charts, CSV and sensitivity pages, for those who model
benefits; the figures are the issue's example model, worked by hand below."""

from __future__ import annotations

import csv
import io
import re

import pytest

from fame.benefits.models import BenefitsModel
from fame.benefits.results.forms import MonteCarloForm
from tests.conftest import signed_in_client

from .examples import example

# The example, year 1, by hand (optimism bias: costs x 1.2, benefits x 0.9):
#   costs: hosting 30,000 x 1.2 = 36,000 (running) + integration 20,000 x 1.2 = 24,000
#     (one-off) = 60,000
#   time: 2 h x 12 x 0.5 x £35 x (600 + 250) practitioners = 357,000; x ramp 0.25 x 0.9
#     = 80,325 (non-cashable)
#   escalations: ramp 0 -> 0; licences: 8,000 x 1 x 0.9 = 7,200 (cashable)
#   net = 7,200 + 80,325 - 60,000 = 27,525, not discounted: pays back in year 1.
# Year 2: costs 36,000; time 357,000 x 0.75 x 0.9 = 240,975; escalations 40 x 0.1 x
#   25,000 x 0.5 x 0.9 = 45,000; licences 7,200; net 293,175 - 36,000 = 257,175;
#   discounted 257,175 / 1.035 = 248,478.2608... -> £248,478.26.
# Partners, year 1: la pays hosting 18,000 (half by population) + integration 16,800
#   (0.7) = 34,800 and gains time 80,325 x 600/850 = 56,700 + licences 7,200 = 63,900,
#   net 29,100; pct pays 18,000 + 7,200 = 25,200, gains 80,325 x 250/850 = 23,625,
#   net -1,575.


@pytest.fixture
def benefits_model(partnership_officer) -> BenefitsModel:
    found = BenefitsModel.objects.create(
        name="Finding who is involved", partnership="Northshire", created_by=partnership_officer
    )
    found.save_version(example(), by=partnership_officer, note="From the issue")
    return found


def test_results_show_each_year_totals_and_partners_to_the_penny(
    benefits_model, partnership_officer
):
    client = signed_in_client(partnership_officer)
    response = client.get(f"/benefits/{benefits_model.pk}/results")
    assert response.status_code == 200
    page = response.content.decode()
    assert "£60,000.00" in page  # year 1 costs: one-off 24,000 and running 36,000
    assert "£24,000.00" in page and "£36,000.00" in page
    assert "£80,325.00" in page and "£7,200.00" in page and "£27,525.00" in page
    assert "£248,478.26" in page
    assert "Year 1</dd>" in page  # payback
    assert "la gains" in page
    assert "£29,100.00" in page and "-£1,575.00" in page


def test_results_of_an_older_version_are_shown_when_asked(benefits_model, partnership_officer):
    cheaper = example()
    cheaper["costs"][1]["amount"] = 10000  # one-off 10,000 x 1.2 = 12,000
    benefits_model.save_version(cheaper, by=partnership_officer)
    client = signed_in_client(partnership_officer)
    current = client.get(f"/benefits/{benefits_model.pk}/results").content.decode()
    older = client.get(f"/benefits/{benefits_model.pk}/results?version=1").content.decode()
    assert "£12,000.00" in current and "£24,000.00" not in current
    assert "£24,000.00" in older and "This is not the current version" in older
    assert client.get(f"/benefits/{benefits_model.pk}/results?version=9").status_code == 404


def test_someone_who_does_not_model_benefits_is_refused(benefits_model, health_visitor):
    client = signed_in_client(health_visitor)
    for address in ("results", "results.csv", "charts/by-year.svg", "sensitivity"):
        assert client.get(f"/benefits/{benefits_model.pk}/{address}").status_code == 403


@pytest.mark.parametrize("name", ["by-year", "cumulative", "partners", "tornado"])
def test_each_chart_is_an_svg_with_a_title(benefits_model, partnership_officer, name):
    response = signed_in_client(partnership_officer).get(
        f"/benefits/{benefits_model.pk}/charts/{name}.svg"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<title>" in response.content and b"<desc>" in response.content


def test_an_unknown_chart_is_not_found(benefits_model, partnership_officer):
    client = signed_in_client(partnership_officer)
    assert client.get(f"/benefits/{benefits_model.pk}/charts/pie.svg").status_code == 404


def test_the_csv_has_a_row_a_year_and_each_partners_rows(benefits_model, partnership_officer):
    response = signed_in_client(partnership_officer).get(
        f"/benefits/{benefits_model.pk}/results.csv"
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    years = [r for r in rows if r["row"] == "year"]
    assert [r["year"] for r in years] == ["1", "2", "3", "4", "5"]
    assert years[0]["costs"] == "60000.00" and years[0]["net"] == "27525.00"
    assert years[1]["discounted_net"] == "248478.26"
    la_1 = next(r for r in rows if r["row"] == "partner" and r["partner"] == "la")
    assert (la_1["costs"], la_1["benefits"], la_1["net"]) == ("34800.00", "63900.00", "29100.00")
    assert len([r for r in rows if r["row"] == "partner_present_value"]) == 2


def test_sensitivity_shows_the_tornado_and_prefills_ranges(benefits_model, partnership_officer):
    response = signed_in_client(partnership_officer).get(
        f"/benefits/{benefits_model.pk}/sensitivity"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "benefits[0].hours_per_month" in page
    # hours 2.0 prefilled 20% either side: 1.6 and 2.4
    assert 'value="1.6"' in page and 'value="2.4"' in page
    assert "Monte Carlo run" in page and "P10" not in page


def _ranges_query(benefits_model, partnership_officer, **changes):
    """The page's prefilled ranges (20% either side), 200 runs, seed 7, and ``changes``."""
    form = MonteCarloForm(None, model_data=example())
    query = {name: str(form[name].value()) for name in form.fields}
    query |= {"runs": "200", "seed": "7"} | changes
    return signed_in_client(partnership_officer), query


def _percentiles(page: str) -> list[str]:
    return re.findall(
        r"<dt class=\"govuk-summary-list__key\">P\d0[^<]*</dt>"
        r"<dd class=\"govuk-summary-list__value\">([^<]+)</dd>",
        page,
    )


def test_a_monte_carlo_run_gives_percentiles_and_a_histogram(benefits_model, partnership_officer):
    client, query = _ranges_query(benefits_model, partnership_officer)
    page = client.get(f"/benefits/{benefits_model.pk}/sensitivity", query).content.decode()
    shown = _percentiles(page)
    assert len(shown) == 3 and "over 200 runs (seed 7)" in page
    p10, p50, p90 = (float(v.replace("£", "").replace(",", "")) for v in shown)
    assert p10 <= p50 <= p90
    again = client.get(f"/benefits/{benefits_model.pk}/sensitivity", query).content.decode()
    assert _percentiles(again) == shown  # the same seed, the same answer
    chart = client.get(f"/benefits/{benefits_model.pk}/charts/montecarlo.svg", query)
    assert chart.status_code == 200 and b"200 runs" in chart.content


def test_a_range_out_of_order_is_a_govuk_error(benefits_model, partnership_officer):
    client, query = _ranges_query(benefits_model, partnership_officer, a0_low="50000")
    page = client.get(f"/benefits/{benefits_model.pk}/sensitivity", query).content.decode()
    assert "There is a problem" in page and "<title>Error: " in page
    assert "For costs[0].amount, low must be no more than likely" in page
    assert 'value="50000"' in page  # what was typed is kept
    assert "P10" not in page


def test_a_share_above_one_is_a_govuk_error(benefits_model, partnership_officer):
    # benefits[0].share_saved is the fourth assumption (two costs' amounts, hours, share)
    client, query = _ranges_query(benefits_model, partnership_officer, a3_high="1.5")
    page = client.get(f"/benefits/{benefits_model.pk}/sensitivity", query).content.decode()
    assert "For benefits[0].share_saved, high must be 1 or less" in page


def test_too_many_runs_are_refused(benefits_model, partnership_officer):
    client, query = _ranges_query(benefits_model, partnership_officer, runs="20001")
    page = client.get(f"/benefits/{benefits_model.pk}/sensitivity", query).content.decode()
    assert "Number of runs must be 20,000 or fewer" in page
