"""Signing out: only a form posted from FAME's own pages signs anyone out."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ..conftest import authenticator, signed_in_client
from .conftest import audit_actions, sign_in_password

pytestmark = pytest.mark.django_db

SIGN_OUT_FORM = re.compile(rb'<form[^>]* method="post" action="/sign-out"')


def test_sign_out_posted_ends_session(school_teacher):
    client = signed_in_client(school_teacher)
    response = client.post("/sign-out")
    assert response["Location"] == "/sign-in?ended=signed_out"
    assert client.get("/")["Location"] == "/sign-in"
    assert "auth.logout" in audit_actions()


def test_sign_out_link_from_elsewhere_signs_nobody_out(school_teacher):
    client = signed_in_client(school_teacher)
    response = client.get("/sign-out")
    assert response.status_code == 200
    assert SIGN_OUT_FORM.search(response.content)
    assert client.get("/").status_code == 200
    assert "auth.logout" not in audit_actions()


def test_sign_out_without_csrf_token_is_refused(school_teacher):
    client = signed_in_client(school_teacher)
    client.handler.enforce_csrf_checks = True
    response = client.post("/sign-out")
    assert response.status_code == 403
    assert client.get("/").status_code == 200


def test_sign_out_in_header_is_a_posted_form(school_teacher):
    page = signed_in_client(school_teacher).get("/").content.decode()
    form = page[page.index('action="/sign-out"') :]
    form = form[: form.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in form
    assert ">Sign out</button>" in form
    assert 'href="/sign-out"' not in page


def test_sign_out_after_password_only_ends_session(school_teacher):
    authenticator(school_teacher)
    client = Client()
    sign_in_password(client, "alice")
    page = client.get("/sign-in/security-code").content
    assert SIGN_OUT_FORM.search(page)
    response = client.post("/sign-out")
    assert response["Location"] == "/sign-in?ended=signed_out"
    assert client.get("/sign-in/security-code")["Location"] == "/sign-in"


def test_sign_out_signed_out_visitor_goes_to_sign_in(db):
    assert Client().get("/sign-out")["Location"] == "/sign-in"
    assert Client().post("/sign-out")["Location"] == "/sign-in"
