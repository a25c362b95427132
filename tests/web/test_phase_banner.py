"""The phase banner says the children are made up only where they are: in a demo region,
never in production (where the region holds real children)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

MADE_UP = "The demo region holds made-up children only."


def test_a_demo_region_says_its_children_are_made_up(settings) -> None:
    settings.PRODUCTION = False
    page = Client().get("/sign-in")
    assert page.status_code == 200
    assert MADE_UP in page.content.decode()


def test_production_does_not(settings) -> None:
    settings.PRODUCTION = True
    page = Client().get("/sign-in", secure=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "This is a new service." in html
    assert MADE_UP not in html
