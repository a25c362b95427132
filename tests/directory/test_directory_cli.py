"""``fame directory import|export|postcodes`` as the command line runs them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fame.directory.models import Postcode, Service
from fame.directory.postcodes import haversine_km, locate, normalise
from fame.directory.schemas import STANDARD

pytestmark = pytest.mark.django_db
EXAMPLE = STANDARD / "examples" / "service_full.json"


def run(*args: str) -> str:
    out = StringIO()
    call_command("directory", *args, stdout=out)
    return out.getvalue()


def test_import_then_export_writes_the_feed(tmp_path: Path) -> None:
    said = run("import", str(EXAMPLE))
    out = tmp_path / "directory.json"

    run("export", "--out", str(out))

    assert "1 services added, 0 updated, 0 refused" in said
    feed = json.loads(out.read_text(encoding="utf-8"))
    assert [service["name"] for service in feed["contents"]] == ["Community Counselling"]


def test_import_lists_each_refusal(tmp_path: Path) -> None:
    bad = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    bad["status"] = "open-ish"
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([bad]), encoding="utf-8")

    said = run("import", str(feed))

    assert "0 services added, 0 updated, 1 refused" in said
    assert "refused service 1 (Community Counselling" in said and "status" in said
    assert Service.objects.count() == 0


def test_import_of_not_json_says_so(tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text("<html>", encoding="utf-8")

    with pytest.raises(CommandError, match="is not JSON"):
        run("import", str(feed))


def test_postcodes_load_and_refuse_bad_lines(tmp_path: Path) -> None:
    csv = tmp_path / "postcodes.csv"
    csv.write_text(
        "postcode,latitude,longitude\nfm1 1aa,52.1,-1.2\nnot one,1,1\nFM2 2BB,north,-1\n",
        encoding="utf-8",
    )

    said = run("postcodes", str(csv))

    assert "Loaded 1 postcodes" in said
    assert "line 3: postcode 'not one' is not a UK postcode" in said
    assert "line 4: latitude and longitude must be numbers" in said
    assert locate("FM11AA") == (52.1, -1.2)
    assert Postcode.objects.count() == 1


def test_postcodes_file_without_the_columns_is_refused(tmp_path: Path) -> None:
    csv = tmp_path / "postcodes.csv"
    csv.write_text("code,lat\nFM1 1AA,52\n", encoding="utf-8")

    with pytest.raises(CommandError, match="missing: latitude, longitude, postcode"):
        run("postcodes", str(csv))


def test_normalise_and_haversine() -> None:
    assert normalise(" fm1  1aa ") == "FM1 1AA"
    # One degree of latitude is about 111.2 km anywhere.
    assert haversine_km((52.0, -1.0), (53.0, -1.0)) == pytest.approx(111.2, abs=0.1)
    assert haversine_km((52.0, -1.0), (52.0, -1.0)) == 0


def test_import_from_an_address_reads_the_feed_there(monkeypatch) -> None:
    import httpx

    feed = EXAMPLE.read_text(encoding="utf-8")
    asked: list[str] = []

    def answer(url: str, **_: object) -> httpx.Response:
        asked.append(url)
        return httpx.Response(200, text=feed, request=httpx.Request("GET", url))

    monkeypatch.setattr(httpx, "get", answer)

    said = run("import", "https://directory.example.org/services/full")

    assert asked == ["https://directory.example.org/services/full"]
    assert "1 services added" in said


def test_import_from_an_address_that_fails_says_so(monkeypatch) -> None:
    import httpx

    def answer(url: str, **_: object) -> httpx.Response:
        return httpx.Response(503, request=httpx.Request("GET", url))

    monkeypatch.setattr(httpx, "get", answer)

    with pytest.raises(CommandError, match=r"Cannot fetch https://directory\.example\.org/x"):
        run("import", "https://directory.example.org/x")
