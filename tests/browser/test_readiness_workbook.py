"""Answering a readiness round offline: download the workbook, fill it in, upload it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from fame.readiness.bank import read_bank
from fame.readiness.models import Answer, BankVersion, Lead, Partner, Respondent, Round
from tests.factories import UserFactory
from tests.readiness.banks import small_bank_text
from tests.readiness.test_workbook import GOVERNANCE, answer_everything, both, fill, set_cell

from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def round_and_respondent(partnership_officer, health_trust):
    round_ = Round.objects.create(
        partnership="Northshire Children's Trust",
        title="Autumn 2026",
        bank_version=BankVersion.keep(read_bank(small_bank_text())),
        opened_by=partnership_officer,
    )
    user = UserFactory(username="health.ict", organisation=health_trust, roles=["practitioner"])
    partner = Partner.objects.create(round=round_, name=health_trust.name)
    Respondent.objects.create(round=round_, user=user, partner=partner, lead=Lead.ICT)
    return round_, user


def download_workbook(page) -> bytes:
    with page.page.expect_download() as waiting:
        page.page.get_by_role("link", name="Download your workbook (XLSX)").click()
    return Path(waiting.value.path()).read_bytes()


def upload(page, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "answers.xlsx"
    path.write_bytes(data)
    page.get_by_label("Upload your filled-in workbook").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.check()


def test_respondent_answers_with_a_workbook(page, round_and_respondent, tmp_path):
    round_, user = round_and_respondent
    signed_in(page, user)
    page.visit(f"/readiness/rounds/{round_.pk}/workbook/import")
    expect(page.get_by_role("heading", name="Answer with a workbook")).to_be_visible()
    workbook = download_workbook(page)

    upload(page, tmp_path, fill(workbook, answer_everything("health.ict")))

    count = len(round_.bank.statements)
    expect(page.get_by_text(f"{count} answers imported from your workbook.")).to_be_visible()
    expect(page.get_by_text(f"You have answered {count} of {count} statements.")).to_be_visible()
    expect(page.get_by_role("row", name="GV-G-1").get_by_role("cell").first).to_have_text(
        "2: We have agreed what to do and started"
    )
    assert Answer.objects.filter(respondent__user=user).count() == count


def test_a_bad_upload_shows_every_problem(page, round_and_respondent, tmp_path):
    round_, user = round_and_respondent
    signed_in(page, user)
    page.visit(f"/readiness/rounds/{round_.pk}/workbook/import")
    workbook = download_workbook(page)

    upload(
        page,
        tmp_path,
        fill(
            workbook,
            both(
                answer_everything("health.ict"),
                set_cell(GOVERNANCE, "GV-P-1", 6, 5),
                set_cell(GOVERNANCE, "GV-G-1", 7, None),
            ),
        ),
    )

    expect(page.page).to_have_title(f"Error: Answer with a workbook – {round_.title} – FAME")
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary).to_contain_text("Sheet 'Governance', row 5, column F: score 5 is not 0-4")
    expect(summary).to_contain_text("column F: score 2 needs evidence")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Upload your filled-in workbook")).to_be_focused()
    assert not Answer.objects.exists()
