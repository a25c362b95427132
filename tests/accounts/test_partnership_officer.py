"""Partnership officers run and oversee the children's services partnership: they may watch
the region's work live (pseudonymised), and do none of it: no search, no audit log, no
CAFs, no overrides, no administration."""

from __future__ import annotations

import pytest

from fame.accounts.models import User
from fame.accounts.permissions import can, who_may

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db


def test_a_partnership_officer_may_watch_live_and_nothing_more(partnership_officer):
    allowed = {
        action
        for action in (
            "view_demonstrator", "work_with_children", "view_audit", "coordinate_cafs",
            "authorise_override", "manage_users", "view_nodes",
        )
        if can(partnership_officer, action)
    }  # fmt: skip

    assert allowed == {"view_demonstrator"}
    assert "partnership officers" in who_may("view_demonstrator")


def test_a_partnership_officer_watches_live_and_is_refused_the_search(partnership_officer):
    client = signed_in_client(partnership_officer)

    home = client.get("/demonstrator/").content.decode()
    live = client.get("/demonstrator/management?live=1")
    search = client.get("/children")

    assert "Share the live screens" in home
    assert live.status_code == 200
    assert search.status_code == 403


def test_the_live_views_say_partnership_officers_may_watch(school_teacher):
    page = signed_in_client(school_teacher).get("/demonstrator/technology?live=1")

    assert page.status_code == 403
    assert "partnership officers" in page.content.decode()


def test_an_administrator_may_make_a_partnership_officer(isa_officer, school):
    client = signed_in_client(isa_officer)
    form = client.get("/manage/users/new").content.decode()

    client.post(
        "/manage/users/new",
        {
            "username": "pip", "first_name": "Pip", "last_name": "Lead",
            "organisation": school.pk, "job_title": "Partnership performance lead",
            "phone": "01632 960112", "secure_email": "pip@example.org",
            "roles": ["partnership_officer"],
        },
    )  # fmt: skip

    assert "Partnership officer" in form
    assert User.objects.get(username="pip").roles == ["partnership_officer"]
