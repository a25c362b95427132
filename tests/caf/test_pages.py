"""A whole CAF through the hub's pages, kept at the school's node, shown on the index."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.caf.models import Assessment, AssessmentVersion, SectionDraft
from fame.index.models import Person
from fame.node.models import NodeRecord, Outbox
from fame.node.outbox import deliver_once
from fame.sharing import Consent

from ..conftest import signed_in_client
from .conftest import (
    ELEMENT,
    answers_for,
    caf_url,
    fill_every_section,
    open_caf_record,
    save,
    start_caf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(school_teacher, olivia):
    client = signed_in_client(school_teacher)
    return client, open_caf_record(client)


def complete(client, handle: str, note: str = ""):
    return client.post(caf_url(handle, "/check"), {"note": note})


def test_record_page_offers_to_start_a_caf(alice):
    client, handle = alice
    page = client.get(f"/children/record/{handle}")
    assert b"Start a CAF" in page.content
    assert client.get(caf_url(handle))["Location"] == caf_url(handle, "/start")


def test_checklist_needs_answers_and_the_familys_agreement(alice):
    client, handle = alice
    response = client.post(caf_url(handle, "/start"), {"family_agrees": "no"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<title>Error: " in page
    assert "Select whether you have concerns about the child being healthy" in page
    assert "A CAF needs the family&#39;s agreement" in page
    assert not Assessment.objects.exists()


def test_starting_keeps_the_caf_at_the_node_not_the_hub(alice, school_teacher):
    client, handle = alice
    start_caf(client, handle)
    assessment = Assessment.objects.get()
    assert (assessment.agency_id, assessment.local_id) == ("sch-001", "UPN-1001")
    assert (assessment.assessor, assessment.status) == ("alice", "draft")
    page = client.get(caf_url(handle)).content.decode()
    assert "Pre-assessment checklist" in page
    assert "1 of 20 sections completed" in page
    assert "Not started" in page
    # The index knows nothing until the CAF is completed.
    assert Person.objects.get().caf_status == ""


def test_a_draft_is_saved_and_resumed(alice):
    client, handle = alice
    start_caf(client, handle)
    response = save(client, handle, "health", {"strengths": "", "needs": "Glasses"}, draft=True)
    assert response.status_code == 302
    task_list = client.get(caf_url(handle)).content.decode()
    assert re.search(r"Health\s*</a>.*?In progress", task_list, re.S)
    # Coming back later, the answer is still there.
    form = client.get(caf_url(handle, "/sections/health")).content.decode()
    assert "Glasses" in form
    # A draft save keeps what was typed even when the section is not finished.
    save(client, handle, "identifying_details", {"family_name": "Hartley"}, draft=True)
    draft = SectionDraft.objects.filter(section="identifying_details").latest("id")
    assert draft.content["family_name"] == "Hartley"
    assert not draft.complete


def test_identifying_details_are_filled_in_from_the_schools_own_record(alice):
    client, handle = alice
    start_caf(client, handle)
    form = client.get(caf_url(handle, "/sections/identifying_details")).content.decode()
    assert 'value="Olivia Grace"' in form
    assert "12 Mill Lane, Northmoor, NM4 2PL" in form
    info = client.get(caf_url(handle, "/sections/assessment_information")).content.decode()
    assert "Northmoor Community Health: Health visiting" in info


def test_bad_input_gives_govuk_errors_and_changes_nothing(alice):
    client, handle = alice
    start_caf(client, handle)
    before = SectionDraft.objects.count()
    bad = {
        **answers_for("identifying_details"),
        "date_of_birth-day": "31",
        "date_of_birth-month": "2",
        "family_name": "",
        "ethnicity": "martian",
    }
    response = save(client, handle, "identifying_details", bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<title>Error: " in page
    assert "Date of birth must be a real date" in page
    assert "Enter family name" in page
    assert "Select one of the choices given" in page
    assert 'href="#id_family_name"' in page
    assert 'value="Olivia Grace"' in page  # what the user typed is kept
    element = save(client, handle, "health", {"strengths": "", "needs": ""})
    assert "Enter the strengths or the needs" in element.content.decode()
    assert SectionDraft.objects.count() == before


def test_whole_assessment_completes_as_version_one_and_reaches_the_index(alice, school_teacher):
    client, handle = alice
    start_caf(client, handle)
    fill_every_section(client, handle)
    check = client.get(caf_url(handle, "/check")).content.decode()
    assert "Check your answers" in check
    assert "Olivia Grace" in check
    assert "White: British" in check
    assert "Northmoor Community Health" in check  # share_with, by name
    assert f"{caf_url(handle, '/sections/identifying_details')}?from=check" in check
    assert "Complete the assessment" in check

    response = complete(client, handle)
    assert response.status_code == 302
    assert response["Location"] == caf_url(handle, "/versions")

    assessment = Assessment.objects.get()
    assert assessment.status == "completed"
    version = AssessmentVersion.objects.get()
    assert (version.number, version.reason, version.made_by) == (1, "initial", "alice")
    assert version.content["health"]["strengths"] == ELEMENT["strengths"]
    assert version.content["identifying_details"]["date_of_birth"] == "2017-03-04"
    assert NodeRecord.objects.get().caf_status == "open"
    assert Outbox.objects.filter(kind="caf_exists").count() == 1

    deliver_once()
    person = Person.objects.get()
    assert person.caf_status == "open"
    assert person.caf_holder.agency_id == "sch-001"
    record_page = client.get(f"/children/record/{handle}").content.decode()
    assert "Hollins Lane Primary School" in record_page
    assert "Open the CAF" in record_page

    consent = Consent.objects.get()
    assert (consent.organisations, consent.data_categories) == (["hlt-001"], ["assessment"])

    versions = client.get(caf_url(handle, "/versions")).content.decode()
    assert "Version 1" in versions


def test_nothing_completes_while_a_section_is_unfinished(alice):
    client, handle = alice
    start_caf(client, handle)
    save(client, handle, "health", ELEMENT)
    page = client.get(caf_url(handle, "/check")).content.decode()
    assert "Complete every section before you save the assessment" in page
    assert "Complete the assessment" not in page
    complete(client, handle)
    assert not AssessmentVersion.objects.exists()


def test_review_makes_version_two_and_leaves_version_one_unchanged(alice):
    client, handle = alice
    start_caf(client, handle)
    fill_every_section(client, handle)
    complete(client, handle)
    first = AssessmentVersion.objects.get(number=1)
    kept = dict(first.content)

    task_list = client.get(caf_url(handle)).content.decode()
    assert "Review the CAF" in task_list
    assert "20 of 20 sections completed" in task_list
    save(client, handle, "learning", {"strengths": "Reading age up a year", "needs": ""})
    complete(client, handle, note="Six-week review with the family")

    second = AssessmentVersion.objects.get(number=2)
    assert (second.reason, second.note) == ("review", "Six-week review with the family")
    assert second.content["learning"]["strengths"] == "Reading age up a year"
    assert second.content["health"] == kept["health"]
    first.refresh_from_db()
    assert first.content == kept
    assert AssessmentVersion.objects.count() == 2

    compared = client.get(caf_url(handle, "/compare?a=1&b=2")).content.decode()
    assert "Version 1 and version 2" in compared
    assert "1 answer changed" in compared
    assert "Reading age up a year" in compared
    assert ELEMENT["strengths"] in compared
    old = client.get(caf_url(handle, "/versions/1")).content.decode()
    assert "Reading age up a year" not in old


def test_a_practitioner_of_another_organisation_cannot_open_it(alice, health_visitor):
    client, handle = alice
    start_caf(client, handle)
    fill_every_section(client, handle)
    complete(client, handle)
    deliver_once()

    bob = signed_in_client(health_visitor)
    bob_handle = open_caf_record(bob)
    record_page = bob.get(f"/children/record/{bob_handle}").content.decode()
    assert "Open the CAF" not in record_page
    assert "Start a CAF" not in record_page
    for rest in ("", "/check", "/versions", "/versions/1", "/sections/health", "/start"):
        response = bob.get(caf_url(bob_handle, rest))
        assert response.status_code == 403, rest
        assert ELEMENT["strengths"] not in response.content.decode()
    refused = AuditEvent.objects.filter(action="access.refused", actor_username="bob")
    assert refused.count() == 6


def test_a_colleague_at_the_holder_reads_but_cannot_change_it(alice, school):
    from ..factories import UserFactory

    client, handle = alice
    start_caf(client, handle)
    colleague = signed_in_client(UserFactory(username="gina", organisation=school))
    gina_handle = open_caf_record(colleague)
    page = colleague.get(caf_url(gina_handle)).content.decode()
    assert "Only the assessor or the Lead Professional can change this assessment" in page
    response = save(colleague, gina_handle, "health", ELEMENT)
    assert response.status_code == 403
    assert not SectionDraft.objects.filter(section="health").exists()


def test_every_read_and_write_is_audited_at_the_hub(alice):
    client, handle = alice
    start_caf(client, handle)
    save(client, handle, "health", ELEMENT)
    client.get(caf_url(handle))
    hub = AuditEvent.objects.filter(actor_username="alice", action__startswith="caf.")
    actions = set(hub.values_list("action", flat=True))
    assert {"caf.opened", "caf.started", "caf.section_saved"} <= actions
    saved = hub.get(action="caf.section_saved")
    assert saved.details["section"] == "health"
    assert saved.target == f"person:{Person.objects.get().uid}"
    at_node = AuditEvent.objects.filter(action__startswith="node.caf")
    node = set(at_node.values_list("action", flat=True))
    assert {"node.caf_started", "node.caf_section_saved", "node.caf_read"} <= node


def test_a_child_the_organisation_has_no_record_of_cannot_have_a_caf_here(olivia, isa_officer):
    client = signed_in_client(isa_officer)
    handle = open_caf_record(client)
    page = client.get(caf_url(handle, "/start")).content.decode()
    assert "has no record of this child in the index" in page
    assert not Assessment.objects.exists()


@pytest.fixture
def reviewed(alice):
    """Version 1, then a review changing one answer (Learning: strengths) as version 2."""
    client, handle = alice
    start_caf(client, handle)
    fill_every_section(client, handle)
    complete(client, handle)
    save(client, handle, "learning", {"strengths": "Reading age up a year", "needs": ""})
    complete(client, handle, note="Six-week review")
    return client, handle


def test_versions_are_dated_as_people_write_dates(reviewed):
    client, handle = reviewed
    saved = AssessmentVersion.objects.get(number=1).made_at
    day = timezone.localtime(saved)
    written = f"{day.day} {day:%B %Y}"
    for page in (
        client.get(caf_url(handle, "/versions")).content.decode(),
        client.get(caf_url(handle, "/versions/1")).content.decode(),
    ):
        assert written in page
        assert day.date().isoformat() not in page


def test_compare_without_a_choice_asks_which_two_versions(reviewed):
    client, handle = reviewed
    response = client.get(caf_url(handle, "/compare"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Compare two versions</h1>' in page
    assert '<option value="1" selected>Version 1</option>' in page
    assert '<option value="2" selected>Version 2</option>' in page
    assert "There is a problem" not in page


def test_compare_with_a_choice_that_is_no_version_says_so_and_reads_nothing(reviewed):
    client, handle = reviewed
    reads = AuditEvent.objects.filter(action="caf.version_opened").count()
    for query in ("?a=1&b=7", "?a=one&b=2", "?a=1"):
        response = client.get(caf_url(handle, "/compare" + query))
        assert response.status_code == 400, query
        page = response.content.decode()
        assert "<title>Error: Compare two versions" in page
        assert "There is a problem" in page
        assert (
            "Select a version from the list" in page
            or "Select the version to compare it with" in page
        )
    assert AuditEvent.objects.filter(action="caf.version_opened").count() == reads


def test_compare_shows_the_change_in_full_and_folds_what_did_not_change(reviewed):
    client, handle = reviewed
    page = client.get(caf_url(handle, "/compare?a=1&b=2")).content.decode()
    assert "1 answer changed in 1 section; 19 sections did not change" in page
    shown, folded = page.split("<details", 1)
    # The change, with what was there before and after, is shown, not folded.
    assert "Before (version 1)" in shown and "After (version 2)" in shown
    assert ELEMENT["strengths"] in shown and "Reading age up a year" in shown
    assert "Health" not in shown.split("What changed", 1)[1]
    # Learning's other answer, and each section that did not change, are folded away.
    details = page.count('<details class="govuk-details')
    assert details == 1 + 19
    assert "Learning: the 1 other answer, unchanged" in folded
    assert "Identifying details" in folded
