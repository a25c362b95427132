"""The business case as a tagged PDF (WeasyPrint's PDF/UA-1, as the readiness report is
made): the same document as the HTML page, laid out for print."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from .. import charts
from ..money import pounds as money
from ..sensitivity import tornado
from .document import CaseDocument, number, ratio

PDF_VARIANT = "pdf/ua-1"
"""Tagged, with the document's title shown and its language set."""


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def chart_images(document: CaseDocument) -> dict[str, str]:
    """The document's charts, drawn here and carried inside the PDF (WeasyPrint fetches
    nothing from the server)."""
    result = document.result
    return {
        "by-year": _data_uri(charts.by_year(result)),
        "cumulative": _data_uri(charts.cumulative(result)),
        "tornado": _data_uri(charts.tornado(tornado(document.version.data)[1])),
        "partners": _data_uri(charts.partners(result)),
    }


def case_html(document: CaseDocument) -> str:
    return render_to_string(
        "benefits/case/print.html",
        {
            "doc": document,
            "money": money,
            "ratio": ratio,
            "number": number,
            "charts": chart_images(document),
        },
    )


def case_pdf(document: CaseDocument) -> bytes:
    from weasyprint import HTML  # (loads Pango: only when a document is asked for)

    return bytes(HTML(string=case_html(document)).write_pdf(pdf_variant=PDF_VARIANT))
