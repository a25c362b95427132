"""Signing out: the header's button, by keyboard, and the page a stray link lands on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fame.audit.models import AuditEvent

from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

LOOKS = (
    "e => { const s = getComputedStyle(e);"
    " return [s.color, s.fontFamily, s.fontSize, s.textDecorationLine, s.backgroundColor]; }"
)


def test_sign_out_in_header_by_keyboard(page, school_teacher):
    signed_in(page, school_teacher)
    header = page.page.get_by_role("navigation", name="Menu")
    # The navigation's last link comes just before the button.
    link = header.get_by_role("link").last
    button = header.get_by_role("button", name="Sign out")
    assert button.evaluate(LOOKS) == link.evaluate(LOOKS)
    link.focus()
    page.page.keyboard.press("Tab")
    expect(button).to_be_focused()
    with page.page.expect_navigation(wait_until="load"):
        page.page.keyboard.press("Enter")
    page.check()
    expect(page.page).to_have_title("Sign in – FAME")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert AuditEvent.objects.filter(action="auth.logout").count() == 1
    page.visit("/")
    expect(page.page).to_have_title("Sign in – FAME")


def test_sign_out_link_only_asks(page, school_teacher):
    signed_in(page, school_teacher)
    page.visit("/sign-out")
    expect(page.get_by_role("heading", name="Sign out of FAME")).to_be_visible()
    page.get_by_role("link", name="Stay signed in and go to the home page").click()
    page.check()
    expect(page.page).to_have_title("Home – FAME")
    assert not AuditEvent.objects.filter(action="auth.logout").exists()
    page.visit("/sign-out")
    with page.page.expect_navigation(wait_until="load"):
        page.page.get_by_role("main").get_by_role("button", name="Sign out").click()
    page.check()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
