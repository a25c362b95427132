"""A round's results, workshop, comparison, CSV and charts, as the people who see them do."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.readiness.bank import read_bank
from fame.readiness.models import Agreement, Answer, BankVersion, Partner, Respondent, Round
from fame.readiness.results.drawn import CHARTS
from fame.readiness.results.summary import RoundSummary, trend
from tests.conftest import signed_in_client
from tests.factories import UserFactory

from .banks import small_bank_text

SVG = "{http://www.w3.org/2000/svg}"


def answer(respondent: Respondent, statement_id: str, score: int | None, **evidence) -> Answer:
    return Answer.objects.create(
        respondent=respondent,
        statement_id=statement_id,
        score=score,
        dont_know=score is None,
        **evidence,
    )


@pytest.fixture
def answered(readiness_round) -> Round:
    """Three respondents (local authority, school, health): SC-P-1 scored 1 and 3 with one
    "don't know" (flagged); SC-T-1 scored 2, 2, 3; IS-G-1 scored 0, 4, 4 (flagged), with
    health's evidence. Two have submitted. The health trust does not agree to comparison."""
    la, school, health = Respondent.objects.filter(round=readiness_round).order_by("id")
    for respondent, scores in (
        (la, {"SC-P-1": 1, "SC-T-1": 2, "IS-G-1": 0}),
        (school, {"SC-P-1": 3, "SC-T-1": 2, "IS-G-1": 4}),
        (health, {"SC-P-1": None, "SC-T-1": 3}),
    ):
        for statement_id, score in scores.items():
            answer(respondent, statement_id, score)
    answer(
        health,
        "IS-G-1",
        4,
        evidence_text="Our protocol is signed by every partner.",
        evidence_link="https://example.org/protocol",
        fact={
            "key": "protocols_in_force",
            "text": "3 protocols are in force",
            "as_of": "2026-11-30",
        },
    )
    Respondent.objects.filter(pk__in=[la.pk, school.pk]).update(submitted_at=timezone.now())
    Partner.objects.filter(round=readiness_round).exclude(pk=health.partner_id).update(
        agrees_to_compare=True
    )
    return readiness_round


def url(round_: Round, path: str) -> str:
    return f"/readiness/rounds/{round_.pk}/{path}"


def test_results_show_cells_progress_and_statements(answered, partnership_officer):
    response = signed_in_client(partnership_officer).get(url(answered, "results"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 of 3 respondents have submitted their answers." in page
    assert 'fame-heat fame-heat--2">2.0</td>' in page  # scoping x practice: median 2
    assert 'fame-heat fame-heat--none">No score</td>' in page  # a cell nobody answered
    for name in ("heatmap", "radar-practice", "radar-ict", "radar-governance", "criteria"):
        assert f'/charts/{name}.svg" alt="' in page
    summary = RoundSummary(answered)
    sc_p = next(line for line in summary.lines if line.statement.id == "SC-P-1")
    assert (sc_p.result.median, sc_p.result.spread, sc_p.result.dont_know) == (2.0, 2, 1)
    assert [line.statement.id for line in summary.flagged] == ["SC-P-1", "IS-G-1"]


def test_agreed_score_stands_in_cells_and_criteria(answered, partnership_officer):
    client = signed_in_client(partnership_officer)

    response = client.post(
        url(answered, "workshop/SC-P-1"), {"score": "0", "reason": "Nothing is written down yet."}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(url(answered, "workshop#SC-P-1"))
    summary = RoundSummary(answered)
    heat = {
        (cell.block.key, cell.dimension.key): cell.score
        for _, cells in summary.heat_rows
        for cell in cells
    }
    assert heat[("scoping", "practice")] == 0.0
    criterion = answered.bank.statement("SC-P-1").criterion
    same = [
        line.result.score
        for line in summary.lines
        if line.statement.criterion == criterion and line.result.score is not None
    ]
    assert 0.0 in same
    assert dict((c.key, s) for c, s in summary.criteria)[criterion] == sum(same) / len(same)
    page = client.get(url(answered, "results")).content.decode()
    assert 'fame-heat fame-heat--0">0.0</td>' in page
    assert "Agreed at 0" in page
    workshop = client.get(url(answered, "workshop")).content.decode()
    assert "Nothing is written down yet." in workshop
    assert "Recorded by Pat Partner" in workshop


def test_changing_an_agreement_keeps_who_and_when(answered, partnership_officer, local_authority):
    manager = UserFactory(
        username="mo",
        first_name="Mo",
        last_name="Manager",
        organisation=local_authority,
        roles=["manager"],
    )
    signed_in_client(partnership_officer).post(
        url(answered, "workshop/IS-G-1"), {"score": "2", "reason": "First view."}
    )
    first = Agreement.objects.get(round=answered, statement_id="IS-G-1")

    signed_in_client(manager).post(
        url(answered, "workshop/IS-G-1"), {"score": "3", "reason": "Second view."}
    )

    agreement = Agreement.objects.get(round=answered, statement_id="IS-G-1")
    assert (agreement.score, agreement.reason, agreement.agreed_by) == (3, "Second view.", manager)
    assert agreement.agreed_at >= first.agreed_at
    changed = AuditEvent.objects.get(action="readiness.agreement_changed")
    assert changed.details["was_score"] == 2
    assert changed.details["was_agreed_by"] == partnership_officer.username
    assert changed.details["was_agreed_at"] == first.agreed_at.isoformat()


@pytest.mark.parametrize(
    ("posted", "problem"),
    [
        ({"score": "2", "reason": "  "}, "Enter why the workshop agreed this score"),
        ({"reason": "Because."}, "Select the score the workshop agreed"),
        ({"score": "7", "reason": "Because."}, "Select a score from 0 to 4"),
    ],
)
def test_a_bad_agreement_is_refused_and_changes_nothing(
    answered, partnership_officer, posted, problem
):
    response = signed_in_client(partnership_officer).post(url(answered, "workshop/SC-P-1"), posted)

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and problem in page
    assert "<title>Error: " in page
    assert not Agreement.objects.exists()


def test_agreeing_a_statement_not_in_the_bank_is_not_found(answered, partnership_officer):
    response = signed_in_client(partnership_officer).post(
        url(answered, "workshop/XX-P-9"), {"score": "2", "reason": "Why."}
    )
    assert response.status_code == 404
    assert not Agreement.objects.exists()


def test_a_respondent_reads_the_workshop_but_may_not_agree(answered, respondents):
    client = signed_in_client(respondents[1])  # the school's practice lead

    page = client.get(url(answered, "workshop"))
    refused = client.post(url(answered, "workshop/SC-P-1"), {"score": "2", "reason": "Mine."})

    assert page.status_code == 200
    text = page.content.decode()
    assert "Our protocol is signed by every partner." in text
    assert "3 protocols are in force (as of 2026-11-30)" in text
    assert "Record<span" not in text
    assert refused.status_code == 403
    assert not Agreement.objects.exists()


PAGES = (
    "results",
    "results.csv",
    "charts/heatmap.svg",
    "workshop",
    "workshop/SC-P-1",
    "comparison",
    "report.pdf",
)


@pytest.mark.parametrize("path", PAGES)
def test_a_stranger_is_told_the_round_does_not_exist(answered, school_teacher, path):
    response = signed_in_client(school_teacher).get(url(answered, path))
    assert response.status_code == 404


def test_comparison_hides_partners_that_did_not_agree(answered, partnership_officer):
    response = signed_in_client(partnership_officer).get(url(answered, "comparison"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hollins Lane Primary School" in page
    assert "Northmoor Community Health" not in page
    assert "1 partner chose not to be compared and is not shown." in page
    assert "first round in this context" in page
    chart = signed_in_client(partnership_officer).get(url(answered, "charts/partners.svg"))
    drawn = chart.content.decode()
    assert "Hollins Lane Primary School: Multi-agency practice 3.0" in drawn
    assert "Northmoor Community Health" not in drawn


def test_comparison_shows_progress_over_earlier_rounds(answered, partnership_officer, bank_version):
    earlier = Round.objects.create(
        partnership=answered.partnership,
        title="Spring 2026",
        bank_version=bank_version,
        opened_by=partnership_officer,
    )
    Round.objects.filter(pk=earlier.pk).update(opened_at=answered.opened_at - timedelta(days=180))
    partner = Partner.objects.create(round=earlier, name="Hollins Lane Primary School")
    someone = Respondent.objects.create(
        round=earlier, user=UserFactory(username="old.hand"), partner=partner
    )
    answer(someone, "SC-P-1", 0)
    answer(someone, "SC-T-1", 1)

    page = signed_in_client(partnership_officer).get(url(answered, "comparison")).content.decode()

    progress = page[page.index("Progress over the partnership") :]
    assert "2 rounds, oldest first" in progress
    assert progress.index("Spring 2026") < progress.index("Autumn 2026")
    # Scoping and business case: 0 and 1 earlier (mean 0.5), 2 and 2 now (mean 2.0).
    row = page[
        page.index(
            '<th scope="row" class="govuk-table__header">Scoping statement and business case</th>'
        ) :
    ]
    assert row.index("0.5") < row.index("2.0") < row.index("</tr>")


def test_csv_has_a_row_per_statement_and_defuses_formulas(answered, partnership_officer):
    client = signed_in_client(partnership_officer)
    client.post(url(answered, "workshop/SC-P-1"), {"score": "1", "reason": '=HYPERLINK("x")'})

    response = client.get(url(answered, "results.csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(answered.bank.statements)
    by_id = {row["statement_id"]: row for row in rows}
    assert by_id["SC-P-1"] | {"statement": ""} == {
        "statement_id": "SC-P-1",
        "block": "scoping",
        "dimension": "practice",
        "criterion": answered.bank.statement("SC-P-1").criterion,
        "statement": "",
        "median": "2",
        "spread": "2",
        "scored": "2",
        "dont_know": "1",
        "agreed_score": "1",
        "agreed_reason": '\'=HYPERLINK("x")',
    }
    assert by_id["SC-T-1"]["median"] == "2" and by_id["SC-T-1"]["agreed_score"] == ""
    assert by_id["LP-P-1"]["median"] == "" and by_id["LP-P-1"]["scored"] == "0"


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_is_an_svg_with_a_title(answered, respondents, name):
    response = signed_in_client(respondents[0]).get(url(answered, f"charts/{name}.svg"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)  # noqa: S314 - SVG FAME itself drew
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text


def test_an_unknown_chart_is_not_found(answered, partnership_officer):
    response = signed_in_client(partnership_officer).get(url(answered, "charts/pie.svg"))
    assert response.status_code == 404


def test_a_chart_is_redrawn_when_an_answer_changes(answered, partnership_officer):
    client = signed_in_client(partnership_officer)
    before = client.get(url(answered, "charts/heatmap.svg")).content.decode()
    assert "Scoping statement and business case: Multi-agency practice 2.0" in before

    Answer.objects.filter(statement_id="SC-P-1", score=1).update(
        score=3, updated_at=timezone.now() + timedelta(seconds=1)
    )

    after = client.get(url(answered, "charts/heatmap.svg")).content.decode()
    assert "Scoping statement and business case: Multi-agency practice 3.0" in after


def test_a_round_nobody_answered_yet_shows_no_scores(readiness_round, partnership_officer):
    client = signed_in_client(partnership_officer)

    page = client.get(url(readiness_round, "results")).content.decode()
    charts = [client.get(url(readiness_round, f"charts/{name}.svg")) for name in sorted(CHARTS)]

    assert "0 of 3 respondents have submitted their answers." in page
    assert "fame-heat--2" not in page and "fame-heat--none" in page
    assert all(chart.status_code == 200 for chart in charts)
    assert "Workshop: 0 statements where respondents differ" in page


def test_rounds_on_different_bank_versions_compare_on_shared_statements(
    answered, partnership_officer
):
    older_bank = BankVersion.keep(read_bank(small_bank_text("test.0").replace("SC-P-1", "SC-P-2")))
    earlier = Round.objects.create(
        partnership=answered.partnership,
        title="Spring 2026",
        bank_version=older_bank,
        opened_by=partnership_officer,
    )
    Round.objects.filter(pk=earlier.pk).update(opened_at=answered.opened_at - timedelta(days=180))
    partner = Partner.objects.create(round=earlier, name="Hollins Lane Primary School")
    someone = Respondent.objects.create(
        round=earlier, user=UserFactory(username="old.hand"), partner=partner
    )
    answer(someone, "SC-P-2", 0)  # not in this round's bank: left out of both
    answer(someone, "SC-T-1", 1)

    found = trend(answered)

    assert [r.title for r in found.rounds] == ["Spring 2026", "Autumn 2026"]
    assert found.shared == len(answered.bank.statements) - 1
    assert found.blocks["scoping"] == [1.0, 2.0]  # SC-T-1 alone: 1 then the median of 2, 2, 3
