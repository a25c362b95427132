"""The home page says what each person can do there."""

from __future__ import annotations

import pytest

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db

CHILD_DATA_LINE = "You can use children's information for your work"


def test_home_of_a_practitioner_says_they_can_use_childrens_information(school_teacher):
    page = signed_in_client(school_teacher).get("/").content.decode()

    assert CHILD_DATA_LINE in page
    assert "/audit" not in page


def test_home_of_an_auditor_lists_the_audit_pages_not_childrens_information(auditor):
    page = signed_in_client(auditor).get("/").content.decode()

    assert CHILD_DATA_LINE not in page
    assert "You cannot see children" not in page
    for link in (
        'href="/audit"',
        'href="/audit/find-a-child"',
        'href="/audit/people"',
        'href="/audit/overrides-and-refusals"',
        'href="/audit/check"',
        'href="/nodes"',
    ):
        assert link in page, link


def test_only_those_who_work_with_children_are_offered_find_a_child(auditor, school_teacher):
    auditors_home = signed_in_client(auditor).get("/").content.decode()
    teachers_home = signed_in_client(school_teacher).get("/").content.decode()

    assert 'href="/children"' not in auditors_home
    assert 'href="/audit"' in auditors_home
    assert 'href="/children"' in teachers_home


def test_home_of_an_administrator_says_their_roles_do_not_include_searching(
    administrator, school_teacher
):
    line = "Your roles do not include searching for children or seeing their records."
    assert line in signed_in_client(administrator).get("/").content.decode()
    assert line not in signed_in_client(school_teacher).get("/").content.decode()
