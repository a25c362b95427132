"""The business case as a tagged PDF (WeasyPrint's PDF/UA-1, as the readiness report is
made): the same document as the HTML page, laid out for print."""

from __future__ import annotations

from django.template.loader import render_to_string

from .document import CaseDocument, money, number, ratio

PDF_VARIANT = "pdf/ua-1"
"""Tagged, with the document's title shown and its language set."""


def case_html(document: CaseDocument) -> str:
    return render_to_string(
        "benefits/case/print.html",
        {"doc": document, "money": money, "ratio": ratio, "number": number},
    )


def case_pdf(document: CaseDocument) -> bytes:
    from weasyprint import HTML  # (loads Pango: only when a document is asked for)

    return bytes(HTML(string=case_html(document)).write_pdf(pdf_variant=PDF_VARIANT))
