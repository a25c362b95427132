"""Live views carry only pseudonyms: after a demo region's practitioner searches for a child
and opens the record, neither the live feed nor a live page holds the child's name, date of
birth or index id, or the practitioner's username or name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fame.accounts.models import User
from fame.demonstrator.drive import links, region_children
from fame.index.models import Person, SourceRecord

from ..conftest import signed_in_client
from .conftest import demo_login
from .test_feed import _frames

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _search_and_open(client, child: dict[str, str]) -> None:
    year, month, day = child["date_of_birth"].split("-")
    page = client.post(
        "/children",
        {
            "family_name": child["family_name"],
            "date_of_birth-day": day,
            "date_of_birth-month": month,
            "date_of_birth-year": year,
        },
    )
    [first, *_] = links(page.content.decode(), "/children/results/")
    assert client.post(first, {"purpose": "early_help"}).status_code == 302


def _identifying(region: Path, teacher: User) -> set[str]:
    """What would identify a child or a practitioner of the region, as text."""
    found = {teacher.username, teacher.get_full_name(), teacher.last_name}
    for record in SourceRecord.objects.all():
        data = record.data
        found |= {str(data.get(k, "")) for k in ("given_name", "family_name", "date_of_birth")}
        found |= {record.local_id}
    found |= {str(uid) for uid in Person.objects.values_list("uid", flat=True)}
    return {text for text in found if len(text) >= 4}


def test_the_live_feed_and_page_hold_only_pseudonyms(demo_region: Path, settings):
    settings.FAME_DEMONSTRATOR_FEED_SECONDS = 0
    teacher = User.objects.get(username=demo_login(demo_region, "school_teacher"))
    manager = User.objects.get(username=demo_login(demo_region, "manager"))
    watching = signed_in_client(manager)
    children = region_children(demo_region)[:3]

    for child in children:
        _search_and_open(signed_in_client(teacher), child)
    feed = _frames(watching.get("/demonstrator/feed", {"since": "3600"}))
    page = watching.get("/demonstrator/management?live=1").content.decode()

    assert [f["activity"] for f in feed].count("find who is involved") == len(children)
    assert [f["activity"] for f in feed].count("record opened") == len(children)
    shown = json.dumps(feed, ensure_ascii=False) + page
    secrets = _identifying(demo_region, teacher)
    assert {c["family_name"] for c in children} <= secrets  # the check looks for them
    assert sorted(s for s in secrets if s in shown) == []
