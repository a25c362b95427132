"""The service directory in a browser: a family, not signed in, finds a service by need and
postcode; a directory editor changes an entry and clears the review list. axe checks every
page on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fame.directory.models import Service

from ..directory.conftest import directory  # noqa: F401 - fixture
from .test_child_index import signed_in

pytestmark = pytest.mark.django_db(transaction=True)
GROUP = "5e000000-0000-4000-8000-000000000001"


def test_a_family_finds_a_service_by_need_and_postcode(page, directory):  # noqa: F811
    page.visit("/")
    page.get_by_role("link", name="Service directory").click()
    page.check()

    page.get_by_label("What do you need help with?").select_option(label="Parenting support")
    page.get_by_label("Age of the child or young person").fill("4")
    page.get_by_label("Postcode").fill("fm1 1aa")
    page.get_by_label("Distance").select_option(label="Within 5 km")
    page.get_by_role("button", name="Search").click()
    page.check()

    expect(page.locator("#result-count")).to_have_text("1 service found")
    result = page.locator(".fame-directory-result")
    expect(result).to_contain_text("Parenting Group")
    expect(result).to_contain_text("1.1 km away")
    page.save_screenshot("directory-search")
    page.get_by_role("link", name="Parenting Group").click()
    page.check()
    expect(page.locator("h1")).to_have_text("Parenting Group")
    expect(page.locator("#last-checked")).to_contain_text("Last checked 1 November 2026")
    page.save_screenshot("directory-service")


def test_an_editor_changes_an_entry_and_clears_the_review_list(
    page,
    directory,  # noqa: F811
    directory_editor,
):
    stale = timezone.localdate() - timedelta(days=400)
    Service.objects.update(last_checked_on=stale)
    signed_in(page, directory_editor)

    page.visit("/directory/review/")
    expect(page.locator("#review-list")).to_contain_text("Parenting Group")
    page.get_by_role("link", name="Parenting Group").click()
    page.check()
    page.get_by_role("link", name="Change this entry").click()
    page.check()
    page.get_by_label("Name of the service").fill("Parenting Group for under-12s")
    page.get_by_role("button", name="Save and mark as checked").click()
    page.check()
    expect(page.locator("h1")).to_have_text("Parenting Group for under-12s")

    page.visit("/directory/review/")
    for _ in range(Service.objects.count() - 1):
        page.get_by_role("button", name="Mark", exact=False).first.click()
        page.check()

    expect(page.locator("#review-empty")).to_be_visible()
