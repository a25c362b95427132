"""Answering a round: the task list, a block's page, the evidence rule, check and submit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from fame.readiness import facts
from fame.readiness.facts import Fact
from fame.readiness.models import Answer, Round
from tests.conftest import signed_in_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BLOCK = "information-sharing"
STATEMENTS = ("IS-P-1", "IS-T-1", "IS-G-1")
TOLD = Fact(
    "protocols_in_force",
    "3 information sharing protocols are in force",
    datetime(2026, 12, 1, tzinfo=UTC),
)


@pytest.fixture(autouse=True)
def live_facts(monkeypatch):
    """What the running system tells, fixed for the tests."""
    asked: list[tuple[str, ...]] = []

    def told(keys):
        asked.append(tuple(keys))
        return [TOLD for key in keys if key == "protocols_in_force"]

    monkeypatch.setattr(facts, "live_facts", told, raising=False)
    return asked


@pytest.fixture
def answerer(respondents):
    return respondents[1]


def block_url(round_, block=BLOCK):
    return reverse("readiness:answer_block", args=[round_.pk, block])


def answers_of(user):
    return {a.statement_id: a for a in Answer.objects.filter(respondent__user=user)}


def test_the_task_list_shows_each_block_not_started(readiness_round, answerer):
    page = signed_in_client(answerer).get(reverse("readiness:task_list", args=[readiness_round.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("Not started") == 9
    assert "0 of 27 statements answered" in text
    assert block_url(readiness_round) in text


def test_a_stranger_finds_no_answers_to_give(readiness_round, school):
    stranger = UserFactory(username="stan", organisation=school)
    client = signed_in_client(stranger)
    assert client.get(reverse("readiness:task_list", args=[readiness_round.pk])).status_code == 404
    assert client.post(block_url(readiness_round), {"IS-P-1-score": "0"}).status_code == 404
    assert Answer.objects.count() == 0


def test_the_officer_running_the_round_gives_no_answers(readiness_round, partnership_officer):
    response = signed_in_client(partnership_officer).post(
        block_url(readiness_round), {"IS-P-1-score": "0"}
    )
    assert response.status_code == 403
    assert Answer.objects.count() == 0


def test_a_block_page_lists_its_statements_with_their_levels(readiness_round, answerer):
    text = signed_in_client(answerer).get(block_url(readiness_round)).content.decode()
    for sid in STATEMENTS:
        assert "Information sharing is in place for" in text
        assert f"({sid})." in text
        assert f"{sid} at level 3" in text
    assert "Don&#39;t know" in text
    assert "Multi-agency practice" in text


def test_an_unknown_block_is_not_found(readiness_round, answerer):
    response = signed_in_client(answerer).get(block_url(readiness_round, "no-such-block"))
    assert response.status_code == 404


def test_dont_know_is_kept_as_dont_know_not_zero(readiness_round, answerer):
    signed_in_client(answerer).post(
        block_url(readiness_round), {"IS-P-1-score": "dont_know", "action": "later"}
    )
    answer = answers_of(answerer)["IS-P-1"]
    assert answer.dont_know is True
    assert answer.score is None


def test_a_score_of_zero_needs_no_evidence(readiness_round, answerer):
    signed_in_client(answerer).post(block_url(readiness_round), {"IS-P-1-score": "0"})
    assert answers_of(answerer)["IS-P-1"].score == 0


def test_a_score_above_zero_without_evidence_saves_nothing(readiness_round, answerer):
    data = {
        "IS-P-1-score": "1",
        "IS-P-1-evidence_text": "The protocol was signed in May.",
        "IS-T-1-score": "3",
        "IS-T-1-evidence_text": "   ",
        "action": "later",
    }
    response = signed_in_client(answerer).post(block_url(readiness_round), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "IS-T-1 is scored 3: give evidence for it" in text
    assert 'href="#id_IS-T-1-evidence_text"' in text
    assert "The protocol was signed in May." in text  # what was typed is kept
    assert answers_of(answerer) == {}


def test_evidence_as_a_link_is_enough(readiness_round, answerer):
    response = signed_in_client(answerer).post(
        block_url(readiness_round),
        {"IS-T-1-score": "2", "IS-T-1-evidence_link": "https://example.org/plan"},
    )
    assert response.status_code == 302
    assert answers_of(answerer)["IS-T-1"].evidence_link == "https://example.org/plan"


def test_a_link_that_is_not_a_web_address_is_refused(readiness_round, answerer):
    response = signed_in_client(answerer).post(
        block_url(readiness_round), {"IS-T-1-score": "2", "IS-T-1-evidence_link": "not a link"}
    )
    assert "Enter the link for IS-T-1 as a web address" in response.content.decode()
    assert answers_of(answerer) == {}


def test_saving_for_later_keeps_partial_answers(readiness_round, answerer):
    client = signed_in_client(answerer)
    response = client.post(
        block_url(readiness_round),
        {
            "IS-P-1-score": "2",
            "IS-P-1-evidence_text": "Joint training runs monthly.",
            "action": "later",
        },
    )
    assert response["Location"] == reverse("readiness:task_list", args=[readiness_round.pk])
    assert set(answers_of(answerer)) == {"IS-P-1"}
    task_list = client.get(response["Location"]).content.decode()
    assert "In progress" in task_list
    assert "1 of 27 statements answered" in task_list
    again = client.get(block_url(readiness_round)).content.decode()
    assert "Joint training runs monthly." in again


def test_saving_and_continuing_goes_to_the_next_block(readiness_round, answerer):
    response = signed_in_client(answerer).post(
        block_url(readiness_round, "scoping"), {"SC-P-1-score": "0", "action": "continue"}
    )
    assert response["Location"] == block_url(readiness_round, "legal")


def test_a_live_fact_is_shown_and_can_be_attached(readiness_round, answerer, live_facts):
    client = signed_in_client(answerer)
    page = client.get(block_url(readiness_round)).content.decode()
    assert "3 information sharing protocols are in force" in page
    assert ("protocols_in_force",) in live_facts
    client.post(
        block_url(readiness_round),
        {
            "IS-G-1-score": "3",
            "IS-G-1-evidence_text": "See the register.",
            "IS-G-1-attach_fact": "on",
        },
    )
    assert answers_of(answerer)["IS-G-1"].fact == TOLD.attached()


def test_an_unticked_fact_is_not_attached(readiness_round, answerer):
    signed_in_client(answerer).post(block_url(readiness_round), {"IS-G-1-score": "0"})
    assert answers_of(answerer)["IS-G-1"].fact == {}


def answer_everything(client, round_):
    blocks = {s.block for s in round_.bank.statements}
    for block in blocks:
        data = {f"{s.id}-score": "dont_know" for s in round_.bank.in_block(block)}
        assert client.post(block_url(round_, block), data).status_code == 302


def test_submitting_before_every_statement_is_answered_is_refused(readiness_round, answerer):
    client = signed_in_client(answerer)
    client.post(block_url(readiness_round), {"IS-P-1-score": "0"})
    response = client.post(reverse("readiness:submit", args=[readiness_round.pk]), follow=True)
    assert (
        "Answer every statement before you submit: 1 of 27 are answered"
        in response.content.decode()
    )
    assert readiness_round.respondents.get(user=answerer).submitted_at is None


def test_submitting_makes_the_answers_read_only(readiness_round, answerer):
    client = signed_in_client(answerer)
    answer_everything(client, readiness_round)
    check = client.get(reverse("readiness:check_answers", args=[readiness_round.pk]))
    assert "Submit your answers" in check.content.decode()
    client.post(reverse("readiness:submit", args=[readiness_round.pk]))
    assert readiness_round.respondents.get(user=answerer).submitted_at is not None
    response = client.post(
        block_url(readiness_round), {"IS-P-1-score": "4", "IS-P-1-evidence_text": "x"}, follow=True
    )
    assert (
        "You submitted your answers, so they can no longer be changed" in response.content.decode()
    )
    assert answers_of(answerer)["IS-P-1"].dont_know is True


def test_a_closed_round_takes_no_more_answers(readiness_round, answerer):
    readiness_round.status = Round.Status.CLOSED
    readiness_round.save()
    response = signed_in_client(answerer).post(
        block_url(readiness_round), {"IS-P-1-score": "0"}, follow=True
    )
    assert (
        "This round is closed: answers can no longer be given or changed."
        in response.content.decode()
    )
    assert answers_of(answerer) == {}


def test_a_round_past_its_closing_date_takes_no_more_answers(readiness_round, answerer):
    readiness_round.closes_on = date.today() - timedelta(days=1)
    readiness_round.save()
    response = signed_in_client(answerer).post(
        block_url(readiness_round), {"IS-P-1-score": "0"}, follow=True
    )
    assert "closed for answers at the end of its closing date" in response.content.decode()
    assert answers_of(answerer) == {}


def test_a_block_with_every_statement_answered_is_completed(readiness_round, answerer):
    client = signed_in_client(answerer)
    client.post(block_url(readiness_round), {f"{sid}-score": "0" for sid in STATEMENTS})
    text = client.get(reverse("readiness:task_list", args=[readiness_round.pk])).content.decode()
    assert text.count("Not started") == 8
    assert "Completed" in text
    assert "3 of 3 answered" in text


def test_after_submitting_the_answers_are_shown_without_change_links(readiness_round, answerer):
    client = signed_in_client(answerer)
    answer_everything(client, readiness_round)
    client.post(reverse("readiness:submit", args=[readiness_round.pk]))
    check = client.get(reverse("readiness:check_answers", args=[readiness_round.pk])).content
    home = client.get(reverse("readiness:home")).content.decode()
    assert b">Change<" not in check
    assert b"Submit your answers" not in check
    assert check.count(b'<p class="govuk-body">Don\'t know</p>') == 27
    assert "Submitted" in home


def test_clearing_everything_given_leaves_the_statement_untouched(readiness_round, answerer):
    client = signed_in_client(answerer)
    client.post(block_url(readiness_round), {"IS-P-1-evidence_text": "A first note."})
    assert set(answers_of(answerer)) == {"IS-P-1"}
    client.post(block_url(readiness_round), {"IS-P-1-evidence_text": ""})
    assert answers_of(answerer) == {}


def test_the_round_page_says_when_answers_closed(readiness_round, answerer):
    readiness_round.closes_on = date.today() - timedelta(days=1)
    readiness_round.save()
    page = signed_in_client(answerer).get(reverse("readiness:round", args=[readiness_round.pk]))
    text = page.content.decode()
    assert "Closed for answers on" in text
    assert "Answer the statements" not in text


def test_evidence_keeps_its_lines_on_the_check_page(readiness_round, answerer):
    client = signed_in_client(answerer)
    client.post(
        block_url(readiness_round),
        {"IS-P-1-score": "1", "IS-P-1-evidence_text": "First <b>line</b>\nSecond line"},
    )
    check = client.get(reverse("readiness:check_answers", args=[readiness_round.pk]))
    assert "First &lt;b&gt;line&lt;/b&gt;<br>Second line" in check.content.decode()
