"""The guided scenario's page: one step a page, without JavaScript; a bad step is refused
with what to do; anyone signed in may follow it."""

from __future__ import annotations

import json

import pytest

from fame.demonstrator.guided import show, stories

from ..conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _config(response) -> dict:
    text = response.content.decode().split('id="guided-config">')[1].split("</script>")[0]
    return json.loads(text)


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.get("/demonstrator/guided")

    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "sign" in response["Location"]


def test_anyone_signed_in_may_follow_the_story_step_by_step(school_teacher):
    client = signed_in_client(school_teacher)
    story = stories()["school_nurse"]

    first = client.get("/demonstrator/guided")
    police = next(i for i, s in enumerate(story.steps, 1) if "sexual health" in (s.question or ""))
    asked = client.get(f"/demonstrator/guided?step={police}")

    assert first.status_code == 200
    page = first.content.decode()
    assert story.steps[0].title in page
    assert 'href="?step=2" rel="next"' in page
    assert 'rel="prev"' not in page
    assert "/demonstrator/client?scenario=small&amp;approach=index_caf_federated" in page
    text = asked.content.decode()
    assert "govuk-inset-text" in text and "Show the answer" in text
    assert "Refused: no consent in force permits sharing sensitive involvement" in text
    assert "Permitted: safeguarding override" in text


def test_the_page_leads_the_windows_to_the_step_s_moment_and_case(school_teacher):
    client = signed_in_client(school_teacher)
    story = stories()["school_nurse"]

    config = _config(client.get("/demonstrator/guided?step=8"))

    shown = show(story, 8)
    assert config["channel"] == "small:2026:0"
    assert config["t"] == shown.t
    assert config["selection"] == shown.selection
    assert config["selection"]["case"].startswith("child-")


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("step=0", "There is no step “0”. Choose a step from 1 to"),
        ("step=99", "There is no step “99”."),
        ("step=two", "There is no step “two”."),
        ("story=atlantis", "There is no story called “atlantis”. Choose school_nurse."),
    ],
)
def test_a_bad_step_is_refused_with_what_to_do(school_teacher, query, says):
    response = signed_in_client(school_teacher).get(f"/demonstrator/guided?{query}")

    assert response.status_code == 400
    assert says in response.content.decode()
    assert "There is a problem" in response.content.decode()
