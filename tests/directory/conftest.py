"""A small directory for the directory's tests: the standard's example and services of our own."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fame.directory.feed import import_feed
from fame.directory.models import Postcode
from fame.directory.schemas import STANDARD

# Made-up postcodes of a made-up town, a few kilometres apart.
TOWN = {"FM1 1AA": (52.000, -1.000), "FM1 2BB": (52.010, -1.000), "FM9 9ZZ": (52.300, -1.000)}
PARENTING = "4a1e1d3c-0000-4000-8000-000000000001"
SPEECH = "4a1e1d3c-0000-4000-8000-000000000002"
NEEDS = "4a1e1d3c-0000-4000-8000-0000000000aa"


def published_example() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (STANDARD / "examples" / "service_full.json").read_text(encoding="utf-8")
    )
    return loaded


def local_service(
    ident: str, name: str, term: tuple[str, str], postcode: str, ages: tuple[int, int]
) -> dict[str, Any]:
    lat, lon = TOWN[postcode]
    return {
        "id": f"5e000000-0000-4000-8000-{ident:0>12}",
        "name": name,
        "description": f"{name} for families in the town.",
        "status": "active",
        "minimum_age": ages[0],
        "maximum_age": ages[1],
        "assured_date": "2026-11-01",
        "organization": {
            "id": "0a000000-0000-4000-8000-000000000001",
            "name": "Town Family Hub",
            "description": "The town's family hub.",
        },
        "schedules": [
            {
                "id": f"5c000000-0000-4000-8000-{ident:0>12}",
                "freq": "WEEKLY",
                "byday": "TU",
                "opens_at": "10:00:00",
                "closes_at": "12:00:00",
                "description": "Tuesdays, 10am to noon",
            }
        ],
        "service_at_locations": [
            {
                "id": f"5a000000-0000-4000-8000-{ident:0>12}",
                "location": {
                    "id": f"10000000-0000-4000-8000-{ident:0>12}",
                    "location_type": "physical",
                    "name": f"{name} venue",
                    "latitude": lat,
                    "longitude": lon,
                    "addresses": [
                        {
                            "id": f"ad000000-0000-4000-8000-{ident:0>12}",
                            "address_1": "1 High Street",
                            "city": "Fametown",
                            "state_province": "Fameshire",
                            "postal_code": postcode,
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "contacts": [
            {
                "id": f"c0000000-0000-4000-8000-{ident:0>12}",
                "name": "Duty desk",
                "phones": [
                    {"id": f"b0000000-0000-4000-8000-{ident:0>12}", "number": "01632 960000"}
                ],
            }
        ],
        "attributes": [
            {
                "id": f"a0000000-0000-4000-8000-{ident:0>12}",
                "link_type": "need",
                "taxonomy_term": {
                    "id": term[0],
                    "name": term[1],
                    "description": term[1],
                    "taxonomy": "FAME needs",
                    "taxonomy_id": NEEDS,
                },
            }
        ],
    }


@pytest.fixture
def directory(db) -> None:
    for code, (lat, lon) in TOWN.items():
        Postcode.objects.create(postcode=code, latitude=lat, longitude=lon)
    report = import_feed(
        {
            "contents": [
                published_example(),
                local_service(
                    "1", "Parenting Group", (PARENTING, "Parenting support"), "FM1 2BB", (0, 11)
                ),
                local_service(
                    "2", "Chatterbox", (SPEECH, "Speech and language"), "FM1 1AA", (2, 5)
                ),
                local_service(
                    "3", "Far Parenting Class", (PARENTING, "Parenting support"), "FM9 9ZZ", (0, 17)
                ),
            ],
            "taxonomies": [
                {"id": NEEDS, "name": "FAME needs", "description": "What families need"}
            ],
        }
    )
    assert report.refused == []
