"""Contributing a case study (anyone signed in) and moderating it (partnership officers)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fame.audit.models import AuditEvent
from fame.guidance import actions
from fame.guidance.models import CaseStudy
from tests.conftest import signed_in_client
from tests.factories import UserFactory

from .conftest import CaseStudyFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "One front door",
    "partnership": "Northshire Children's Trust",
    "tried": "A single front door for referrals.",
    "barrier": "Partners feared losing control.",
    "worked": "Weekly meetings of every agency's lead.",
    "cost": "Two days a month.",
    "blocks": ["identity", "information-sharing"],
    "dimensions": ["ict"],
    "barriers": ["data-quality"],
    "contact_name": "Robin Shaw",
    "contact_email": "robin.shaw@example.org",
}


@pytest.fixture
def waiting(school_teacher) -> CaseStudy:
    return CaseStudyFactory(
        title="Identity still waiting",
        status=CaseStudy.Status.SUBMITTED,
        submitted_by=school_teacher,
        tagged={"block": ["identity"]},
    )


def test_contribute_signed_out_goes_to_sign_in(db):
    response = Client().post(reverse("guidance:contribute"), GOOD)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign_in")
    assert not CaseStudy.objects.exists()


def test_contribute_by_a_practitioner_waits_for_checking(school_teacher):
    client = signed_in_client(school_teacher)

    response = client.post(reverse("guidance:contribute"), GOOD)

    assert response.status_code == 302
    case = CaseStudy.objects.get()
    assert case.status == CaseStudy.Status.SUBMITTED
    assert case.submitted_by == school_teacher
    assert (case.title, case.cost, case.contact_email) == (
        "One front door",
        "Two days a month.",
        "robin.shaw@example.org",
    )
    assert case.blocks == ["identity", "information-sharing"]
    assert case.dimensions == ["ict"]
    assert case.barriers == ["data-quality"]
    assert "One front door" not in Client().get(reverse("guidance:case_studies")).content.decode()
    followed = client.get(response["Location"]).content.decode()
    assert "will be published once a partnership officer has checked it" in followed


def test_contribute_missing_answers_shows_errors_and_keeps_what_was_typed(school_teacher):
    client = signed_in_client(school_teacher)
    data = {**GOOD, "worked": "", "blocks": [], "contact_email": "not an email"}

    response = client.post(reverse("guidance:contribute"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "<title>Error: " in page
    for message in (
        "Enter what worked",
        "Select at least one building block",
        "Enter an email address in the correct format, like name@example.org",
    ):
        assert message in page
    assert 'href="#id_worked"' in page
    assert "A single front door for referrals." in page
    assert not CaseStudy.objects.exists()


def test_contribute_unknown_tag_is_refused(school_teacher):
    client = signed_in_client(school_teacher)

    response = client.post(reverse("guidance:contribute"), {**GOOD, "barriers": ["made-up"]})

    assert "Select barriers from the list" in response.content.decode()
    assert not CaseStudy.objects.exists()


def test_contribute_email_without_a_name_asks_for_the_name(school_teacher):
    client = signed_in_client(school_teacher)

    response = client.post(reverse("guidance:contribute"), {**GOOD, "contact_name": ""})

    assert "Enter the name of the person to contact" in response.content.decode()
    assert not CaseStudy.objects.exists()


@pytest.mark.parametrize("person", ["school_teacher", "isa_officer", "administrator", "auditor"])
def test_moderation_refused_to_anyone_but_partnership_officers(request, person, waiting):
    client = signed_in_client(request.getfixturevalue(person))

    queue = client.get(reverse("guidance:moderate"))
    one = client.get(reverse("guidance:moderate_one", args=[waiting.pk]))
    post = client.post(reverse("guidance:moderate_one", args=[waiting.pk]), {"decision": "publish"})

    assert (queue.status_code, one.status_code, post.status_code) == (403, 403, 403)
    waiting.refresh_from_db()
    assert waiting.status == CaseStudy.Status.SUBMITTED


def test_manager_who_runs_readiness_still_may_not_moderate(local_authority, waiting):
    manager = UserFactory(username="mo", organisation=local_authority, roles=["manager"])

    response = signed_in_client(manager).get(reverse("guidance:moderate"))

    assert response.status_code == 403


def test_moderation_signed_out_goes_to_sign_in(waiting):
    response = Client().get(reverse("guidance:moderate"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign_in")


def test_partnership_officer_sees_the_queue(partnership_officer, waiting):
    CaseStudyFactory(title="Already published")

    page = signed_in_client(partnership_officer).get(reverse("guidance:moderate")).content.decode()

    assert "Identity still waiting" in page
    assert "Alice" in page
    assert "1 waiting" in page
    assert page.index("Already published") > page.index("Checked recently")


def test_partnership_officer_publishes_and_it_is_audited(partnership_officer, waiting):
    client = signed_in_client(partnership_officer)

    response = client.post(
        reverse("guidance:moderate_one", args=[waiting.pk]),
        {"decision": "publish", "note": "Checked: names no family."},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == CaseStudy.Status.PUBLISHED
    assert waiting.moderated_by == partnership_officer
    assert waiting.moderated_at is not None
    assert waiting.moderation_note == "Checked: names no family."
    event = AuditEvent.objects.get(action="guidance.case_study_published")
    assert event.actor_username == partnership_officer.username
    assert event.target == f"case_study:{waiting.pk}"
    public = Client().get(reverse("guidance:case_study", args=[waiting.pk]))
    assert public.status_code == 200


def test_rejecting_needs_a_note_and_changes_nothing_without_one(partnership_officer, waiting):
    client = signed_in_client(partnership_officer)

    response = client.post(
        reverse("guidance:moderate_one", args=[waiting.pk]), {"decision": "reject", "note": " "}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter why the case study is not being published" in page
    waiting.refresh_from_db()
    assert waiting.status == CaseStudy.Status.SUBMITTED
    assert not AuditEvent.objects.filter(action__startswith="guidance.case_study_re").exists()


def test_no_decision_shows_an_error(partnership_officer, waiting):
    client = signed_in_client(partnership_officer)

    response = client.post(reverse("guidance:moderate_one", args=[waiting.pk]), {})

    assert "Select whether to publish the case study" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.is_waiting


def test_rejected_stays_hidden_from_the_public(partnership_officer, waiting):
    client = signed_in_client(partnership_officer)

    client.post(
        reverse("guidance:moderate_one", args=[waiting.pk]),
        {"decision": "reject", "note": "Names a school's pupil."},
    )

    waiting.refresh_from_db()
    assert waiting.status == CaseStudy.Status.REJECTED
    assert AuditEvent.objects.filter(action="guidance.case_study_rejected").count() == 1
    assert Client().get(reverse("guidance:case_study", args=[waiting.pk])).status_code == 404
    assert "Identity still waiting" not in Client().get("/framework/case-studies").content.decode()


def test_a_decided_case_study_is_not_decided_again(partnership_officer, waiting):
    actions.moderate(case_id=waiting.pk, publish=False, note="No.", by=partnership_officer)
    client = signed_in_client(partnership_officer)

    page = client.get(reverse("guidance:moderate_one", args=[waiting.pk])).content.decode()
    client.post(reverse("guidance:moderate_one", args=[waiting.pk]), {"decision": "publish"})

    assert "Save the decision" not in page
    waiting.refresh_from_db()
    assert waiting.status == CaseStudy.Status.REJECTED
    with pytest.raises(actions.AlreadyModerated):
        actions.moderate(case_id=waiting.pk, publish=True, note="", by=partnership_officer)


def test_contribute_too_long_says_how_long_it_may_be(school_teacher):
    client = signed_in_client(school_teacher)

    response = client.post(reverse("guidance:contribute"), {**GOOD, "tried": "x" * 4001})

    assert "What you tried must be 4,000 characters or fewer" in response.content.decode()
    assert not CaseStudy.objects.exists()
