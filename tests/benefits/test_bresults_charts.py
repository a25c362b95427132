"""The benefits charts: SVG with a title and a description giving the same figures."""

from __future__ import annotations

from decimal import Decimal

from fame.benefits import charts
from fame.benefits.calculate import calculate
from fame.benefits.model import read_model
from fame.benefits.sensitivity import tornado

from .examples import example


def _result():
    return calculate(read_model(example()))


def test_pounds_show_pence_and_thousands_without_rounding_first():
    assert charts.pounds(Decimal("1311390.835")) == "£1,311,390.84"
    assert charts.pounds(Decimal("-1575")) == "-£1,575.00"
    assert charts.pounds(0.5) == "£0.50"
    assert charts.pounds(Decimal("0.825")) == "£0.83"  # a half penny goes up
    assert charts.pounds(Decimal("-0.004")) == "£0.00"  # no minus sign on nothing


def test_by_year_describes_each_years_costs_and_benefits():
    svg = charts.by_year(_result())
    assert svg.count("<svg") == 1 and 'role="img"' in svg
    assert "<title>Costs and benefits by year</title>" in svg
    # year 1: costs 60,000; cashable 7,200; non-cashable 80,325 (worked in test_bresults_views)
    assert (
        "year 1: costs £60,000.00, cashable benefits £7,200.00, "
        "non-cashable benefits £80,325.00" in svg
    )


def test_cumulative_marks_the_payback_year():
    svg = charts.cumulative(_result())
    assert "year 1: £27,525.00" in svg and "it pays back in year 1" in svg
    assert "Pays back in year 1" in svg  # the marker's label


def test_cumulative_says_when_a_model_never_pays_back():
    data = example()
    data["costs"][0]["amount"] = 10_000_000
    svg = charts.cumulative(calculate(read_model(data)))
    assert "it does not pay back" in svg


def test_partners_says_who_pays_and_who_gains():
    result = _result()
    svg = charts.partners(result)
    for pid, position in result.partners.items():
        net = position.present_value(position.net)
        said = "gains" if net >= 0 else "pays"
        assert f"{pid}: {charts.pounds(net)} ({said})" in svg


def test_tornado_has_a_bar_a_row_and_montecarlo_counts_its_runs():
    _, rows = tornado(example())
    svg = charts.tornado(rows)
    for row in rows:
        assert f"{row.path}: NPV {charts.pounds(row.npv_low)}" in svg
    histogram = charts.montecarlo([-10.0, 5.0, 20.0, 40.0, 80.0])
    assert "5 runs from -£10.00 to £80.00; 1 with an NPV of zero or less" in histogram


def test_realisation_describes_plan_and_actual():
    svg = charts.realisation(["April to June 2026"], [37.5], [2])
    assert "April to June 2026: planned 37.5, actual 2" in svg
