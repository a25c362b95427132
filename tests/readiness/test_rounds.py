"""Opening a round, the round's page, inviting respondents, who compares, closing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fame.audit.models import AuditEvent
from fame.readiness.bank import read_bank
from fame.readiness.models import Partner, Respondent, Round
from fame.readiness.rounds import forms
from tests.conftest import signed_in_client
from tests.factories import UserFactory

from .banks import small_bank_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(school):
    """Signed in, but neither runs rounds nor was invited."""
    return UserFactory(username="stan", organisation=school, roles=["practitioner"])


def open_data(bank_version, **changes):
    data = {
        "partnership": "Northshire Children's Trust",
        "title": "Spring 2027",
        "bank": f"v{bank_version.pk}",
        "partners": "Northmoor Children's Services\nHollins Lane Primary School\n",
    }
    data.update(changes)
    return data


def test_home_lists_a_respondents_rounds_with_their_progress(readiness_round, respondents):
    response = signed_in_client(respondents[1]).get(reverse("readiness:home"))
    page = response.content.decode()
    assert "Autumn 2026" in page
    assert "0 of 27 answered" in page
    assert "Open a round" not in page


def test_home_offers_opening_a_round_to_a_partnership_officer(partnership_officer):
    page = signed_in_client(partnership_officer).get(reverse("readiness:home")).content.decode()
    assert reverse("readiness:open_round") in page


def test_home_shows_a_stranger_no_rounds(readiness_round, stranger):
    page = signed_in_client(stranger).get(reverse("readiness:home")).content.decode()
    assert "Autumn 2026" not in page
    assert "There are no assessment rounds you can see yet" in page


def test_opening_a_round_keeps_its_partners_and_bank(partnership_officer, bank_version):
    client = signed_in_client(partnership_officer)
    data = open_data(bank_version, **{"closes_on-day": "31", "closes_on-month": "1"})
    data["closes_on-year"] = "2099"
    response = client.post(reverse("readiness:open_round"), data)
    round_ = Round.objects.get(title="Spring 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("readiness:round", args=[round_.pk])
    assert round_.bank_version == bank_version
    assert round_.opened_by == partnership_officer
    assert str(round_.closes_on) == "2099-01-31"
    assert sorted(p.name for p in round_.partners.all()) == [
        "Hollins Lane Primary School",
        "Northmoor Children's Services",
    ]
    assert AuditEvent.objects.filter(action="readiness.round_opened").count() == 1


@pytest.mark.parametrize(
    ("partners", "message"),
    [
        ("Only one partner", "Enter at least 2 partners, one a line"),
        ("Hollins Lane\nhollins lane \n", "Hollins Lane is given twice: name each partner once"),
        ("", "Enter the partners, one a line"),
    ],
)
def test_opening_a_round_refuses_too_few_or_repeated_partners(
    partnership_officer, bank_version, partners, message
):
    client = signed_in_client(partnership_officer)
    response = client.post(
        reverse("readiness:open_round"), open_data(bank_version, partners=partners)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message.replace("'", "&#39;") in page
    assert "<title>Error: " in page
    assert Round.objects.count() == 0


def test_opening_a_round_refuses_a_closing_date_in_the_past(partnership_officer, bank_version):
    data = open_data(bank_version, **{"closes_on-day": "1", "closes_on-month": "1"})
    data["closes_on-year"] = "2020"
    response = signed_in_client(partnership_officer).post(reverse("readiness:open_round"), data)
    assert "The closing date must be today or in the future" in response.content.decode()
    assert Round.objects.count() == 0


def test_opening_a_round_refuses_a_bank_not_offered(partnership_officer, bank_version):
    response = signed_in_client(partnership_officer).post(
        reverse("readiness:open_round"), open_data(bank_version, bank="v999")
    )
    assert "Select one of the statement banks listed" in response.content.decode()
    assert Round.objects.count() == 0


def test_opening_a_round_offers_the_kept_banks(partnership_officer, bank_version):
    page = signed_in_client(partnership_officer).get(reverse("readiness:open_round")).content
    assert f'value="v{bank_version.pk}"'.encode() in page
    assert b"Test bank, version test.1" in page


def test_a_practitioner_may_not_open_a_round(school_teacher, bank_version):
    response = signed_in_client(school_teacher).post(
        reverse("readiness:open_round"), open_data(bank_version)
    )
    assert response.status_code == 403
    assert Round.objects.count() == 0


def test_the_round_page_shows_respondents_and_their_progress(readiness_round, partnership_officer):
    page = signed_in_client(partnership_officer).get(
        reverse("readiness:round", args=[readiness_round.pk])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("0 of 27") == 3
    assert 'id="round-links"' in text
    assert reverse("readiness:invite", args=[readiness_round.pk]) in text


def test_a_respondent_sees_the_round_without_running_it(readiness_round, respondents):
    page = signed_in_client(respondents[1]).get(
        reverse("readiness:round", args=[readiness_round.pk])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert reverse("readiness:task_list", args=[readiness_round.pk]) in text
    assert reverse("readiness:invite", args=[readiness_round.pk]) not in text


@pytest.mark.parametrize("name", ["round", "invite", "partners", "close_round"])
def test_a_stranger_finds_no_round(readiness_round, stranger, name):
    response = signed_in_client(stranger).get(
        reverse(f"readiness:{name}", args=[readiness_round.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["invite", "partners", "close_round"])
def test_a_respondent_may_not_run_the_round(readiness_round, respondents, name):
    response = signed_in_client(respondents[1]).post(
        reverse(f"readiness:{name}", args=[readiness_round.pk]), {}
    )
    assert response.status_code == 403
    assert Round.objects.get().is_open


def invite_data(round_, **changes):
    data = {
        "person": "newcomer@example.org",
        "partner": str(round_.partners.get(name="Hollins Lane Primary School").pk),
        "lead": "practice",
    }
    data.update(changes)
    return data


def test_inviting_by_email_makes_a_respondent(readiness_round, partnership_officer, school):
    newcomer = UserFactory(username="nina", organisation=school)
    newcomer.email = "Newcomer@Example.org"
    newcomer.save()
    response = signed_in_client(partnership_officer).post(
        reverse("readiness:invite", args=[readiness_round.pk]), invite_data(readiness_round)
    )
    assert response.status_code == 302
    invited = Respondent.objects.get(user=newcomer)
    assert invited.partner.name == "Hollins Lane Primary School"
    assert invited.lead == "practice"


def test_inviting_the_same_person_twice_is_refused(readiness_round, partnership_officer):
    response = signed_in_client(partnership_officer).post(
        reverse("readiness:invite", args=[readiness_round.pk]),
        invite_data(readiness_round, person="school.practice"),
    )
    assert "school.practice is already invited to this round" in response.content.decode()
    assert readiness_round.respondents.count() == 3


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ("nobody", "There is no one with the username or email nobody"),
        ("gone", "account is switched off"),
        ("", "Enter the username or email address of the person"),
    ],
)
def test_inviting_someone_unknown_or_switched_off_is_refused(
    readiness_round, partnership_officer, person, message
):
    UserFactory(username="gone", is_active=False)
    response = signed_in_client(partnership_officer).post(
        reverse("readiness:invite", args=[readiness_round.pk]),
        invite_data(readiness_round, person=person),
    )
    assert message in response.content.decode()
    assert readiness_round.respondents.count() == 3


def test_inviting_for_another_rounds_partner_is_refused(
    readiness_round, partnership_officer, bank_version, school
):
    other = Round.objects.create(
        partnership="Elsewhere",
        title="Other",
        bank_version=bank_version,
        opened_by=partnership_officer,
    )
    stray = Partner.objects.create(round=other, name="Stray")
    UserFactory(username="nina", organisation=school)
    response = signed_in_client(partnership_officer).post(
        reverse("readiness:invite", args=[readiness_round.pk]),
        invite_data(readiness_round, person="nina", partner=str(stray.pk)),
    )
    assert "Select one of the round&#39;s partners" in response.content.decode()
    assert readiness_round.respondents.count() == 3


def test_partners_agreeing_to_compare_are_saved(readiness_round, partnership_officer):
    school = readiness_round.partners.get(name="Hollins Lane Primary School")
    response = signed_in_client(partnership_officer).post(
        reverse("readiness:partners", args=[readiness_round.pk]), {"comparing": [str(school.pk)]}
    )
    assert response.status_code == 302
    assert list(
        readiness_round.partners.filter(agrees_to_compare=True).values_list("name", flat=True)
    ) == ["Hollins Lane Primary School"]


def test_closing_a_round_stops_invitations(readiness_round, partnership_officer, school):
    client = signed_in_client(partnership_officer)
    client.post(reverse("readiness:close_round", args=[readiness_round.pk]), {})
    readiness_round.refresh_from_db()
    UserFactory(username="nina", organisation=school)
    client.post(
        reverse("readiness:invite", args=[readiness_round.pk]),
        invite_data(readiness_round, person="nina"),
    )
    assert readiness_round.status == Round.Status.CLOSED
    assert readiness_round.respondents.count() == 3


def test_opening_a_round_on_a_shipped_bank_keeps_its_version(
    partnership_officer, bank_version, monkeypatch
):
    shipped = read_bank(small_bank_text(version="shipped.2", key="single-number"))
    monkeypatch.setattr(forms, "shipped_banks", lambda: {shipped.key: shipped})
    client = signed_in_client(partnership_officer)
    assert b"Test bank, version shipped.2" in client.get(reverse("readiness:open_round")).content
    client.post(reverse("readiness:open_round"), open_data(bank_version, bank="ssingle-number"))
    kept = Round.objects.get().bank_version
    assert (kept.key, kept.version, kept.digest) == ("single-number", "shipped.2", shipped.digest)
    assert kept.loaded_by == partnership_officer


def test_a_shipped_bank_already_kept_is_offered_once(
    partnership_officer, bank_version, monkeypatch
):
    same = read_bank(bank_version.text)
    monkeypatch.setattr(forms, "shipped_banks", lambda: {same.key: same})
    page = signed_in_client(partnership_officer).get(reverse("readiness:open_round")).content
    assert page.count(b"Test bank, version test.1") == 1


def test_inviting_and_closing_are_in_the_audit_log(readiness_round, partnership_officer, school):
    UserFactory(username="nina", organisation=school)
    client = signed_in_client(partnership_officer)
    client.post(
        reverse("readiness:invite", args=[readiness_round.pk]),
        invite_data(readiness_round, person="nina"),
    )
    client.post(reverse("readiness:close_round", args=[readiness_round.pk]), {})
    events = AuditEvent.objects.filter(target=f"readiness-round:{readiness_round.pk}")
    assert sorted(events.values_list("action", flat=True)) == [
        "readiness.respondent_invited",
        "readiness.round_closed",
    ]
