"""A round's report as a tagged PDF (WeasyPrint's PDF/UA-1, as the CAF family copy is made):
the results with their charts, the evidence given, and the partnership's action plan."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.template.loader import render_to_string

from ..framework import TERM_NAMES, TERMS, framework
from ..models import Answer, PlanAction, Round
from .drawn import chart_svg
from .summary import RoundSummary

PDF_VARIANT = "pdf/ua-1"
"""Tagged, with the document's title shown and its language set."""

REPORT_CHARTS = ("heatmap", "radar-practice", "radar-ict", "radar-governance", "criteria")


@dataclass(frozen=True)
class TermActions:
    term: str
    name: str
    actions: list[PlanAction]


def plan_by_term(round_: Round) -> list[TermActions]:
    """The round's plan actions grouped short, medium then long term (empty terms too)."""
    actions = list(PlanAction.objects.filter(round=round_).order_by("due_on", "id"))
    return [
        TermActions(term, TERM_NAMES[term], [a for a in actions if a.term == term])
        for term in TERMS
    ]


def evidence(round_: Round) -> list[Answer]:
    """Every answer that gives evidence: text, a link, documents or an attached fact."""
    answers = (
        Answer.objects.filter(respondent__round=round_)
        .select_related("respondent__user", "respondent__partner")
        .prefetch_related("documents")
        .order_by("statement_id", "respondent__partner__name", "id")
    )
    return [a for a in answers if a.has_evidence or a.fact]


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def report_html(round_: Round) -> str:
    summary = RoundSummary(round_)
    charts = {name: _data_uri(chart_svg(round_, name)) for name in REPORT_CHARTS}
    return render_to_string(
        "readiness/results/report.html",
        {
            "round": round_,
            "summary": summary,
            "fw": framework(),
            "charts": charts,
            "evidence": evidence(round_),
            "plan": plan_by_term(round_),
        },
    )


def report_pdf(round_: Round) -> bytes:
    from weasyprint import HTML  # (loads Pango: only when a report is asked for)

    return bytes(HTML(string=report_html(round_)).write_pdf(pdf_variant=PDF_VARIANT))
