"""The demo region's readiness round: seeded once, answered by two, waiting for a third."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fame.accounts.models import OrganisationType
from fame.audit.models import AuditEvent
from fame.readiness.bank import read_bank
from fame.readiness.models import Answer, Respondent, Round
from fame.readiness.queries import round_results
from fame.readiness.seeding import (
    DEMO_PARTNERSHIP,
    DEMO_TITLE,
    RESPONDENTS,
    login_lines,
    seed_demo_round,
)
from fame.readiness.seeding import _draw_scores as draw_scores
from tests.conftest import signed_in_client
from tests.factories import OrganisationFactory, UserFactory

from .banks import small_bank_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return read_bank(small_bank_text())


@pytest.fixture
def police_officer(db):
    police = OrganisationFactory(
        agency_id="pol-001", name="Northmoor Police", type=OrganisationType.POLICE
    )
    return UserFactory(username="paul", organisation=police, job_title="Police constable")


@pytest.fixture
def logins(isa_officer, health_visitor, school_teacher, police_officer, partnership_officer):
    return {
        "isa_officer": isa_officer.username,
        "health_visitor": health_visitor.username,
        "school_teacher": school_teacher.username,
        "police_officer": police_officer.username,
        "partnership_officer": partnership_officer.username,
        "auditor": "judy",
    }


@pytest.fixture
def seeded(logins, bank) -> Round:
    round_ = seed_demo_round(logins=logins, seed=7, bank=bank)
    assert round_ is not None
    return round_


def scores_of(round_: Round) -> dict[tuple[str, str], int | None]:
    return {
        (a.respondent.user.username, a.statement_id): a.score
        for a in Answer.objects.filter(respondent__round=round_).select_related("respondent__user")
    }


def test_seeding_twice_makes_one_round(logins, bank):
    first = seed_demo_round(logins=logins, seed=7, bank=bank)
    again = seed_demo_round(logins=logins, seed=7, bank=bank)
    assert first is not None and again is None
    assert Round.objects.filter(partnership=DEMO_PARTNERSHIP, title=DEMO_TITLE).count() == 1
    assert Respondent.objects.count() == 3
    assert AuditEvent.objects.filter(action="readiness.round_opened").count() == 1


def test_the_round_names_the_agencies_and_invites_demo_logins_as_leads(
    seeded, school, health_trust, local_authority, police_officer, partnership_officer
):
    assert seeded.opened_by == partnership_officer
    assert seeded.is_open and seeded.closes_on is None
    assert sorted(p.name for p in seeded.partners.all()) == sorted(
        [school.name, health_trust.name, local_authority.name, police_officer.organisation.name]
    )
    invited = {
        (r.user.username, r.partner.name, r.lead) for r in seeded.respondents.select_related()
    }
    assert invited == {
        ("charlie", local_authority.name, "governance"),
        ("bob", health_trust.name, "practice"),
        ("alice", school.name, "practice"),
    }
    comparing = sorted(p.name for p in seeded.partners.filter(agrees_to_compare=True))
    assert comparing == sorted([local_authority.name, health_trust.name])


def test_two_respondents_answered_everything_with_evidence_and_submitted(seeded, bank):
    answered = [r for r in seeded.respondents.all() if r.submitted_at is not None]
    assert sorted(r.user.username for r in answered) == ["bob", "charlie"]
    assert AuditEvent.objects.filter(action="readiness.answers_submitted").count() == 2
    for respondent in answered:
        answers = list(respondent.answers.all())
        assert len(answers) == len(bank.statements)
        assert all(a.answered for a in answers)
        assert all(a.evidence_text.strip() for a in answers if a.score)
        assert all(a.score is None for a in answers if a.dont_know)
    dont_know = Answer.objects.filter(respondent__round=seeded, dont_know=True).count()
    assert 0 < dont_know < len(bank.statements) // 2


def test_the_results_flag_disagreements_for_the_workshop(seeded, partnership_officer):
    flagged = [r for r in round_results(seeded) if r.flagged]
    assert 2 <= len(flagged) <= len(seeded.bank.statements) // 3
    page = signed_in_client(partnership_officer).get(reverse("readiness:results", args=[seeded.pk]))
    assert page.status_code == 200
    assert f"Workshop: {len(flagged)} statements where respondents differ" in page.content.decode()
    workshop = signed_in_client(partnership_officer).get(
        reverse("readiness:workshop", args=[seeded.pk])
    )
    assert all(r.statement.id in workshop.content.decode() for r in flagged)


def test_the_respondent_not_yet_started_can_open_the_task_list(seeded, school_teacher, bank):
    page = signed_in_client(school_teacher).get(reverse("readiness:task_list", args=[seeded.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"0 of {len(bank.statements)} statements answered" in text
    assert text.count("Not started") == 9


def test_the_same_seed_draws_the_same_answers_and_another_seed_others(bank):
    import random

    answering = [r for r in RESPONDENTS if r.answers]
    one = draw_scores(random.Random("readiness-demo-7"), bank, answering)
    same = draw_scores(random.Random("readiness-demo-7"), bank, answering)
    other = draw_scores(random.Random("readiness-demo-8"), bank, answering)
    assert one == same
    assert one != other
    assert {s for scores in one.values() for s in scores.values()} <= {None, 0, 1, 2, 3, 4}


def test_the_seeded_answers_follow_the_seed(logins, bank):
    round_ = seed_demo_round(logins=logins, seed=7, bank=bank)
    assert round_ is not None
    first = scores_of(round_)
    round_.respondents.all().delete()
    round_.delete()
    again = seed_demo_round(logins=logins, seed=7, bank=bank)
    assert again is not None
    assert scores_of(again) == first


def test_no_round_without_its_people(logins, bank):
    del logins["school_teacher"]
    assert seed_demo_round(logins=logins, seed=7, bank=bank) is None
    assert not Round.objects.exists()


def test_the_login_list_says_who_answers_the_round(seeded, logins):
    assert login_lines(logins) == [
        f'Readiness: sign in as school_teacher (alice) to answer the round "{DEMO_TITLE}".',
        "Readiness: partnership_officer sees its results, workshop and plan.",
    ]


def test_the_login_list_says_nothing_without_the_round(logins):
    assert login_lines(logins) == []
