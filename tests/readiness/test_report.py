"""The round's report: a tagged PDF with the results, evidence and the action plan by term."""

from __future__ import annotations

from datetime import date

from fame.readiness.models import PlanAction
from fame.readiness.results.report import plan_by_term, report_html
from tests.caf.test_team import inflated, shown_text
from tests.conftest import signed_in_client

from .test_results import answered, url  # noqa: F401 - fixture


def plan(round_, by) -> None:
    for text, term, status in (
        ("Write the scoping statement", "short", PlanAction.Status.STARTED),
        ("Agree the sharing protocol", "medium", PlanAction.Status.PLANNED),
    ):
        PlanAction.objects.create(
            round=round_,
            statement_id="SC-P-1",
            block="scoping",
            dimension="practice",
            text=text,
            term=term,
            owner="Pat Partner",
            due_on=date(2027, 3, 31),
            status=status,
            accepted_by=by,
        )


def test_plan_is_grouped_short_medium_long(answered, partnership_officer):  # noqa: F811
    plan(answered, partnership_officer)

    groups = plan_by_term(answered)

    assert [g.term for g in groups] == ["short", "medium", "long"]
    assert [[a.text for a in g.actions] for g in groups] == [
        ["Write the scoping statement"],
        ["Agree the sharing protocol"],
        [],
    ]


def test_report_html_has_results_evidence_and_plan(answered, partnership_officer):  # noqa: F811
    plan(answered, partnership_officer)

    html = report_html(answered)

    assert "Readiness report: Autumn 2026" in html
    assert "2 of 3 respondents submitted" in html
    assert "Our protocol is signed by every partner." in html
    assert "Fact: 3 protocols are in force (as of 2026-11-30)" in html
    assert "Write the scoping statement" in html and "31 March 2027" in html
    assert "No long term actions are in the plan." in html
    assert html.count("data:image/svg+xml;base64,") == 5


def test_report_is_a_tagged_pdf_with_text(answered, respondents, partnership_officer):  # noqa: F811
    plan(answered, partnership_officer)

    response = signed_in_client(respondents[2]).get(url(answered, "report.pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = " ".join(shown_text(pdf))
    assert "Readiness report: Autumn 2026" in text
    assert "Write the scoping statement" in text
    body = inflated(pdf)
    assert b"/StructTreeRoot" in body
    assert b"/Lang (en-GB)" in body
    assert b'pdfuaid:part="1"' in body
