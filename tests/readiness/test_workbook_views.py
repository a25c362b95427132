"""The workbook pages: downloading, uploading, the results as XLSX, and who may."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fame.readiness.models import Answer
from fame.readiness.workbook import forms as upload_forms
from fame.readiness.workbook.layout import FIRST_ROW
from tests.conftest import signed_in_client

from .test_workbook import GOVERNANCE, answer_everything, both, fill, set_cell

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(name: str, round_) -> str:
    return reverse(f"readiness:{name}", args=[round_.pk])


def upload(data: bytes, name: str = "answers.xlsx") -> dict[str, SimpleUploadedFile]:
    return {"workbook": SimpleUploadedFile(name, data, content_type=XLSX)}


def test_a_respondent_downloads_their_own_workbook(readiness_round, respondents):
    client = signed_in_client(respondents[1])

    response = client.get(url("workbook_template", readiness_round))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert (
        f"readiness-round-{readiness_round.pk}-school.practice.xlsx"
        in response["Content-Disposition"]
    )
    sheet = load_workbook(BytesIO(response.content))[GOVERNANCE]
    assert sheet.cell(FIRST_ROW, 5).value == "school.practice"


def test_an_officer_who_is_not_a_respondent_downloads_the_blank_workbook(
    readiness_round, partnership_officer
):
    response = signed_in_client(partnership_officer).get(url("workbook_template", readiness_round))

    assert response.status_code == 200
    assert "-blank.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content))[GOVERNANCE]
    assert sheet.cell(FIRST_ROW, 5).value is None


@pytest.mark.parametrize("name", ["workbook_template", "workbook_import", "results_xlsx"])
def test_someone_not_in_the_round_gets_404(readiness_round, school_teacher, name):
    response = signed_in_client(school_teacher).get(url(name, readiness_round))

    assert response.status_code == 404


def test_a_good_upload_saves_the_answers_and_lists_them(readiness_round, respondents):
    client = signed_in_client(respondents[2])
    workbook = client.get(url("workbook_template", readiness_round)).content
    filled = fill(workbook, answer_everything("health.ict"))

    response = client.post(url("workbook_import", readiness_round), upload(filled))

    assert response.status_code == 302
    assert response["Location"] == url("workbook_import", readiness_round)
    count = len(readiness_round.bank.statements)
    assert Answer.objects.filter(respondent__user=respondents[2]).count() == count
    page = client.get(response["Location"]).content.decode()
    assert f"{count} answers imported from your workbook." in page
    assert f"You have answered {count} of {count} statements." in page
    assert "Minutes for GV-T-1" in page
    assert f'href="{url("check_answers", readiness_round)}"' in page


def test_a_partial_upload_leads_to_the_rest_on_screen(readiness_round, respondents):
    client = signed_in_client(respondents[2])
    workbook = client.get(url("workbook_template", readiness_round)).content
    filled = fill(workbook, set_cell(GOVERNANCE, "GV-P-1", 6, "Don't know"))

    response = client.post(url("workbook_import", readiness_round), upload(filled), follow=True)

    page = response.content.decode()
    assert "You have answered 1 of" in page
    assert f'href="{url("task_list", readiness_round)}">Answer the rest on screen' in page
    assert f'href="{url("check_answers", readiness_round)}"' not in page


def test_a_bad_upload_lists_every_problem_and_saves_nothing(readiness_round, respondents):
    client = signed_in_client(respondents[2])
    workbook = client.get(url("workbook_template", readiness_round)).content
    filled = fill(
        workbook,
        both(
            answer_everything("health.ict"),
            set_cell(GOVERNANCE, "GV-P-1", 6, 7),
            set_cell(GOVERNANCE, "GV-T-1", 5, "school.practice"),
        ),
    )

    response = client.post(url("workbook_import", readiness_round), upload(filled))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Answer with a workbook" in page
    assert "There is a problem" in page
    assert (
        f"Sheet &#39;Governance&#39;, row {FIRST_ROW}, column F: score 7 is not 0-4 or "
        "Don&#39;t know" in page
    )
    assert "you may import only your own answers, and this row is for school.practice" in page
    assert "The workbook has 2 problems, listed at the top of the page." in page
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Choose the workbook to upload"),
        (upload(b"a,b\n1,2\n", "answers.csv"), "The file must be an Excel workbook ending .xlsx"),
        (upload(b"not a zip"), "the file is not an Excel workbook (.xlsx)"),
        (upload(b"x" * 2000), "The file must be smaller than 0 MB"),
    ],
)
def test_an_upload_that_is_not_a_workbook_is_refused(
    readiness_round, respondents, monkeypatch, files, message
):
    monkeypatch.setattr(upload_forms, "MAX_BYTES", 1000)

    response = signed_in_client(respondents[2]).post(url("workbook_import", readiness_round), files)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Answer.objects.exists()


def test_a_submitted_respondent_has_no_upload_form(readiness_round, respondents):
    respondent = readiness_round.respondent_for(respondents[2])
    respondent.submitted_at = timezone.now()
    respondent.save()
    client = signed_in_client(respondents[2])

    page = client.get(url("workbook_import", readiness_round)).content.decode()
    posted = client.post(url("workbook_import", readiness_round), upload(b"x"))

    assert "You have submitted your answers, so they can no longer change." in page
    assert 'type="file"' not in page
    assert posted.status_code == 200
    assert not Answer.objects.exists()


def test_an_officer_who_is_not_a_respondent_is_told_how_to_import(
    readiness_round, partnership_officer
):
    page = (
        signed_in_client(partnership_officer)
        .get(url("workbook_import", readiness_round))
        .content.decode()
    )

    assert "Only the round's respondents upload their answers here" in page
    assert f"fame readiness import --round {readiness_round.pk} FILE.xlsx" in page
    assert 'type="file"' not in page


def test_results_xlsx_has_statements_cells_and_criteria(readiness_round, respondents):
    for user, score in zip(respondents, (1, 3, 4), strict=True):
        Answer.objects.create(
            respondent=readiness_round.respondent_for(user),
            statement_id="GV-G-1",
            score=score,
            evidence_text="Minutes",
        )

    response = signed_in_client(respondents[0]).get(url("results_xlsx", readiness_round))

    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Statements", "Cells", "Criteria"]
    rows = {r[0]: r for r in book["Statements"].iter_rows(min_row=2, values_only=True)}
    assert rows["GV-G-1"][5:] == ("1, 3, 4", 0, 3, 3, "Yes", None, 3)
    assert rows["GV-P-1"][5:] == (None, 0, None, None, "No", None, None)
    cells = {r[0]: r for r in book["Cells"].iter_rows(min_row=2, values_only=True)}
    assert cells["Governance"] == ("Governance", None, None, 3, 3)
    criteria = dict(book["Criteria"].iter_rows(min_row=2, values_only=True))
    assert list(criteria.values()).count(None) == len(criteria) - 1


def test_a_closed_round_has_no_upload_form(readiness_round, respondents):
    readiness_round.status = readiness_round.Status.CLOSED
    readiness_round.save()

    page = (
        signed_in_client(respondents[2])
        .get(url("workbook_import", readiness_round))
        .content.decode()
    )

    assert "This round is closed, so its answers can no longer change." in page
    assert 'type="file"' not in page
