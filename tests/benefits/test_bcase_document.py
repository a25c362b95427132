"""The business case document: the partnership's sections, the model's results to the
penny, the readiness summary when a round is chosen, and the training plan."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from fame.accounts.models import TrainingCourse, TrainingRecord
from fame.benefits.calculate import calculate
from fame.benefits.case.actions import choose_round, save_section
from fame.benefits.case.document import assumption_name, case_document, number, ratio
from fame.benefits.case.pdf import case_html
from fame.benefits.money import pounds as money
from fame.readiness.models import PlanAction

from .bcase_fixtures import fixture_benefits_model, fixture_readiness_round  # noqa: F401
from .examples import example


def html_of(benefits_model, round_=None) -> str:
    return case_html(case_document(benefits_model, benefits_model.current(), round_))


def test_money_is_shown_to_the_penny_with_separators():
    assert money(Decimal("1311390.840772")) == "£1,311,390.84"
    assert money(Decimal("0.005")) == "£0.01"  # half a penny rounds up
    assert money(Decimal("-1575")) == "-£1,575.00"
    assert ratio(Decimal("7.821958236521")) == "7.82"
    assert ratio(None) == "Not defined (no costs)"
    assert number(Decimal("0.080000")) == "0.08"
    assert number(Decimal("1200")) == "1,200"


def test_assumptions_are_named_as_a_reader_would():
    data = example()
    assert assumption_name(data, "costs[0].amount") == "Hub hosting: amount"
    assert assumption_name(data, "benefits[1].cases_per_year") == (
        "Escalations avoided: cases a year"
    )
    assert assumption_name(data, "optimism_bias.costs") == "Optimism bias on costs"


def test_economic_case_shows_the_models_figures_to_the_penny(benefits_model):
    html = html_of(benefits_model)

    # Year 1, worked by hand from the model:
    # costs: integration 20,000 x 1.2 = 24,000 one-off; hosting 30,000 x 1.2 = 36,000 running.
    # benefits: time 2 x 12 x 0.5 x 35 x (600 + 250) = 357,000 x ramp 0.25 x 0.9 = 80,325
    # non-cashable; licences 8,000 x 0.9 = 7,200 cashable; escalations ramp 0.
    # net = 80,325 + 7,200 - 60,000 = 27,525 (year 1 is not discounted).
    row1 = (
        "<td>£24,000.00</td><td>£36,000.00</td><td>£7,200.00</td><td>£80,325.00</td>"
        "<td>£27,525.00</td><td>1</td><td>£27,525.00</td>"
    )
    assert row1 in html
    # Year 2: benefits 357,000 x 0.75 x 0.9 = 240,975 + escalations 40 x 0.1 x 25,000
    # x 0.5 x 0.9 = 45,000 + 7,200; costs 36,000; net 257,175; / 1.035 = 248,478.26.
    assert "<td>£257,175.00</td><td>0.9662</td><td>£248,478.26</td>" in html
    result = calculate(benefits_model.current().model)
    for value in (result.npv, result.pv_costs, result.pv_benefits):
        assert money(value) in html
    assert money(result.pv("cashable")) in html and money(result.pv("non_cashable")) in html
    assert "£1,311,390.84" in html  # the NPV the example gives
    assert "Year 1" in html  # payback: year 1's discounted net is already positive
    assert "<td>7.82</td>" in html


def test_sensitivity_headline_lists_the_three_largest_swings(benefits_model):
    document = case_document(benefits_model, benefits_model.current(), None)

    assert len(document.tornado) == 3
    swings = [line.swing.swing for line in document.tornado]
    assert swings == sorted(swings, reverse=True)
    html = case_html(document)
    for line in document.tornado:
        assert line.name in html and money(line.swing.swing) in html


def test_financial_case_shows_who_pays_and_who_gains(benefits_model):
    html = html_of(benefits_model)

    # pct, year 1: costs hosting 36,000 / 2 (population) + integration 24,000 x 0.3
    # = 25,200; benefits time 80,325 x 250 / 850 = 23,625; net -1,575.
    assert "<td>-£1,575.00</td>" in html
    # la, year 1: costs 18,000 + 16,800 = 34,800; benefits 80,325 x 600 / 850 = 56,700
    # + licences 7,200 = 63,900; net 29,100.
    assert "<td>£29,100.00</td>" in html
    result = calculate(benefits_model.current().model)
    la = result.partners["la"]
    assert money(la.present_value(la.net)) in html
    assert "Gains more than it pays" in html


def test_unwritten_sections_say_so_and_written_ones_show(benefits_model, partnership_officer):
    save_section(
        benefits_model=benefits_model,
        section="strategic",
        text="Agencies work apart today.\n\nJoining up lets them find each other.",
        by=partnership_officer,
    )

    html = html_of(benefits_model)

    assert "<p>Agencies work apart today.</p><p>Joining up lets them find each other.</p>" in html
    assert html.count("Not yet written.") == 5  # every section but the strategic case


def test_readiness_summary_appears_only_when_a_round_is_chosen(
    benefits_model, readiness_round, partnership_officer
):
    PlanAction.objects.create(
        round=readiness_round,
        statement_id="SC-P-1",
        block="scoping",
        dimension="practice",
        text="Write the scoping statement",
        term="short",
        owner="Pat Partner",
        due_on=date(2027, 3, 31),
        accepted_by=partnership_officer,
    )

    without = html_of(benefits_model)
    choose_round(benefits_model=benefits_model, round_id=readiness_round.pk, by=partnership_officer)
    with_round = html_of(benefits_model, readiness_round)

    assert "No readiness round was chosen" in without
    assert "Write the scoping statement" not in without
    assert "No readiness round was chosen" not in with_round
    assert "Readiness score of each building block in each dimension" in with_round
    assert "Autumn 2026" in with_round
    assert "Write the scoping statement; led by Pat Partner; due 31 March 2027" in with_round


def test_training_plan_counts_accreditation_and_current_training(benefits_model, isa_officer):
    course = TrainingCourse.objects.create(
        code="sharing-basics", name="Information sharing basics", valid_for_months=12
    )
    TrainingRecord.objects.create(user=isa_officer, course=course, completed_on=date.today())
    TrainingRecord.objects.create(
        user=benefits_model.created_by,
        course=course,
        completed_on=date.today() - timedelta(days=400),  # more than 12 months ago: expired
    )

    html = html_of(benefits_model)

    assert "Information sharing basics" in html
    assert "<td>12 months</td><td>2</td><td>1</td>" in html  # 2 completed, 1 current
    assert '<th scope="row">Accredited</th><td>1</td>' in html  # the local authority


def test_the_printed_case_carries_its_four_charts_inside_it(benefits_model):
    version = benefits_model.current()
    html = case_html(case_document(benefits_model, version, None))
    images = html.count('src="data:image/svg+xml;base64,')
    assert images == 4
    assert "Tornado chart of the net present value" in html
