"""The business case's pages and PDF, as a partnership officer uses them, and who is
refused."""

from __future__ import annotations

import pytest

from fame.audit.models import AuditEvent
from fame.benefits.case.actions import choose_round
from fame.benefits.case.sections import MAX_LENGTH
from fame.benefits.models import BenefitsModel, BusinessCase
from tests.caf.test_team import inflated, shown_text
from tests.conftest import signed_in_client

from .bcase_fixtures import fixture_benefits_model, fixture_readiness_round  # noqa: F401


def url(model: BenefitsModel, path: str = "") -> str:
    return f"/benefits/{model.pk}/case{path}"


def test_case_page_lists_every_section_not_yet_written(benefits_model, partnership_officer):
    response = signed_in_client(partnership_officer).get(url(benefits_model))

    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Introduction", "Strategic case", "Economic case", "Commercial case"):
        assert name in page
    assert page.count("Not yet written") == 6
    assert "version 1 of the model" in page


def test_writing_a_section_keeps_it_and_marks_it_written(benefits_model, partnership_officer):
    client = signed_in_client(partnership_officer)

    response = client.post(url(benefits_model, "/economic"), {"text": "Option 2 is best."})

    assert response.status_code == 302
    case = BusinessCase.objects.get(benefits_model=benefits_model)
    assert case.sections["economic"] == "Option 2 is best."
    event = AuditEvent.objects.get(action="benefits.case_section_saved")
    assert event.details["section"] == "economic" and event.details["characters"] == 17
    assert event.target == f"benefits-model:{benefits_model.pk}"
    page = client.get(url(benefits_model)).content.decode()
    assert page.count("Not yet written") == 5
    assert "Written" in page


def test_section_page_gives_guidance_and_what_was_written(benefits_model, partnership_officer):
    client = signed_in_client(partnership_officer)
    client.post(url(benefits_model, "/commercial"), {"text": "Hosted by the county."})

    page = client.get(url(benefits_model, "/commercial")).content.decode()

    assert "Say how the service will be bought or provided" in page
    assert "Hosted by the county." in page


def test_too_long_a_section_is_refused_and_keeps_what_was_typed(
    benefits_model, partnership_officer
):
    typed = "word " * (MAX_LENGTH // 5) + "over"

    response = signed_in_client(partnership_officer).post(
        url(benefits_model, "/strategic"), {"text": typed}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f"The section must be {MAX_LENGTH:,} characters or fewer" in page
    assert "<title>Error: " in page
    assert "word word word" in page and "over</textarea>" in page
    assert not BusinessCase.objects.filter(benefits_model=benefits_model).exists()


def test_an_unknown_section_is_not_found(benefits_model, partnership_officer):
    response = signed_in_client(partnership_officer).get(url(benefits_model, "/appendix"))

    assert response.status_code == 404


def test_choosing_a_readiness_round_draws_it_into_the_document(
    benefits_model, readiness_round, partnership_officer
):
    client = signed_in_client(partnership_officer)

    response = client.post(url(benefits_model), {"round": str(readiness_round.pk)})

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="benefits.case_round_chosen")
    assert event.details["round"] == readiness_round.pk
    page = client.get(url(benefits_model)).content.decode()
    assert "draws in the readiness summary and roadmap of <strong>Autumn 2026</strong>" in page
    document = client.get(url(benefits_model, "/document")).content.decode()
    assert "Readiness score of each building block in each dimension" in document


def test_a_round_not_listed_is_refused(benefits_model, partnership_officer):
    response = signed_in_client(partnership_officer).post(url(benefits_model), {"round": "9999"})

    assert response.status_code == 200
    assert "Choose a readiness round from the list" in response.content.decode()
    assert not BusinessCase.objects.filter(benefits_model=benefits_model).exists()


def test_document_page_shows_the_figures_and_cover(benefits_model, partnership_officer):
    response = signed_in_client(partnership_officer).get(url(benefits_model, "/document"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Regional Business Case: Finding who is involved" in page
    assert "Finding who is involved, version 1" in page
    assert "None drawn in" in page
    assert "£1,311,390.84" in page


def test_document_for_a_version_that_does_not_exist_is_not_found(
    benefits_model, partnership_officer
):
    client = signed_in_client(partnership_officer)

    assert client.get(url(benefits_model, "/document?version=7")).status_code == 404
    assert client.get(url(benefits_model, "/document?version=x")).status_code == 404


def test_case_pdf_is_tagged_with_text(benefits_model, partnership_officer):
    client = signed_in_client(partnership_officer)
    client.post(url(benefits_model, "/introduction"), {"text": "The partners ask the board."})

    response = client.get(f"/benefits/{benefits_model.pk}/case.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = " ".join(shown_text(pdf))
    assert "Regional Business Case" in text
    assert "The partners ask the board." in text
    assert "1,311,390.84" in text
    body = inflated(pdf)
    assert b"/StructTreeRoot" in body
    assert b"/Lang (en-GB)" in body
    assert b'pdfuaid:part="1"' in body


@pytest.mark.parametrize(
    "path", ["", "/economic", "/document", ".pdf"], ids=["case", "section", "document", "pdf"]
)
def test_those_who_do_not_model_benefits_are_refused(benefits_model, school_teacher, path):
    target = (
        f"/benefits/{benefits_model.pk}/case.pdf" if path == ".pdf" else url(benefits_model, path)
    )

    response = signed_in_client(school_teacher).get(target)

    assert response.status_code == 403


def test_those_who_do_not_model_benefits_cannot_write(benefits_model, school_teacher):
    response = signed_in_client(school_teacher).post(
        url(benefits_model, "/economic"), {"text": "x"}
    )

    assert response.status_code == 403
    assert not BusinessCase.objects.filter(benefits_model=benefits_model).exists()


def test_a_browsers_line_endings_are_kept_as_newlines(benefits_model, partnership_officer):
    signed_in_client(partnership_officer).post(
        url(benefits_model, "/management"), {"text": "First.\r\n\r\nSecond."}
    )

    case = BusinessCase.objects.get(benefits_model=benefits_model)
    assert case.sections["management"] == "First.\n\nSecond."


def test_a_chosen_round_that_cannot_be_found_is_left_out(benefits_model, partnership_officer):
    choose_round(benefits_model=benefits_model, round_id=9999, by=partnership_officer)

    document = signed_in_client(partnership_officer).get(url(benefits_model, "/document"))

    assert document.status_code == 200
    assert "No readiness round was chosen" in document.content.decode()
