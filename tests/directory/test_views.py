"""The directory's pages: anyone searches and reads a service; only directory editors add,
change and check entries and see the review list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fame.audit.models import AuditEvent
from fame.directory.models import Service, ServiceChange

from ..conftest import signed_in_client
from .conftest import PARENTING, SPEECH

pytestmark = pytest.mark.django_db
GROUP = "5e000000-0000-4000-8000-000000000001"


def test_search_is_public_and_finds_by_need_and_postcode_nearest_first(directory, client):
    response = client.get(
        reverse("directory:search"), {"need": PARENTING, "postcode": "fm1 1aa", "distance": "5"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 service found" in page
    assert "Parenting Group" in page and "Far Parenting Class" not in page
    assert "1.1 km away" in page
    assert "Tuesdays, 10am to noon" in page and "Self-referral" not in page
    assert "01632 960000" in page


def test_search_by_age_leaves_out_services_not_for_that_age(directory, client):
    response = client.get(reverse("directory:search"), {"age": "14", "q": "parenting"})

    page = response.content.decode()
    assert "Far Parenting Class" in page and "Parenting Group" not in page.replace(
        "Far Parenting Class", ""
    )


def test_unknown_postcode_is_an_error_on_the_field(directory, client):
    response = client.get(reverse("directory:search"), {"postcode": "QQ1 1QQ"})

    page = response.content.decode()
    assert "There is a problem" in page
    assert "We do not know where QQ1 1QQ is" in page
    assert "<title>Error:" in page


def test_service_page_says_what_who_when_where_cost_how_and_last_checked(directory, client):
    response = client.get(reverse("directory:service", args=[GROUP]))

    page = response.content.decode()
    assert response.status_code == 200
    for said in (
        "Parenting Group",
        "Up to age 11",
        "Tuesdays",
        "1 High Street",
        "01632 960000",
        "Last checked 1 November 2026",
    ):
        assert said in page, said
    assert "Change this entry" not in page


def test_editing_pages_need_sign_in(directory, client):
    for name, args in (("add", []), ("edit", [GROUP]), ("review", [])):
        response = client.get(reverse(f"directory:{name}", args=args))
        assert response.status_code == 302 and "/sign-in" in response["Location"], name


def test_a_practitioner_may_not_edit(directory, school_teacher):
    teacher = signed_in_client(school_teacher)

    response = teacher.get(reverse("directory:edit", args=[GROUP]))
    checked = teacher.post(reverse("directory:checked", args=[GROUP]))

    assert response.status_code == 403 and checked.status_code == 403


def test_editor_changes_an_entry_and_it_is_recorded(directory, directory_editor):
    editor = signed_in_client(directory_editor)
    form = editor.get(reverse("directory:edit", args=[GROUP]))
    assert 'value="Parenting Group"' in form.content.decode()

    response = editor.post(
        reverse("directory:edit", args=[GROUP]),
        {
            "name": "Parenting Group (Tuesdays)",
            "description": "A friendly group for parents.",
            "status": "active",
            "needs": [PARENTING, SPEECH],
            "minimum_age": "0",
            "maximum_age": "11",
            "when": "Tuesdays, 10:00 to 12:00",
            "fees": "Free",
            "phone": "01632 960999",
        },
    )

    assert response.status_code == 302
    service = Service.objects.get(id=GROUP)
    assert service.name == "Parenting Group (Tuesdays)"
    assert service.last_checked_on == timezone.localdate()
    assert set(service.terms.values_list("id", flat=True)) == {PARENTING, SPEECH}
    assert service.contacts.get().phone_numbers == ["01632 960999"]
    change = service.changes.get(kind=ServiceChange.Kind.CHANGED)
    assert change.by == directory_editor
    assert AuditEvent.objects.filter(action="directory.changed", actor_username="dee").exists()


def test_editor_form_errors_are_shown_and_nothing_saved(directory, directory_editor):
    editor = signed_in_client(directory_editor)

    response = editor.post(
        reverse("directory:edit", args=[GROUP]),
        {
            "name": "",
            "description": "x",
            "status": "active",
            "needs": [PARENTING],
            "minimum_age": "12",
            "maximum_age": "4",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the name of the service" in page
    assert "The oldest age must be the same as or more than the youngest" in page
    assert Service.objects.get(id=GROUP).name == "Parenting Group"


def test_editor_adds_a_service(directory, directory_editor):
    editor = signed_in_client(directory_editor)

    response = editor.post(
        reverse("directory:add"),
        {
            "name": "Dads' Saturday club",
            "description": "Play and breakfast for dads and kids.",
            "status": "active",
            "needs": [PARENTING],
            "email": "dads@example.org",
        },
    )

    service = Service.objects.get(name="Dads' Saturday club")
    assert response["Location"] == reverse("directory:service", args=[service.id])
    assert service.changes.get().kind == ServiceChange.Kind.CREATED


def test_review_lists_stale_entries_and_checking_clears_them(directory, directory_editor):
    Service.objects.filter(id=GROUP).update(
        last_checked_on=timezone.localdate() - timedelta(days=200)
    )
    editor = signed_in_client(directory_editor)

    before = editor.get(reverse("directory:review")).content.decode()
    after = editor.post(
        reverse("directory:checked", args=[GROUP]), {"next": "review"}, follow=True
    ).content.decode()

    link = f'href="{reverse("directory:service", args=[GROUP])}"'
    assert link in before
    assert link not in after and "Parenting Group is marked as checked today" in after
    assert Service.objects.get(id=GROUP).assured_date == timezone.localdate()


def test_needs_review_after_six_months() -> None:
    service = Service(last_checked_on=date(2026, 1, 1))

    assert not service.needs_review(date(2026, 6, 1))
    assert service.needs_review(date(2026, 7, 15))
    assert Service().needs_review(date(2026, 1, 1))
