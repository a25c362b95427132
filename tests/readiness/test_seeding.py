"""The demo region's readiness round: seeded once, answered by two, waiting for a third."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
from django.core.management.color import no_style
from django.urls import reverse
from django.utils import timezone

from fame.accounts.models import OrganisationType, TrainingCourse, User
from fame.audit.models import AuditEvent
from fame.readiness.bank import read_bank, shipped_banks
from fame.readiness.models import Answer, EvidenceDocument, Respondent, Round
from fame.readiness.queries import round_results
from fame.readiness.seeding import (
    DEMO_PARTNERSHIP,
    DEMO_TITLE,
    RESPONDENTS,
    login_lines,
    seed_demo_round,
)
from fame.readiness.seeding import _draw_scores as draw_scores
from fame.web.management.commands._region import hub_with_demo_region, seed_accounts
from fame.web.management.commands._region import login_lines as hub_login_lines
from tests.conftest import signed_in_client
from tests.demonstrator.conftest import demo_login
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
def demo_region(tmp_path: Path) -> Path:
    """A small demo region loaded into this hub as `fame demo` does (its accounts, the
    demo protocol and round, the Child Index), with the courses its staff are trained in."""
    courses = import_module("fame.accounts.migrations.0002_required_training").COURSES
    for code, name, months in courses:
        TrainingCourse.objects.update_or_create(
            code=code, defaults={"name": name, "valid_for_months": months, "required": True}
        )
    return hub_with_demo_region(tmp_path, children=40, seed=11)


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


def test_each_answering_respondent_uploaded_one_document_in_their_own_dimension(seeded):
    documents = EvidenceDocument.objects.filter(answer__respondent__round=seeded)
    assert sorted(d.answer.respondent.user.username for d in documents) == ["bob", "charlie"]
    for document in documents:
        assert document.answer.score is not None and document.answer.score >= 2
        statement = seeded.bank.statement(document.answer.statement_id)
        assert statement.dimension == document.answer.respondent.lead
        with document.file.open("rb") as kept:
            assert kept.read().startswith(DEMO_PARTNERSHIP.encode())


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


OFFICER_LINE = (
    f'Readiness: partnership_officer sees the round "{DEMO_TITLE}", its results, workshop and plan.'
)


def test_the_login_list_says_who_answers_the_round(seeded, logins):
    assert login_lines(logins) == [
        f'Readiness: sign in as school_teacher (alice) to answer the round "{DEMO_TITLE}".',
        OFFICER_LINE,
    ]


def test_the_login_list_names_nobody_to_answer_once_everyone_has_submitted(seeded, logins):
    seeded.respondents.update(submitted_at=timezone.now())
    assert login_lines(logins) == [OFFICER_LINE]


def test_the_login_list_says_nothing_without_the_round(logins):
    assert login_lines(logins) == []


def test_the_demo_hub_has_one_round_on_the_shipped_bank_however_often_it_starts(demo_region):
    region = seed_accounts(demo_region)  # `fame run` again
    seed_accounts(demo_region, again=False)  # `fame demo` again: the hub resumes
    round_ = Round.objects.get()
    shipped = shipped_banks()["childrens-services"]
    assert round_.bank_version.digest == shipped.digest
    assert any(r.flagged for r in round_results(round_))
    waiting = demo_login(demo_region, "school_teacher")
    assert list(
        round_.respondents.filter(submitted_at=None).values_list("user__username", flat=True)
    ) == [waiting]
    printed = "\n".join(hub_login_lines(region, "http://127.0.0.1:8000/", no_style()))
    assert f'sign in as school_teacher ({waiting}) to answer the round "{DEMO_TITLE}"' in printed


def test_the_demo_round_pages_open_for_the_officer_and_the_waiting_respondent(demo_region):
    round_ = Round.objects.get()
    officer = User.objects.get(username=demo_login(demo_region, "partnership_officer"))
    teacher = User.objects.get(username=demo_login(demo_region, "school_teacher"))
    as_officer, as_teacher = signed_in_client(officer), signed_in_client(teacher)
    for name in ("round", "results", "workshop", "compare", "plan", "roadmap"):
        page = as_officer.get(reverse(f"readiness:{name}", args=[round_.pk]))
        assert page.status_code == 200, name
    first_block = round_.bank.statements[0].block
    assert as_teacher.get(reverse("readiness:task_list", args=[round_.pk])).status_code == 200
    block = as_teacher.get(reverse("readiness:answer_block", args=[round_.pk, first_block]))
    assert block.status_code == 200
