"""The plan pages: suggestions accepted, own actions added, actions changed and done, the
roadmap with its conflicts, the regional roadmaps and the CSV; and who may do what."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.readiness.bank import read_bank
from fame.readiness.models import Answer, BankVersion, PlanAction, Round

from ..conftest import signed_in_client
from .banks import small_bank_text

pytestmark = pytest.mark.django_db


def _answer(round_: Round, scores: dict[str, list[int]]) -> None:
    """Each statement's scores, one per respondent in order; others score 4."""
    respondents = list(round_.respondents.order_by("id"))
    for statement in round_.bank.statements:
        for respondent, score in zip(
            respondents, scores.get(statement.id, [4] * len(respondents)), strict=False
        ):
            Answer.objects.create(respondent=respondent, statement_id=statement.id, score=score)


@pytest.fixture
def answered(readiness_round) -> Round:
    _answer(readiness_round, {"SC-P-1": [1, 1, 2], "FE-T-1": [0, 4, 1]})
    return readiness_round


@pytest.fixture
def officer(partnership_officer):
    return signed_in_client(partnership_officer)


@pytest.fixture
def respondent(respondents):
    """A practitioner invited to answer: sees the plan, may not change it."""
    return signed_in_client(respondents[1])


def _plan(round_: Round) -> str:
    return f"/readiness/rounds/{round_.pk}/plan"


def _accept(client, round_, statement_id, kind):
    return client.post(f"{_plan(round_)}/accept/{statement_id}", {"kind": kind})


def _future(days: int = 30) -> date:
    return timezone.localdate() + timedelta(days=days)


def _date_fields(day: date) -> dict[str, str]:
    return {
        "due_on-day": str(day.day),
        "due_on-month": str(day.month),
        "due_on-year": str(day.year),
    }


def test_plan_page_lists_suggestions_lowest_first_with_accept_buttons(answered, officer):
    page = officer.get(_plan(answered)).content.decode()
    # FE-T-1 scores 1 (spread 4: flagged); SC-P-1 scores 1 too, and comes earlier in the bank.
    assert page.index("Move SC-P-1 up from 1.") < page.index("Agree at the workshop the score")
    assert page.index("Agree at the workshop the score for FE-T-1") < page.index(
        "Move FE-T-1 up from 1."
    )
    assert 'Accept<span class="govuk-visually-hidden"> the action for SC-P-1' in page
    assert "Move GV-P-1 up" not in page  # scores 4


def test_officer_accepts_a_suggestion_into_the_plan(answered, officer, partnership_officer):
    response = _accept(officer, answered, "FE-T-1", "from-1")
    assert response.status_code == 302
    action = PlanAction.objects.get(round=answered)
    assert (action.block, action.dimension, action.text, action.term) == (
        "federation",
        "ict",
        "Move FE-T-1 up from 1.",
        "short",
    )
    assert (action.statement_id, action.suggestion, action.status) == (
        "FE-T-1",
        "from-1",
        "planned",
    )
    assert action.accepted_by == partnership_officer
    assert AuditEvent.objects.filter(action="readiness.plan_accepted").count() == 1
    page = officer.get(_plan(answered)).content.decode()
    assert "Move FE-T-1 up from 1." in page.split('id="suggestions"')[0]  # in the plan
    assert "Move FE-T-1 up from 1." not in page.split('id="suggestions"')[1]  # no longer suggested
    assert "Agree at the workshop the score for FE-T-1" in page  # the other kind stays


def test_accepting_twice_or_what_is_not_suggested_changes_nothing(answered, officer):
    _accept(officer, answered, "FE-T-1", "workshop")
    again = _accept(officer, answered, "FE-T-1", "workshop")
    assert again.status_code == 409
    assert "There is a problem" in again.content.decode()
    assert "FE-T-1 has no such suggestion now" in again.content.decode()
    assert _accept(officer, answered, "GV-P-1", "from-4").status_code == 409
    assert _accept(officer, answered, "NO-SUCH", "from-0").status_code == 409
    assert PlanAction.objects.count() == 1


def test_respondent_reads_the_plan_but_may_not_change_it(answered, officer, respondent):
    _accept(officer, answered, "SC-P-1", "from-1")
    page = respondent.get(_plan(answered)).content.decode()
    assert "Move SC-P-1 up from 1." in page
    assert "Accept<span" not in page
    assert "/plan/add" not in page
    action = PlanAction.objects.get()
    assert _accept(respondent, answered, "FE-T-1", "from-1").status_code == 403
    assert respondent.get(f"{_plan(answered)}/add").status_code == 403
    assert respondent.get(f"{_plan(answered)}/{action.pk}").status_code == 403
    assert PlanAction.objects.count() == 1


def test_someone_not_in_the_round_gets_not_found(answered, school_teacher):
    client = signed_in_client(school_teacher)
    for path in ("/plan", "/roadmap", "/plan.csv", "/plan/add"):
        assert client.get(f"/readiness/rounds/{answered.pk}{path}").status_code == 404, path
    assert _accept(client, answered, "SC-P-1", "from-1").status_code == 404
    assert not PlanAction.objects.exists()


def test_officer_adds_an_own_action(readiness_round, officer):
    due = _future()
    response = officer.post(
        f"{_plan(readiness_round)}/add",
        {
            "block": "identity",
            "dimension": "governance",
            "text": "Agree who issues practitioner identities",
            "term": "medium",
            "owner": "ICT leads' group",
            **_date_fields(due),
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert (action.block, action.dimension, action.term, action.owner, action.due_on) == (
        "identity",
        "governance",
        "medium",
        "ICT leads' group",
        due,
    )
    assert action.suggestion == "" and action.statement_id == ""
    assert AuditEvent.objects.filter(action="readiness.plan_added").count() == 1


def test_adding_an_action_due_in_the_past_or_with_nothing_chosen_is_refused(
    readiness_round, officer
):
    response = officer.post(
        f"{_plan(readiness_round)}/add",
        {
            "block": "nowhere",
            "text": "  ",
            "term": "soon",
            "owner": "Typed owner",
            **_date_fields(timezone.localdate() - timedelta(days=1)),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and "<title>Error: " in page
    for message in (
        "Select the building block",
        "Select the dimension",
        "Enter what the partnership will do",
        "Select the term",
        "The due date must be today or in the future",
    ):
        assert message in page, message
    assert 'value="Typed owner"' in page  # what was typed stays
    assert not PlanAction.objects.exists()


def _accepted(officer, round_) -> PlanAction:
    _accept(officer, round_, "SC-P-1", "from-1")
    return PlanAction.objects.get()


def _edit(client, action, **changes):
    data = {
        "text": action.text,
        "term": action.term,
        "owner": action.owner,
        "status": action.status,
        "seen": action.updated_at.isoformat(),
        **changes,
    }
    return client.post(f"/readiness/rounds/{action.round_id}/plan/{action.pk}", data)


def test_officer_gives_an_owner_and_date_then_marks_it_done(answered, officer):
    action = _accepted(officer, answered)
    form = officer.get(f"{_plan(answered)}/{action.pk}").content.decode()
    assert "From statement SC-P-1: Scoping statement and business case is in place" in form
    assert ">Move SC-P-1 up from 1.</textarea>" in form
    due = _future(60)
    assert _edit(officer, action, owner="Scoping group", **_date_fields(due)).status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.due_on, action.done_on) == ("Scoping group", due, None)
    assert _edit(officer, action, status="done", owner="Scoping group").status_code == 302
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", timezone.localdate())
    assert action.due_on is None  # the date boxes were left empty this time
    assert _edit(officer, action, status="started").status_code == 302
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("started", None)
    assert AuditEvent.objects.filter(action="readiness.plan_changed").count() == 3


def test_a_change_made_meanwhile_is_never_overwritten_silently(answered, officer):
    action = _accepted(officer, answered)
    stale = action.updated_at.isoformat()
    assert _edit(officer, action, owner="First editor").status_code == 302
    response = _edit(officer, action, owner="Second editor", seen=stale)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this action after you opened it" in page
    assert "First editor" in page  # what it says now
    assert 'value="Second editor"' in page  # what they typed stays
    action.refresh_from_db()
    assert action.owner == "First editor"
    # Saving again from that page (its hidden check now up to date) goes through.
    fresh = page.split('name="seen" value="')[1].split('"')[0]
    assert _edit(officer, action, owner="Second editor", seen=fresh).status_code == 302
    action.refresh_from_db()
    assert action.owner == "Second editor"


def test_a_past_due_date_already_recorded_may_stay_but_no_new_one(answered, officer):
    action = _accepted(officer, answered)
    passed = timezone.localdate() - timedelta(days=10)
    PlanAction.objects.filter(pk=action.pk).update(due_on=passed)
    action.refresh_from_db()
    assert _edit(officer, action, owner="Kept", **_date_fields(passed)).status_code == 302
    action.refresh_from_db()
    earlier = _edit(officer, action, **_date_fields(passed - timedelta(days=1)))
    assert "The due date must be today or in the future" in earlier.content.decode()
    action.refresh_from_db()
    assert (action.owner, action.due_on) == ("Kept", passed)


def test_roadmap_shows_terms_conflicts_and_balance(readiness_round, officer, partnership_officer):
    later = _future(90)
    for block, dimension, term, due in (
        ("federation", "ict", "short", _future(10)),
        ("identity", "governance", "medium", later),
        ("scoping", "practice", "short", None),
    ):
        PlanAction.objects.create(
            round=readiness_round,
            block=block,
            dimension=dimension,
            text=f"Work on {block}",
            term=term,
            due_on=due,
            accepted_by=partnership_officer,
        )
    page = officer.get(f"/readiness/rounds/{readiness_round.pk}/roadmap").content.decode()
    assert "Federation action planned in the short term, before identity management" in page
    short = page.split('id="term-short"')[1].split('id="term-medium"')[0]
    assert short.index("Scoping statement") < short.index("Federation")
    assert short.count("Before what it needs") == 1
    assert "No governance action" in page  # the short term has practice and ICT only
    assert "Time line" in page and "Work on identity" in page


def test_roadmaps_show_each_contexts_newest_round_per_partnership(
    readiness_round, officer, partnership_officer
):
    other = BankVersion.keep(read_bank(small_bank_text(key="non-emergency-number")))
    BankVersion.objects.filter(pk=other.pk).update(title="Single non-emergency number")
    older = Round.objects.create(
        partnership="Westshire",
        title="Spring 2026",
        bank_version=other,
        opened_by=partnership_officer,
    )
    newer = Round.objects.create(
        partnership="Westshire",
        title="Autumn 2026",
        bank_version=other,
        opened_by=partnership_officer,
    )
    for round_ in (older, newer, readiness_round):
        PlanAction.objects.create(
            round=round_,
            block="scoping",
            dimension="practice",
            text="Write the business case",
            term="long" if round_ == older else "short",
            accepted_by=partnership_officer,
        )
    page = officer.get("/readiness/roadmaps").content.decode()
    assert page.index("Test bank") < page.index("Single non-emergency number")
    number = page.split("Single non-emergency number")[1]
    assert f"/readiness/rounds/{newer.pk}/roadmap" in number
    assert f"/readiness/rounds/{older.pk}/roadmap" not in page
    assert (
        f"/readiness/rounds/{readiness_round.pk}/roadmap" in page.split("Single non-emergency")[0]
    )


def test_roadmaps_show_a_respondent_only_their_rounds(
    readiness_round, respondents, partnership_officer
):
    other = BankVersion.keep(read_bank(small_bank_text(key="non-emergency-number")))
    Round.objects.create(
        partnership="Westshire",
        title="Autumn 2026",
        bank_version=other,
        opened_by=partnership_officer,
    )
    page = signed_in_client(respondents[1]).get("/readiness/roadmaps").content.decode()
    assert "Northshire" in page and "Westshire" not in page


def test_plan_csv_has_every_action_and_no_formulas(answered, officer, partnership_officer):
    PlanAction.objects.create(
        round=answered,
        block="legal",
        dimension="governance",
        text='=HYPERLINK("http://example.org")',
        term="medium",
        owner="Legal team",
        due_on=date(2027, 4, 1),
        accepted_by=partnership_officer,
    )
    _accept(officer, answered, "SC-P-1", "from-1")
    response = officer.get(f"{_plan(answered)}.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["block", "dimension", "statement", "action"]
    assert rows[1][:8] == [
        "legal",
        "governance",
        "",
        '\'=HYPERLINK("http://example.org")',
        "medium",
        "Legal team",
        "2027-04-01",
        "planned",
    ]
    assert rows[2][2:5] == ["SC-P-1", "Move SC-P-1 up from 1.", "short"]
    assert len(rows) == 3


def test_a_round_nobody_has_answered_suggests_nothing(readiness_round, officer):
    page = officer.get(_plan(readiness_round)).content.decode()
    assert "Nothing to suggest" in page
    assert "No actions are in the plan yet." in page
