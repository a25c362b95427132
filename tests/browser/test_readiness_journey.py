"""A whole readiness round in the browser, with the shipped children's-services bank.

The partnership officer opens a round with three partners and invites a practice lead, an
ICT lead and a governance lead. Each answers one building block on screen (with written
evidence, a link, or the live fact attached and a document uploaded) and the rest in the
workbook they download and upload, then checks and submits. Two of them differ by 2 on a
statement; the officer records the score the workshop agreed, sees it stand in the
results, accepts two suggested actions (federation's, which needs identity's, and
identity's), gives them owners and dates, reads the roadmap and downloads the report and
the results. axe checks every page on the way.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from fame.readiness.bank import Statement, shipped_banks
from fame.readiness.framework import TERM_NAMES, TERMS, framework
from fame.readiness.models import Answer, Respondent, Round
from fame.readiness.workbook import layout
from tests.caf.test_team import shown_text
from tests.factories import UserFactory

from .test_child_index import signed_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TITLE = "Spring 2027"
BANK = shipped_banks()["childrens-services"]
DISPUTED = BANK.in_block("scoping")[0]
"""The practice lead scores it 1 on screen; the others 3 in their workbooks."""
IDENTITY = BANK.in_block("identity")[0]
FEDERATION = BANK.in_block("federation")[0]
LOW = {IDENTITY.id: 1, FEDERATION.id: 2}
"""Scored low by everyone, so the bank's action to move up from that score is suggested."""
WITH_FACT = next(s for s in BANK.in_block("information-sharing") if s.facts)


@pytest.fixture
def leads(school, health_trust, local_authority) -> dict[str, Any]:
    return {
        "Practice lead": UserFactory(
            username="priya", first_name="Priya", last_name="Shah", organisation=school
        ),
        "ICT lead": UserFactory(
            username="ivan", first_name="Ivan", last_name="Cole", organisation=health_trust
        ),
        "Governance lead": UserFactory(
            username="grace", first_name="Grace", last_name="Obi", organisation=local_authority
        ),
    }


def level(score: int) -> str:
    return f"{score}: {framework().level(score).name}"


def statement(page: Any, s: Statement) -> Any:
    """The radios of one statement, found by its words."""
    return page.page.get_by_role("group", name=s.text, exact=True)


def open_round(page: Any, partners: list[str]) -> Round:
    page.visit("/readiness/")
    page.get_by_role("button", name="Open a round").click()
    page.check()
    page.get_by_label("Partnership", exact=True).fill("Northshire Children's Trust")
    page.get_by_label("Title of the round").fill(TITLE)
    page.get_by_label(f"{BANK.title}, version {BANK.version}").check()
    page.get_by_label("Partners", exact=True).fill("\n".join(partners))
    page.get_by_role("button", name="Open the round").click()
    page.check()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(
        page.get_by_text(
            f"{BANK.title}, version {BANK.version} ({len(BANK.statements)} statements)"
        )
    ).to_be_visible()
    return Round.objects.get(title=TITLE)


def invite(page: Any, username: str, partner: str, lead: str) -> None:
    page.get_by_role("button", name="Invite a respondent").click()
    page.check()
    page.get_by_label("Username or email address").fill(username)
    page.get_by_label(partner).check()
    page.get_by_label(lead, exact=True).check()
    page.get_by_role("button", name="Invite").click()
    page.check()
    expect(page.get_by_text(f"is invited to answer for {partner}")).to_be_visible()


def to_the_task_list(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    signed_in(page, user)
    page.visit("/readiness/")
    expect(page.get_by_role("cell", name=f"0 of {len(BANK.statements)} answered")).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    page.check()
    page.get_by_role("button", name="Answer the statements").click()
    page.check()


def answer_block(page: Any, block: str, answer: Any) -> None:
    """On the block's page, ``answer(page, statement)`` for each statement; then save."""
    page.get_by_role("link", name=framework().block(block).name).click()
    page.check()
    for s in BANK.in_block(block):
        answer(page, s)
    page.get_by_role("button", name="Save and come back later").click()
    page.check()
    expect(page.get_by_text("Your answers are saved")).to_be_visible()
    count = len(BANK.in_block(block))
    expect(
        page.get_by_role("heading", name=f"{count} of {len(BANK.statements)} statements answered")
    ).to_be_visible()


def answer_the_rest_in_the_workbook(
    page: Any, tmp_path: Path, username: str, scores: dict[str, int]
) -> None:
    """Download the workbook from the task list, score every statement not yet answered
    (``scores``, else 3) with evidence, and upload it."""
    book = load_workbook(io.BytesIO(download(page, "Download your answers as a workbook (XLSX)")))
    filled = 0
    answered = Answer.objects.filter(respondent__user__username=username).count()
    for sheet in book.worksheets[1:]:
        for row in range(layout.FIRST_ROW, sheet.max_row + 1):
            sid = sheet[f"{layout.STATEMENT_ID.letter}{row}"].value
            if not sid or sheet[f"{layout.SCORE.letter}{row}"].value not in (None, ""):
                continue
            sheet[f"{layout.SCORE.letter}{row}"] = scores.get(sid, 3)
            sheet[f"{layout.EVIDENCE.letter}{row}"] = f"Partnership board minutes on {sid}"
            filled += 1
    path = tmp_path / f"answers-{filled}.xlsx"
    book.save(path)
    page.get_by_role("link", name="upload it").click()
    page.check()
    page.get_by_label("Upload your filled-in workbook").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.check()
    total = len(BANK.statements)
    assert filled == total - answered
    # Every row is imported again, those answered on screen as they were saved.
    expect(page.get_by_text(f"{total} answers imported from your workbook.")).to_be_visible()
    expect(page.get_by_text(f"You have answered {total} of {total} statements.")).to_be_visible()


def check_and_submit(page: Any, round_: Round, user: Any) -> None:
    """From the workbook's page, with every statement answered."""
    page.get_by_role("button", name="Check your answers").click()
    page.check()
    page.get_by_role("button", name="Submit your answers").click()
    page.check()
    expect(page.get_by_text("Your answers are submitted")).to_be_visible()
    assert Respondent.objects.get(round=round_, user=user).submitted_at is not None


def download(page: Any, name: str) -> bytes:
    with page.page.expect_download() as waiting:
        page.page.get_by_role("link", name=name).click()
    return Path(waiting.value.path()).read_bytes()


def test_a_round_from_opening_to_the_report(page, partnership_officer, leads, tmp_path):
    partners = {
        "Practice lead": "Hollins Lane Primary School",
        "ICT lead": "Northmoor Community Health",
        "Governance lead": "Northmoor Children's Services",
    }

    # The officer opens the round with three partners and invites a lead of each.
    signed_in(page, partnership_officer)
    round_ = open_round(page, list(partners.values()))
    for lead, user in leads.items():
        invite(page, user.username, partners[lead], lead)
    expect(page.get_by_role("rowheader", name="Grace Obi")).to_be_visible()

    # The practice lead scores the scoping block on screen with written evidence...
    practice = leads["Practice lead"]
    to_the_task_list(page, practice)

    def practice_answer(page: Any, s: Statement) -> None:
        if s == DISPUTED:
            statement(page, s).get_by_label(level(1), exact=True).check()
            page.get_by_label(f"Evidence for {s.id}", exact=True).fill(
                "Only our head teachers have talked about it; nothing is agreed."
            )
        else:
            statement(page, s).get_by_label("Don't know").check()

    answer_block(page, "scoping", practice_answer)
    answer_the_rest_in_the_workbook(page, tmp_path, practice.username, LOW)
    check_and_submit(page, round_, practice)

    # ... the ICT lead the infrastructure block, with a link to the evidence of each...
    ict = leads["ICT lead"]
    to_the_task_list(page, ict)

    def ict_answer(page: Any, s: Statement) -> None:
        statement(page, s).get_by_label(level(3), exact=True).check()
        page.get_by_label(f"Link to evidence (optional) for {s.id}").fill(
            f"https://intranet.example.org/ict/{s.id}"
        )

    answer_block(page, "infrastructure", ict_answer)
    answer_the_rest_in_the_workbook(page, tmp_path, ict.username, LOW)
    linked = BANK.in_block("infrastructure")[0].id
    expect(page.get_by_role("row", name=linked).get_by_role("link")).to_have_text(
        f"https://intranet.example.org/ict/{linked}"
    )  # what was saved on screen stays as it was through the workbook
    check_and_submit(page, round_, ict)

    # ... and the governance lead information sharing, attaching what FAME shows today and
    # uploading a document for one statement.
    governance = leads["Governance lead"]
    to_the_task_list(page, governance)
    register = tmp_path / "protocols-register.txt"
    register.write_text("Protocols register: signed by every partner in 2026.\n")

    def governance_answer(page: Any, s: Statement) -> None:
        if s == WITH_FACT:
            statement(page, s).get_by_label(level(2), exact=True).check()
            page.get_by_label(f"Evidence for {s.id}", exact=True).fill("The protocols register.")
            page.get_by_label(f"Attach this fact to my evidence for {s.id}").check()
            page.get_by_label(f"Upload a document (optional) for {s.id}").set_input_files(
                str(register)
            )
        else:
            statement(page, s).get_by_label("Don't know").check()

    answer_block(page, "information-sharing", governance_answer)
    answer_the_rest_in_the_workbook(page, tmp_path, governance.username, LOW)
    attached = Answer.objects.get(respondent__user=governance, statement_id=WITH_FACT.id)
    assert attached.fact["key"] == WITH_FACT.facts[0]
    assert [d.name for d in attached.documents.all()] == ["protocols-register.txt"]
    check_and_submit(page, round_, governance)

    # The officer sees the results and the statement the workshop must agree.
    page.context.clear_cookies()
    signed_in(page, partnership_officer)
    page.visit("/readiness/")
    page.get_by_role("link", name=TITLE).click()
    page.check()
    expect(page.get_by_role("cell", name="Submitted")).to_have_count(3)
    page.get_by_role("link", name="See the results").click()
    page.check()
    expect(page.get_by_role("heading", name=f"Results: {TITLE}")).to_be_visible()
    expect(page.get_by_text("3 of 3 respondents have submitted their answers.")).to_be_visible()
    page.get_by_role("link", name="Workshop: 1 statement where respondents differ").click()
    page.check()
    expect(page.get_by_role("heading", name=f"{DISPUTED.id}: {DISPUTED.text}")).to_be_visible()
    expect(page.get_by_text("Only our head teachers have talked about it")).to_be_visible()
    page.save_screenshot("readiness-journey-workshop")

    page.get_by_role("link", name=f"Record the agreed score for {DISPUTED.id}").click()
    page.check()
    page.get_by_label(level(2), exact=True).check()
    reason = "Every partner has agreed the problems; schools have not started on them."
    page.get_by_label("Why the workshop agreed this score").fill(reason)
    page.get_by_role("button", name="Record the agreed score").click()
    page.check()
    expect(page.get_by_text(f"Agreed score recorded for {DISPUTED.id}: 2")).to_be_visible()
    page.get_by_role("link", name="Back to the results").click()
    page.check()
    expect(page.get_by_text("Agreed at 2")).to_be_visible()

    # The plan: accept identity's action and federation's, which needs identity's first.
    page.get_by_role("link", name="The action plan").click()
    page.check()
    expect(page.get_by_role("heading", name="Action plan")).to_be_visible()
    planned = []
    for s in (FEDERATION, IDENTITY):
        action = s.action_from(LOW[s.id])
        assert action is not None
        page.get_by_role("button", name=f"Accept the action for {s.id}").click()
        page.check()
        expect(page.get_by_text(f"Added to the plan: {action.text}")).to_be_visible()
        planned.append((s, action))

    today = timezone.localdate()
    owners = {}
    for (_, action), owner, days in zip(
        planned, ("Federation board", "Identity working group"), (200, 60), strict=True
    ):
        owners[action.text] = owner
        page.get_by_role("link", name=f"Change {action.text}").click()
        page.check()
        due = today + timedelta(days=days)
        page.get_by_label("Owner (optional)").fill(owner)
        page.get_by_label("Day").fill(str(due.day))
        page.get_by_label("Month").fill(str(due.month))
        page.get_by_label("Year").fill(str(due.year))
        page.get_by_role("button", name="Save").click()
        page.check()
        expect(page.get_by_role("cell", name=owner)).to_be_visible()

    # The roadmap shows each action in its term, identity's before federation's.
    page.get_by_role("link", name="See the roadmap").click()
    page.check()
    expect(page.get_by_role("heading", name="Roadmap")).to_be_visible()
    for _, action in planned:
        column = page.page.locator(
            "section", has=page.page.get_by_role("heading", name=TERM_NAMES[action.term])
        )
        card = column.get_by_role("listitem").filter(has_text=action.text)
        expect(card).to_contain_text(owners[action.text])
    (_, federation), (_, identity) = planned
    timeline = page.get_by_role("table", name="Each action's term and due date")
    rows = timeline.get_by_role("rowheader").all_inner_texts()
    names = framework().block("identity").name, framework().block("federation").name
    order = [next(i for i, r in enumerate(rows) if r.startswith(name)) for name in names]
    assert order == sorted(order), rows
    too_early = TERMS.index(federation.term) < TERMS.index(identity.term)
    heading = page.page.get_by_role("heading", name="Actions planned before what they need")
    expect(heading).to_have_count(1 if too_early else 0)
    page.save_screenshot("readiness-journey-roadmap")

    # The report and the results, downloaded from the round's page.
    page.get_by_role("link", name="Back to the plan").click()
    page.check()
    page.get_by_role("link", name="Back to the round").click()
    page.check()
    pdf = download(page, "report (PDF)")
    assert pdf.startswith(b"%PDF")
    text = " ".join(shown_text(pdf))
    assert f"Readiness report: {TITLE}" in text
    assert DISPUTED.id in text
    assert reason in text

    results = list(csv.reader(io.StringIO(download(page, "results (CSV)").decode())))
    by_id = {row[0]: row for row in results[1:]}
    assert set(by_id) == {s.id for s in BANK.statements}
    assert by_id[DISPUTED.id][-2:] == ["2", reason]
    assert by_id[IDENTITY.id][-2:] == ["", ""]
