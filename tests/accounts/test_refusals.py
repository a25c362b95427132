"""Refusals say plainly why, name who the page is for (from the one permissions door) and are
audited; people whose roles are not work with children are not offered the search."""

from __future__ import annotations

import pytest

from fame.audit.models import AuditEvent

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db

NOT_SEARCHING = "Your roles do not include searching for children or seeing their records."
SEARCHERS = "This page is for practitioners and shielding officers only."


@pytest.mark.parametrize("who", ["auditor", "administrator"])
@pytest.mark.parametrize("path", ["/children", "/children/record/abc123"])
def test_non_searching_roles_are_told_they_may_not_search(request, who, path):
    person = request.getfixturevalue(who)
    response = signed_in_client(person).get(path)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot search for children" in page
    assert NOT_SEARCHING in page and SEARCHERS in page
    assert "children found" not in page
    refused = AuditEvent.objects.get(action="access.refused")
    assert (refused.actor_username, refused.target) == (person.username, path)
    assert refused.details["action"] == "work_with_children"


@pytest.mark.parametrize("who", ["auditor", "administrator"])
def test_non_searching_roles_are_not_offered_the_search(request, who):
    page = signed_in_client(request.getfixturevalue(who)).get("/").content.decode()
    assert 'href="/children"' not in page


def test_a_refused_administration_page_names_who_it_is_for(school_teacher):
    page = signed_in_client(school_teacher).get("/manage/users").content.decode()
    assert "This page is for information-sharing officers and administrators only." in page


def test_a_refusal_by_a_rule_says_the_rule_not_nobody(school_teacher, rf):
    from fame.accounts.decorators import refuse

    request = rf.get("/children/record/abc/caf")
    request.user = school_teacher
    request.session = {}
    page = refuse(
        request, action="change a CAF you are not the assessor of", why="Only the assessor can."
    ).content.decode()
    assert "Only the assessor can." in page
    assert "nobody" not in page and "This page is for" not in page


def test_a_manager_who_is_not_a_practitioner_is_told_they_may_not_search_and_what_they_do(
    school,
):
    from ..factories import UserFactory

    manager = UserFactory(username="meg", organisation=school, roles=["manager"])
    client = signed_in_client(manager)

    refused = client.get("/children")
    home = client.get("/").content.decode()

    assert refused.status_code == 403
    assert NOT_SEARCHING in refused.content.decode()
    assert 'href="/children"' not in home
    assert 'id="authorise-override"' in home
    assert "You can use children's information" not in home
